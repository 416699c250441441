"""One concertation request through the rapid-intervention cell: its step, history, meetings and plan, overdue
actions marked, and the steps the core allows now, each asking for what the core requires. Every question is a
modal of the working side: locking drops them all."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text as RichText
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from csvc_core.errors import CsvcError
from csvc_core.sharing.concertation import CLOSURE_REASONS
from csvc_tui.cellwork import step_draft_key
from csvc_tui.keys import bind
from csvc_tui.screens import concertation_meeting
from csvc_tui.screens.concertation_text import history, level_or_hidden, local, refusal
from csvc_tui.screens.paged import PagedScreen
from csvc_tui.screens.questions import Questions
from csvc_tui.text import _
from csvc_tui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from csvc_core.store.records import ConcertationRecord
    from csvc_tui.workspace import Draft


class ConcertationScreen(PagedScreen):
    """One request: the current step and history, decision, meetings, the plan; p the next step, f done.
    What is typed in a step survives a lock as this user's encrypted draft, and resumes when the request
    opens again."""

    AUTO_FOCUS = "#cell-plan"
    BODY = "#cell-body"
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("cell_step", "step"),
        bind("cell_done", "done"),
        # before the plan's own page keys: the history, decision and meetings run below an 80x24 screen
        bind("cell_scroll_down", "scroll_body(1)", priority=True),
        bind("cell_scroll_up", "scroll_body(-1)", priority=True, show=False),
        bind("cases_refresh", "reload", show=False),
        bind("back", "back"),
    ]

    def __init__(self, concertation_id: str, case_name: str | None = None, level: int | None = None) -> None:
        super().__init__(classes="cell-screen")
        self.concertation_id = concertation_id
        self.case_name, self.level = case_name, level  # as the desk or the case read them
        self.record: ConcertationRecord | None = None
        #: the step being asked: its name, the plan action it is about, its questions (what a lock keeps)
        self.working: tuple[str, str | None, Questions] | None = None

    def compose(self) -> ComposeResult:
        yield Static(_("cell.title", state="…"), id="cell-title", classes="screen-title")
        with VerticalScroll(id="cell-body"):
            yield Static(_("cell.loading"), id="cell-summary")
            yield Static(_("cell.plan"), classes="heading")
            yield OptionList(id="cell-plan")
            yield Static(id="cell-history")
        yield KeyBar()

    def on_mount(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        cell, ident = self.csvc_app.workspace.cell, self.concertation_id
        if self.record is None:  # opening: with the step this user was typing at a lock, if any
            self.background(lambda: cell.opened(ident), self.opened, group="cell")
        else:
            self.background(lambda: cell.record(ident), self.show, group="cell")

    def opened(self, found: tuple[ConcertationRecord, dict[str, Any] | None]) -> None:
        record, draft = found
        if draft is not None:
            self.case_name = self.case_name or draft.get("name")
            self.level = self.level if self.level is not None else draft.get("level")
        self.show(record)
        if draft is not None:
            self.resume(record, draft)

    # -- the step's draft ------------------------------------------------------------------------------------
    def draft_snapshot(self) -> Draft | None:
        """The step being asked, to keep at a lock: its answers and the line being typed (None: no step)."""
        if self.working is None or self.record is None:
            return None
        step, action, ask = self.working
        content = {"step": step, "action": action, "name": self.case_name, "level": self.level}
        return self.record.case, step_draft_key(self.concertation_id), content | ask.snapshot()

    def resume(self, record: ConcertationRecord, draft: dict[str, Any]) -> None:
        """Ask the drafted step again, its answers given back; a step no longer possible is said, and its
        draft dropped."""
        step = str(draft.get("step"))
        if step not in record.next_steps:
            self.notify(_("cell.draft_stale"), severity="warning", timeout=10)
            self.discard_draft()
            return
        self.notify(_("cell.draft_resumed", step=_(f"cell.step.{step}")))
        self.run_worker(self.run_step(step, draft.get("action"), draft), exclusive=True, group="cell-ask")

    def discard_draft(self) -> None:
        assert self.record is not None
        cell, case_id, ident = self.csvc_app.workspace.cell, self.record.case, self.concertation_id
        self.background(lambda: cell.discard_step_draft(case_id, ident), lambda _value: None)

    # -- drawing ---------------------------------------------------------------------------------------------
    def show(self, record: ConcertationRecord) -> None:
        self.record = record
        state = _(f"cell.state.{record.state}")
        self.query_one("#cell-title", Static).update(_("cell.title", state=state))
        carried = record.level
        if carried is None:
            summary = level_or_hidden(self.level)
        else:
            summary = level_or_hidden(carried.level, carried.previous)
        name = self.case_name or record.case
        summary.append("  " + _("cell.case", case=name, org=record.organisation) + "\n")
        if carried is not None:
            source = _(
                "cell.level_source",
                by=carried.confirmed_by,
                when=local(carried.confirmed_at),
                instrument=self.csvc_app.workspace.instrument_title(carried.instrument),
                version=carried.instrument_version,
                carried=local(carried.carried_at),
            )
            summary.append(source + "\n", style="dim")
        if record.view != "whole":
            summary.append(_("cell.own_actions") + "\n", style="italic")
        summary.append(_("cell.current", state=state) + "\n", style="bold")
        if record.criteria:
            criteria = ", ".join(_(f"cell.criterion.{c}") for c in record.criteria)
            summary.append(_("cell.criteria", criteria=criteria) + "\n")
        if record.judgement:
            summary.append(_("cell.judgement", text=record.judgement) + "\n")
        steps = record.next_steps
        if steps:
            names = ", ".join(_(f"cell.step.{s}") for s in steps)
            summary.append(_("cell.your_steps", steps=names), style="bold")
        elif record.state != "closed":
            summary.append(_("cell.waiting"), style="dim")
        self.query_one("#cell-summary", Static).update(summary)
        self.show_plan(record)
        self.query_one("#cell-history", Static).update(history(record, self.csvc_app.workspace.sector_name))
        self.call_after_refresh(self.refresh_bindings)  # more than a screen now, or no longer

    def show_plan(self, record: ConcertationRecord) -> None:
        plan = self.query_one("#cell-plan", OptionList)
        highlighted = plan.highlighted
        plan.clear_options()
        now = datetime.now().astimezone()
        for action in record.actions:
            status = action.status
            row = RichText(f"[{_(f'cell.outcome.{status}')}] ", style="bold" if status == "open" else "dim")
            row.append(action.description)
            owner = action.owner_org + (f" · {action.owner}" if action.owner else "")
            row.append(f"\n    {owner} · {_('cell.due', when=local(action.due))}", style="dim")
            if status == "open" and action.due < now:
                row.append("  " + _("cell.overdue"), style="bold reverse")
            if action.note:
                row.append(f"\n    {action.note}", style="dim")
            plan.add_option(Option(row, id=action.id))
        if not record.actions:
            plan.add_option(Option(_("cell.no_plan"), disabled=True))
        if highlighted is not None and highlighted < plan.option_count:
            plan.highlighted = highlighted

    # -- steps -----------------------------------------------------------------------------------------------
    def action_back(self) -> None:
        self.dismiss()

    def action_step(self) -> None:
        if self.record is None:
            return
        steps = self.record.next_steps
        if not steps:
            self.notify(_("cell.no_step"), severity="warning")
            return
        self.run_worker(self.choose_step(steps), exclusive=True, group="cell-ask")

    def action_done(self) -> None:
        if self.record is None:
            return
        if "report_done" not in self.record.next_steps:
            self.notify(_("cell.no_done"), severity="warning")
            return
        plan = self.query_one("#cell-plan", OptionList)
        chosen = None
        if plan.highlighted is not None and plan.highlighted < len(self.record.actions):
            chosen = self.record.actions[plan.highlighted].id
        self.run_worker(self.run_step("report_done", chosen), exclusive=True, group="cell-ask")

    def take(self, step: str, work: Any) -> None:
        """Run one step in the store; reload and say so, or show the core's refusal."""

        def done(_value: object) -> None:
            self.notify(_("cell.step_taken", step=_(f"cell.step.{step}")))
            self.action_reload()

        def failed(error: CsvcError) -> None:
            self.notify(refusal(error), severity="error", timeout=15, markup=False)
            self.action_reload()

        self.background(work, done, failed)

    async def choose_step(self, steps: Sequence[str]) -> None:
        step = (
            steps[0]
            if len(steps) == 1
            else await Questions(self).choice(
                _("cell.step_prompt"), [(s, _(f"cell.step.{s}")) for s in steps]
            )
        )
        if step is not None:
            await self.run_step(step)

    async def run_step(
        self, step: str, action: str | None = None, draft: dict[str, Any] | None = None
    ) -> None:
        """Ask what ``step`` needs (``action``: the plan action it is about), the answers of its ``draft``
        given back, then take it; the draft goes once the step is taken or left."""
        ask = Questions(self, draft)
        self.working = (step, action, ask)
        try:
            if step == "report_done":
                await self.report_done(ask, action)
            else:
                asks = {
                    "submit": self.submit,
                    "to_committee": self.to_committee,
                    "decide": self.decide,
                    "meeting": lambda ask: concertation_meeting.meeting(self, ask),
                    "close": self.close,
                }
                await asks[step](ask)
        finally:
            self.working = None
        if draft is not None:
            self.discard_draft()

    async def submit(self, ask: Questions) -> None:
        note = await ask.text(_("cell.submit_note"), required=True)
        if note is not None:
            cell, ident = self.csvc_app.workspace.cell, self.concertation_id
            self.take("submit", lambda: cell.submit(ident, note))

    async def to_committee(self, ask: Questions) -> None:
        if await ask.confirm(_("cell.committee_confirm")):
            cell, ident = self.csvc_app.workspace.cell, self.concertation_id
            self.take("to_committee", lambda: cell.to_committee(ident))

    async def decide(self, ask: Questions) -> None:
        members: list[str] = []
        while len(members) < 3:
            name = await ask.text(_("cell.member_prompt", n=len(members) + 1), required=True)
            if name is None:
                return
            if name.casefold() in (m.casefold() for m in members):
                self.notify(_("cell.member_twice", name=name), severity="warning")
                continue
            members.append(name)
        verdict = await ask.choice(
            _("cell.decide_prompt"), [("yes", _("cell.concerted_yes")), ("no", _("cell.concerted_no"))]
        )
        if verdict is None:
            return
        why = await ask.text(_("cell.decide_reason"), required=True)
        if why is not None:
            cell, ident = self.csvc_app.workspace.cell, self.concertation_id
            self.take("decide", lambda: cell.decide(ident, members, verdict == "yes", why))

    async def report_done(self, ask: Questions, action: str | None) -> None:
        assert self.record is not None
        workspace = self.csvc_app.workspace
        coordinator = workspace.cell.role == "coordinator"
        mine = [
            a
            for a in self.record.actions
            if a.status == "open" and (coordinator or a.owner_org == workspace.organisation)
        ]
        chosen = next((a for a in mine if a.id == action), mine[0] if len(mine) == 1 else None)
        if chosen is None:
            picked = await ask.choice(_("cell.done_pick"), [(a.id, a.description) for a in mine])
            chosen = next((a for a in mine if a.id == picked), None)
            if chosen is None:
                return
        note = await ask.text(_("cell.done_note", action=chosen.description))
        if note is not None:
            cell, ident, action_id = workspace.cell, self.concertation_id, chosen.id
            self.take("report_done", lambda: cell.report_done(ident, action_id, note))

    async def close(self, ask: Questions) -> None:
        why = await ask.choice(_("cell.close_prompt"), [(r, _(f"cell.closure.{r}")) for r in CLOSURE_REASONS])
        if why is None:
            return
        note = await ask.text(_("cell.close_note"), required=why == "other")
        if note is not None:
            cell, ident = self.csvc_app.workspace.cell, self.concertation_id
            self.take("close", lambda: cell.close(ident, why, note))
