"""The concertation desk of répondants and coordinators (requests by urgency, cases an assessment refers to
concertation, cases referred to this organisation), and asking for concertation from a case."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.text import Text as RichText
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from csvc_core.errors import CsvcError
from csvc_core.sharing.concertation import CRITERIA, STATES, may_request
from csvc_tui.cellwork import Desk, Request
from csvc_tui.keys import bind
from csvc_tui.screens.ask import AskMany
from csvc_tui.screens.concertation import ConcertationScreen
from csvc_tui.screens.concertation_text import level_or_hidden, local, refusal
from csvc_tui.screens.questions import Questions, fetch
from csvc_tui.screens.working import WorkingScreen
from csvc_tui.text import _
from csvc_tui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from csvc_tui.app import CsvcApp


#: the desk's filters, in the order ``f`` cycles through them: open requests, each state, every request.
FILTERS: tuple[str, ...] = ("open", *STATES, "all")


class ConcertationsScreen(WorkingScreen[None]):
    """Requests by urgency, cases to bring to concertation, cases referred here; Enter opens."""

    AUTO_FOCUS = "#cell-desk"
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("cell_filter", "filter"),
        bind("cases_refresh", "reload", show=False),
        bind("back", "back"),
    ]

    def __init__(self) -> None:
        super().__init__(classes="cell-screen")
        self.desk: Desk | None = None
        self.filter = FILTERS[0]

    def compose(self) -> ComposeResult:
        yield Static(_("cell.desk_title", org=self.csvc_app.workspace.organisation), classes="screen-title")
        yield OptionList(Option(_("cell.loading"), disabled=True), id="cell-desk")
        yield Static(id="cell-status")
        yield KeyBar()

    def on_mount(self) -> None:
        self.action_reload()

    def on_screen_resume(self) -> None:
        if self.desk is not None:
            self.action_reload()

    def action_reload(self) -> None:
        cell = self.csvc_app.workspace.cell
        self.background(cell.desk, self.show, group="cell")

    def shown_requests(self) -> list[Request]:
        if self.desk is None:
            return []
        if self.filter == "all":
            return list(self.desk.requests)
        if self.filter == "open":
            return [r for r in self.desk.requests if not r.closed]
        return [r for r in self.desk.requests if r.state == self.filter]

    def show(self, desk: Desk) -> None:
        self.desk = desk
        options = self.query_one("#cell-desk", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        requests = self.shown_requests()
        heading = RichText(_("cell.requests", count=len(requests)), style="bold")
        options.add_option(Option(heading, disabled=True))
        for request in requests:
            options.add_option(Option(self.request_row(request), id=f"r:{request.id}"))
        if not requests:
            options.add_option(Option(_("cell.no_requests"), disabled=True))
        for kind, cases in (("recommended", desk.recommended), ("referred", desk.referred)):
            options.add_option(
                Option(RichText(_(f"cell.{kind}", count=len(cases)), style="bold"), disabled=True)
            )
            for case in cases:
                row = level_or_hidden(case.compromission)
                row.append(f"  {case.name}  ")
                row.append(_(f"cell.why.{case.why}"), style="dim")
                options.add_option(Option(row, id=f"c:{case.case}"))
            if not cases:
                options.add_option(Option(_(f"cell.no_{kind}"), disabled=True))
        if highlighted is not None and highlighted < options.option_count:
            options.highlighted = highlighted
        elif requests:
            options.highlighted = 1
        self.query_one("#cell-status", Static).update(
            _("cell.desk_status", view=_(f"cell.filter.{self.filter}"))
        )

    @staticmethod
    def request_row(request: Request) -> RichText:
        row = level_or_hidden(request.compromission, request.previous)
        row.append(f"  {request.name}", style="bold")
        row.append(f"  {_(f'cell.state.{request.state}')}")
        if request.overdue_actions:
            row.append("  " + _("cell.overdue_count", count=request.overdue_actions), style="bold reverse")
        elif request.next_due is not None:
            row.append("  " + _("cell.next_due", when=local(request.next_due)[:10]), style="dim")
        row.append(
            f"\n    {request.organisation} · {_('cell.asked_on', when=local(request.requested_at))}",
            style="dim",
        )
        return row

    def action_filter(self) -> None:
        self.filter = FILTERS[(FILTERS.index(self.filter) + 1) % len(FILTERS)]
        if self.desk is not None:
            self.show(self.desk)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        kind, _sep, ident = (event.option.id or "").partition(":")
        if kind == "r" and self.desk is not None:
            request = next(r for r in self.desk.requests if r.id == ident)
            self.app.push_screen(ConcertationScreen(ident, request.name, request.compromission))
        elif kind == "c" and self.desk is not None:
            case = next(c for c in (*self.desk.recommended, *self.desk.referred) if c.case == ident)
            self.csvc_app.open_case(ident, case.name)

    def action_back(self) -> None:
        self.dismiss()


# -- one request ---------------------------------------------------------------------------------------------


# -- from a case ---------------------------------------------------------------------------------------------
async def case_concertation(screen: WorkingScreen[Any], case_id: str, name: str, level: int | None) -> None:
    """From a case: open one of its requests, or ask for concertation (criteria; a judgement needs its
    reason)."""
    app = cast("CsvcApp", screen.app)
    cell = app.workspace.cell
    requests = await fetch(screen, lambda: cell.case_requests(case_id))
    if requests is None:
        return
    ask = Questions(screen)
    requester = may_request(cell.role)
    if requests:
        choices: list[tuple[str, object]] = [
            (
                r.id,
                _("cell.state." + r.state) + " · " + _("cell.asked_on", when=local(r.requested_at)),
            )
            for r in requests
        ]
        if requester:
            choices.append(("new", _("cell.new_request")))
        picked = await ask.choice(_("cell.case_pick"), choices)
        if picked is None:
            return
        if picked != "new":
            app.push_screen(ConcertationScreen(picked, name, level))
            return
    elif not requester:
        app.notify(_("cell.request_role"), severity="warning")
        return
    error = ""
    while True:
        criteria = await screen.ask(
            AskMany(_("cell.criteria_prompt"), [(c, _(f"cell.criterion.{c}")) for c in CRITERIA], error)
        )
        if criteria is None:
            return
        if criteria:
            break
        error = _("cell.criteria_none")
    judgement = ""
    if "professional_judgement" in criteria:
        given = await ask.text(_("cell.judgement_prompt"), required=True)
        if given is None:
            return
        judgement = given

    def requested(concertation_id: str) -> None:
        app.notify(_("cell.requested"))
        app.push_screen(ConcertationScreen(concertation_id, name, level))

    def failed(error: CsvcError) -> None:
        app.notify(refusal(error), severity="error", timeout=15, markup=False)

    screen.background(lambda: cell.request(case_id, criteria, judgement), requested, failed)
