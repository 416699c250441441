"""The case list: the user's cases with level (name and colour), next re-assessment, overdue actions; a search
filter; the follow-up queue, most urgent first. The first page shows at once, the rest loads behind it."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import Input, Static

from csvc_core.errors import CsvcError
from csvc_tui.keys import bind
from csvc_tui.records import CaseRow
from csvc_tui.screens.working import WorkingScreen
from csvc_tui.text import _
from csvc_tui.widgets.case_table import CaseTable
from csvc_tui.widgets.keybar import KeyBar
from csvc_tui.workspace import Workspace

FIRST_PAGE = 60
PAGE = 1000


def first_page(workspace: Workspace) -> list[CaseRow] | None:
    """The newest cases, fetched as the session opens (in the same thread): None when the store refused them;
    the list then asks for them itself, and says why it cannot show them."""
    try:
        return workspace.cases.case_rows(0, FIRST_PAGE)
    except CsvcError:
        return None


def folded(text: str) -> str:
    """``text`` without accents nor case: ``Marie-Ève`` and ``marie-eve`` read the same."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def matches(row: CaseRow, query: str) -> bool:
    """The name holds the query (accents and case aside), or the case number does."""
    query = folded(query)
    return query in folded(row.name) or query in row.case_id


#: the filters ``f`` goes through, in order: which rows each keeps.
FILTERS: dict[str, Callable[[CaseRow], bool]] = {
    "all": lambda row: True,
    "serious": lambda row: row.compromission is not None and row.compromission >= 3,
    "assessment_due": lambda row: row.compromission is None or row.overdue,
    "overdue_actions": lambda row: row.overdue_actions > 0,
}


class CasesScreen(WorkingScreen[None]):
    """All cases, or the follow-up queue (``s``); ``/`` searches, ``n`` opens a new case. Built with its
    first page when the session opened with it (shown at once), else it shows "loading" and asks for it."""

    AUTO_FOCUS = "#cases"
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("case_new", "new_case"),
        bind("case_search", "search", show=False),  # announced in the search field itself
        bind("search_clear", "clear_search", show=False),
        bind("followup", "toggle_followup"),
        bind("cases_filter", "next_filter"),
        bind("cell_desk", "concertation", show=False),
        bind("cases_refresh", "reload", show=False),
        bind("received", "received", show=False),
        bind("administer", "administer"),  # only for a person who administers (check_action)
    ]

    def __init__(self, first: list[CaseRow] | None = None) -> None:
        super().__init__(classes="cases-screen")
        self.all_rows: list[CaseRow] = []
        self.followup_items: list[Any] = []
        self.showing_followup = False
        self.filter = "all"
        self.fetching = True
        self.first = first

    def compose(self) -> ComposeResult:
        workspace = self.csvc_app.workspace
        yield Static(
            _("cases.title", user=workspace.user_name or "", org=workspace.organisation),
            classes="screen-title",
        )
        yield Input(placeholder=_("cases.search"), id="case-search", compact=True)
        yield CaseTable(id="cases")
        yield Static("" if self.first is not None else _("cases.loading"), id="cases-status")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(CaseTable).focus()
        first, self.first = self.first, None
        if first is None:
            self.action_reload()
        else:
            self.show_first_page(first)

    def on_screen_resume(self) -> None:
        if not self.fetching:
            self.action_reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "administer":
            session = self.csvc_app.workspace.session
            return session is not None and session.actor.administers
        return True

    def action_administer(self) -> None:
        """Partners and the people of her organisation (csvc_tui.screens.admin)."""
        from csvc_tui.screens.admin import AdminScreen

        self.app.push_screen(AdminScreen())

    def action_received(self) -> None:
        """What partners shared with this organisation (csvc_tui.screens.sharing)."""
        from csvc_tui.screens.sharing import ReceivedScreen

        self.app.push_screen(ReceivedScreen())

    # -- loading ---------------------------------------------------------------------------------------------
    def action_reload(self) -> None:
        self.fetching = True
        workspace = self.csvc_app.workspace
        self.background(lambda: workspace.cases.case_rows(0, FIRST_PAGE), self.show_first_page, group="cases")

    def show_first_page(self, rows: list[CaseRow]) -> None:
        """Show the newest cases; the other cases and the follow-up queue load once they are on screen (their
        threads would otherwise hold the interpreter while the first page is being drawn)."""
        self.all_rows = rows
        self.fetching = len(rows) == FIRST_PAGE  # a full page: more may follow
        self.show()
        self.call_after_refresh(self.load_rest, len(rows))

    def load_rest(self, first: int) -> None:
        workspace = self.csvc_app.workspace
        if not workspace.unlocked:  # locked before the first page was drawn: this screen is on its way out
            return
        if first == FIRST_PAGE:
            self.background(
                lambda: workspace.cases.all_case_rows(FIRST_PAGE, PAGE), self.more_pages, group="cases-more"
            )
        self.background(workspace.cases.followup, self.followup_loaded, group="followup")

    def more_pages(self, rows: list[CaseRow]) -> None:
        self.all_rows = self.all_rows + rows
        self.fetching = False
        self.show()

    def followup_loaded(self, items: list[Any]) -> None:
        self.followup_items = items
        self.show()

    def followup_rows(self) -> list[CaseRow]:
        """The follow-up queue in the store's order (most dangerous first), with the loaded cases' names."""
        known = {row.case_id: row for row in self.all_rows}
        rows = []
        for item in self.followup_items:
            row = known.get(item.case)
            rows.append(
                CaseRow(
                    case_id=item.case,
                    name=row.name if row else item.case,
                    compromission=item.compromission,
                    reassess_by=item.reassess_by,
                    overdue=item.overdue,
                    overdue_actions=item.overdue_actions,
                )
            )
        return rows

    # -- showing ---------------------------------------------------------------------------------------------
    def show(self) -> None:
        query = self.query_one("#case-search", Input).value.strip()
        rows = self.followup_rows() if self.showing_followup else self.all_rows
        keep = FILTERS[self.filter]
        rows = [row for row in rows if keep(row) and (not query or matches(row, query))]
        self.query_one(CaseTable).show_rows(rows)
        if self.filter != "all":
            view = _(f"cases.filter.{self.filter}")
            if self.showing_followup:
                view = _("cases.view_followup_short") + " · " + view
        else:
            view = _("cases.view_followup") if self.showing_followup else _("cases.view_all")
        status = _("cases.status", count=len(rows), view=view)
        if self.check_action("administer", ()):
            status += _("cases.status_administer")
        if self.fetching:
            status += " " + _("cases.loading")
        self.query_one("#cases-status", Static).update(status)

    def on_input_changed(self, event: Input.Changed) -> None:
        self.show()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one(CaseTable).focus()

    def action_search(self) -> None:
        self.query_one("#case-search", Input).focus()

    def action_clear_search(self) -> None:
        """Escape: the search emptied (every case shown again) and left for the list."""
        search = self.query_one("#case-search", Input)
        if search.value:
            search.value = ""
            self.show()
        self.query_one(CaseTable).focus()

    def action_next_filter(self) -> None:
        """All cases, level 3 or 4, an assessment due or late, overdue actions, then all again."""
        names = list(FILTERS)
        self.filter = names[(names.index(self.filter) + 1) % len(names)]
        self.show()

    def action_toggle_followup(self) -> None:
        self.showing_followup = not self.showing_followup
        self.show()

    # -- opening ---------------------------------------------------------------------------------------------
    def on_case_table_opened(self, event: CaseTable.Opened) -> None:
        row = next((row for row in self.query_one(CaseTable).rows if row.case_id == event.case_id), None)
        self.csvc_app.open_case(event.case_id, row.name if row else None)

    def action_new_case(self) -> None:
        self.run_worker(self.new_case(), exclusive=True, group="cases-ask")

    async def new_case(self) -> None:
        """Its label asked, then the case created and opened."""
        from csvc_tui.screens.ask import AskText

        label = await self.ask(AskText(_("cases.new_prompt")))
        if label:
            workspace = self.csvc_app.workspace
            self.background(
                lambda: workspace.cases.new_case(label),
                lambda case_id: self.csvc_app.open_case(case_id, label),
            )

    def action_concertation(self) -> None:
        """The concertation desk: the requests this user may read, the cases to bring to concertation."""
        from csvc_tui.screens.concertation_desk import ConcertationsScreen

        self.app.push_screen(ConcertationsScreen())
