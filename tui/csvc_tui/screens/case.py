"""One case: its level and where it comes from, the re-assessment due, the trend, every sector's assessments,
the actions board, the people of the case (added and changed here; each safe-contact field masked until it is
revealed on its own, each reveal audited by the store, masked again on lock or when the case is left), events
that make a re-assessment due, outcomes (what happened after the assessments), the drafts to resume, and the
case tools the plugins add (the safety plan)."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text as RichText
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from csvc_tui.assessment import choose_instrument
from csvc_tui.keys import bind
from csvc_tui.screens import case_dialogs
from csvc_tui.screens.case_text import action_name, last_note, outcomes_text, person_text, when
from csvc_tui.screens.concertation_desk import case_concertation
from csvc_tui.screens.concertation_text import case_line
from csvc_tui.screens.working import WorkingScreen
from csvc_tui.text import _
from csvc_tui.widgets.keybar import KeyBar
from csvc_tui.widgets.level import compromission_text, trend_text


class CaseScreen(WorkingScreen[None]):
    """A case, for reading and acting: e assess, t action status, v event, s outcome, a/p add or change a
    person, r reveal one of her safe-contact fields, o a case tool (the safety plan), Esc back. The actions
    have the focus on entry."""

    AUTO_FOCUS = "#case-actions"
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("case_assess", "assess"),
        # announced in their sections' titles, to leave the bar to the keys that have no such place
        bind("action_status", "action_status", show=False),
        bind("case_event", "event", show=False),
        bind("case_outcome", "outcome", show=False),
        bind("case_reveal", "reveal", show=False),
        bind("case_sharing", "sharing"),
        bind("case_concertation", "concertation"),
        bind("case_tools", "tools"),
        bind("person_add", "add_person", show=False),
        bind("person_edit", "edit_person", show=False),
        bind("back", "back", show=False),
    ]

    def __init__(self, case_id: str, label: str | None = None) -> None:
        super().__init__(classes="case-screen")
        self.case_id = case_id
        self.label = label or case_id  # the name it was opened by (the list read it, audited)
        self.detail: Any = None
        #: safe-contact fields revealed on this screen, by person: gone with the screen (lock, Esc)
        self.revealed: dict[str, dict[str, Any]] = {}

    def compose(self) -> ComposeResult:
        yield Static(_("case.title", case=self.label), id="case-title", classes="screen-title")
        with VerticalScroll(id="case-body"):
            yield Static(_("case.loading"), id="case-level")
            yield Static(id="case-concertation")
            yield Static(id="case-drafts")
            yield Static(_("case.actions"), classes="heading")
            yield OptionList(id="case-actions")
            yield Static(id="case-assessments")
            yield Static(id="case-events")
            yield Static(id="case-outcomes")
            yield Static(_("case.protagonists"), classes="heading")
            yield OptionList(id="case-people")
        yield KeyBar()

    def on_mount(self) -> None:
        self.load()

    def on_screen_resume(self) -> None:
        if self.detail is not None:
            self.load()

    def load(self) -> None:
        workspace = self.csvc_app.workspace
        self.background(lambda: workspace.cases.case_view(self.case_id), self.show, group="case")
        self.background(
            lambda: workspace.cell.case_requests(self.case_id),
            lambda found: self.query_one("#case-concertation", Static).update(case_line(found)),
            group="case-cell",
        )

    # -- drawing ---------------------------------------------------------------------------------------------
    def show(self, view: Any) -> None:
        self.detail = view.detail
        detail = view.detail
        self.label = detail.summary.label or self.label
        self.query_one("#case-title", Static).update(_("case.title", case=self.label))
        level = RichText(_("case.level") + " ")
        level.append_text(compromission_text(detail.compromission))
        for holder in view.holders:
            level.append("\n  " + holder, style="dim")
        if not detail.assessments:
            level.append("\n" + _("case.first_assessment", letter=_("keys.case_assess")), style="bold")
        elif detail.summary.reassess_by is not None:
            level.append("\n" + _("case.reassess", when=when(detail.summary.reassess_by)))
            if detail.summary.overdue:
                level.append(" " + _("case.overdue"), style="bold")
        due_events = [event for event in detail.events if event.open]
        if due_events:
            kinds = ", ".join(_(f"event.{event.kind}") for event in due_events)
            level.append("\n" + _("case.reassess_now", events=kinds), style="bold")
        ranks = [a.compromission for a in reversed(detail.assessments) if a.compromission is not None]
        if ranks:
            level.append("\n" + _("case.trend") + " ")
            level.append_text(trend_text(ranks[-20:]))
        self.query_one("#case-level", Static).update(level)
        drafts = RichText()
        for draft in view.drafts:
            drafts.append(
                _("case.draft", instrument=draft.title, protagonist=_(f"protagonist.{draft.protagonist}"))
            )
            drafts.append("\n")
        self.query_one("#case-drafts", Static).update(drafts)
        self.show_actions(detail)
        workspace = self.csvc_app.workspace
        timeline = RichText(_("case.assessments") + "\n", style="bold")
        if not detail.assessments:
            timeline.append(_("case.no_assessments"))
        for a in detail.assessments:
            timeline.append(f"{when(a.assessed_at)}  ")
            timeline.append_text(compromission_text(a.compromission))
            instrument, sector = workspace.instrument_title(a.instrument), workspace.sector_name(a.sector)
            timeline.append(f"  {instrument} · {_(f'protagonist.{a.protagonist}')} · {sector} · {a.by}")
            if a.overridden:
                name = workspace.level_name
                computed, chosen = name(a.instrument, a.computed_level), name(a.instrument, a.level)
                overridden = _("case.overridden", computed=computed, level=chosen)
                timeline.append("  " + overridden, style="bold")
            if a.standing != "standing":
                timeline.append(f"  ({_(f'standing.{a.standing}')})", style="dim")
            timeline.append("\n")
        self.query_one("#case-assessments", Static).update(timeline)
        events = RichText("\n" + _("case.events") + "\n", style="bold")
        if not detail.events:
            events.append(_("case.no_events"))
        for event in detail.events:
            events.append(f"{when(event.occurred_at)}  {_(f'event.{event.kind}')}  · {event.by}")
            if event.note:
                events.append(f" — {event.note}")
            if event.open:
                events.append("  " + _("case.event_open"), style="bold")
            events.append("\n")
        self.query_one("#case-events", Static).update(events)
        self.query_one("#case-outcomes", Static).update(outcomes_text(detail.outcomes))
        self.show_people(detail)

    def show_people(self, detail: Any) -> None:
        """One entry per person: role and name, safe call, each safe-contact field masked or revealed."""
        options = self.query_one("#case-people", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        for person in detail.protagonists:
            options.add_option(Option(person_text(person, self.revealed.get(person.id, {})), id=person.id))
        if not detail.protagonists:
            options.add_option(Option(_("case.no_protagonists"), id="-", disabled=True))
            return
        kept = highlighted is not None and highlighted < options.option_count
        options.highlighted = highlighted if kept else 0

    def show_actions(self, detail: Any) -> None:
        options = self.query_one("#case-actions", OptionList)
        highlighted = options.highlighted
        options.clear_options()
        for action in detail.actions:
            text = RichText(
                f"[{_(f'status.{action.status}')}] ", style="bold" if action.status == "open" else "dim"
            )
            text.append(action_name(action))
            text.append(f"  {self.csvc_app.workspace.sector_name(action.sector)}")
            if action.due is not None:
                text.append("  " + _("result.due", due=when(action.due)))
            if action.overdue:
                text.append("  " + _("case.overdue"), style="bold")
            elif action.due_now:
                text.append("  " + _("case.due_now"), style="bold")
            note = last_note(action)
            if note:
                text.append("\n  " + _("case.action_note", note=note), style="italic")
            options.add_option(Option(text, id=action.id))
        if not detail.actions:
            options.add_option(Option(_("case.no_actions"), id="-", disabled=True))
            return
        kept = highlighted is not None and highlighted < options.option_count
        options.highlighted = highlighted if kept else 0  # t acts on the first action at once

    # -- actions ---------------------------------------------------------------------------------------------
    def action_back(self) -> None:
        self.dismiss()

    def action_sharing(self) -> None:
        """Consents, shares and disclosures of this case (csvc_tui.screens.sharing)."""
        from csvc_tui.screens.sharing import SharingScreen

        self.app.push_screen(SharingScreen(self.case_id, self.label))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The case-tool key shows only when a plugin offers a tool to her sector."""
        if action == "tools":
            return bool(self.csvc_app.workspace.cases.case_tools())
        return True

    def action_tools(self) -> None:
        self.run_worker(case_dialogs.open_tool(self), exclusive=True, group="case-ask")

    def action_assess(self) -> None:
        self.run_worker(choose_instrument(self, self.case_id), exclusive=True, group="assess")

    def chosen_person(self) -> Any:
        """The person highlighted in the list (None, with a word to the user, when there is none)."""
        options = self.query_one("#case-people", OptionList)
        people = self.detail.protagonists if self.detail is not None else ()
        if not people or options.highlighted is None:
            self.notify(_("case.pick_person"), severity="warning")
            return None
        return people[options.highlighted]

    def action_add_person(self) -> None:
        self.run_worker(case_dialogs.add_person(self), exclusive=True, group="case-ask")

    def action_edit_person(self) -> None:
        person = self.chosen_person()
        if person is not None:
            self.run_worker(case_dialogs.edit_person(self, person), exclusive=True, group="case-ask")

    def save_person(self, person: Any, field: str, value: Any) -> None:
        workspace = self.csvc_app.workspace
        self.revealed.pop(person.id, None)  # what was shown may be stale: masked again
        self.background(
            lambda: workspace.cases.update_person(person, field, value), lambda _: self.person_saved()
        )

    def person_saved(self) -> None:
        self.notify(_("case.person_saved"))
        self.load()

    def action_reveal(self) -> None:
        person = self.chosen_person()
        if person is not None:
            self.run_worker(case_dialogs.reveal(self, person), exclusive=True, group="case-ask")

    def action_action_status(self) -> None:
        """The highlighted action's new status, a note, then a confirmation naming the action; saved after."""
        options = self.query_one("#case-actions", OptionList)
        if self.detail is None or options.highlighted is None or not self.detail.actions:
            self.notify(_("case.pick_action"), severity="warning")
            return
        action = self.detail.actions[options.highlighted]
        self.run_worker(case_dialogs.action_status(self, action), exclusive=True, group="case-ask")

    def action_event(self) -> None:
        self.run_worker(case_dialogs.event(self), exclusive=True, group="case-ask")

    def action_outcome(self) -> None:
        self.run_worker(case_dialogs.outcome(self), exclusive=True, group="case-ask")

    def action_concertation(self) -> None:
        """Open one of the case's concertation requests, or ask for concertation."""
        level = self.detail.compromission if self.detail is not None else None
        self.run_worker(
            case_concertation(self, self.case_id, self.label, level), exclusive=True, group="cell-ask"
        )
