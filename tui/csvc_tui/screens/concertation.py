"""Concertation through the rapid-intervention cell: the desk of répondants and coordinators (requests by
urgency, cases an assessment refers to concertation, cases referred to this organisation), one request (its
step, history, meetings and plan, overdue actions marked), and the steps the core allows now, each asking for
what the core requires. Every question is a modal of the working side: locking drops them all."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from rich.text import Text as RichText
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from csvc_core.errors import CsvcError
from csvc_core.jsonio import parse_datetime
from csvc_core.sharing.concertation import CLOSURE_REASONS, CRITERIA, STATES
from csvc_core.sharing.plan import MEETING_KINDS, REVIEW_OUTCOMES
from csvc_core.sharing.reasons import Incomplete, Refused
from csvc_tui.cellwork import Desk, Request, step_draft_key
from csvc_tui.keys import bind
from csvc_tui.screens.ask import AskChoice, AskText
from csvc_tui.screens.paged import PagedScreen
from csvc_tui.text import _, language, role_name
from csvc_tui.widgets.keybar import KeyBar
from csvc_tui.widgets.level import compromission_text

if TYPE_CHECKING:
    from csvc_tui.app import CsvcApp
    from csvc_tui.workspace import Draft

T = TypeVar("T")
REQUESTERS = ("worker", "repondant")
#: the desk's filters, in the order ``f`` cycles through them: open requests, each state, every request.
FILTERS: tuple[str, ...] = ("open", *STATES, "all")
DATE_TIME = "%Y-%m-%d %H:%M"


def local(value: datetime | str | None) -> str:
    if value is None:
        return "—"
    moment = parse_datetime(value, "at") if isinstance(value, str) else value
    return moment.astimezone().strftime(DATE_TIME)


def parse_local(text: str, *, end_of_day: bool = False) -> datetime | None:
    """``AAAA-MM-JJ HH:MM`` (or a date alone, at the end of that day when ``end_of_day``) in local time."""
    text = text.strip()
    patterns = (DATE_TIME, DATE_TIME + ":%S", "%Y-%m-%d") if end_of_day else (DATE_TIME, DATE_TIME + ":%S")
    for pattern in patterns:
        try:
            moment = datetime.strptime(text, pattern)
        except ValueError:
            continue
        if pattern == "%Y-%m-%d":
            moment = moment.replace(hour=23, minute=59)
        return moment.astimezone()
    return None


def level_or_hidden(rank: int | None, previous: int | None = None) -> RichText:
    """The level by name (and colour), with the level a changed carried level replaced; ``None`` here means
    no level was sent to this user (the request is not signed off yet)."""
    if rank is None:
        return RichText(_("cell.level_hidden"), style="dim")
    text = compromission_text(rank)
    if previous is not None:
        text.append(" " + _("cell.level_was", previous=previous), style="bold")
    return text


def refusal(error: CsvcError) -> str:
    """The core's refusal in the UI's language, as one line."""
    if isinstance(error, (Refused, Incomplete)):
        parts = [
            _(
                "cell.out_of_order",
                step=_("cell.step." + r.values["step"]),
                state=_("cell.state." + r.values["state"]),
            )
            if r.code == "step_out_of_order"
            else r.text(language())
            for r in error.reasons
        ]
        return _("cell.refused", message="; ".join(parts))
    return _("cell.refused", message=error.text(language()))


def case_line(requests: Sequence[dict[str, Any]]) -> RichText:
    """The case screen's line: the current step of its latest request, or how to ask for one."""
    if not requests:
        return RichText(_("cell.case_none"), style="dim")
    latest = requests[0]
    line = RichText(_("cell.case_state", state=_(f"cell.state.{latest['state']}")), style="bold")
    if latest["overdue_actions"]:
        line.append("  " + _("cell.overdue_count", count=latest["overdue_actions"]), style="bold")
    return line


async def fetch(app: CsvcApp, work: Callable[[], T]) -> T | None:
    """``work()`` run in a store thread (``CsvcApp.background``), awaited; None when the store refused."""
    answer: asyncio.Future[T | None] = asyncio.get_running_loop().create_future()

    def failed(error: CsvcError) -> None:
        app.notify(refusal(error), severity="error", timeout=15, markup=False)
        answer.set_result(None)

    app.background(work, answer.set_result, failed, group="cell")
    return await answer


class AskMany(ModalScreen[list[str] | None]):
    """Tick any of ``choices`` (space: ``[x]`` or ``[ ]``, in text, not colour), Enter to give them, Escape to
    cancel."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("cancel", "cancel"),
        bind("many_tick", "tick", priority=True),
        bind("many_done", "done", priority=True),
    ]

    def __init__(self, prompt: str, choices: Sequence[tuple[str, str]], error: str = "") -> None:
        super().__init__(classes="ask")
        self.prompt, self.choices, self.error = prompt, list(choices), error
        self.ticked: set[str] = set()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.prompt, classes="prompt")
            yield OptionList(
                *(Option(self.line(key, label), id=key) for key, label in self.choices), id="many"
            )
            yield Static(self.error, classes="error")
            yield Static(_("ask.many_hint"), classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = 0

    def line(self, key: str, label: str) -> RichText:
        """The box and the label as plain text (a ``str`` prompt is markup: ``[x]`` would vanish)."""
        return RichText(f"[{'x' if key in self.ticked else ' '}] {label}")

    def action_tick(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return
        key, label = self.choices[options.highlighted]
        self.ticked.symmetric_difference_update({key})
        options.replace_option_prompt_at_index(options.highlighted, self.line(key, label))

    def action_done(self) -> None:
        self.dismiss([key for key, _label in self.choices if key in self.ticked])

    def action_cancel(self) -> None:
        self.dismiss(None)


def moment_of(value: object) -> datetime | None:
    """A moment as a step's draft keeps it (ISO text), or None."""
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


class Questions:
    """The modal questions of a step, asked one after the other from a worker of ``screen``.

    Each answer is noted with its question, so that a lock loses none: :meth:`snapshot` is the step's draft
    (the answers, and the line being typed). Given that draft again, the same questions take their answers
    back without showing, as long as they come in the same order and still fit (the request may have changed
    meanwhile: from the first that does not, they are asked again); the line typed comes back in its question.
    """

    def __init__(self, screen: Screen[Any], draft: Mapping[str, Any] | None = None) -> None:
        self.app = screen.app
        self.given: list[list[Any]] = []  # [question, answer], in the order asked
        self.replay: list[list[Any]] = [list(pair) for pair in (draft or {}).get("answers", ())]
        typing = (draft or {}).get("typing")
        self.typing: list[str] | None = list(typing) if typing else None
        self.asking: tuple[str, AskText] | None = None

    def snapshot(self) -> dict[str, Any]:
        """The answers so far (and those not asked again yet), and the line being typed."""
        typing = self.typing
        if self.asking is not None and self.asking[1].is_attached:
            prompt, screen = self.asking
            typing = [prompt, screen.query_one("#answer", Input).value]
        return {"answers": [*self.given, *self.replay], "typing": typing}

    def replayed(self, prompt: str, fits: Callable[[Any], bool]) -> tuple[bool, Any]:
        """The answer given to ``prompt`` before the lock, when it comes next and still ``fits``."""
        if self.replay and self.replay[0][0] == prompt and fits(self.replay[0][1]):
            answer = self.replay.pop(0)[1]
            self.given.append([prompt, answer])
            return True, answer
        self.replay = []
        return False, None

    def note(self, prompt: str, answer: T) -> T:
        self.given.append([prompt, answer])
        return answer

    async def line(self, prompt: str, value: str, error: str) -> str | None:
        """One line typed in a question: ``value`` offered, or what was being typed in it at the lock."""
        resumed = self.typing is not None and self.typing[0] == prompt
        if self.typing is not None and resumed:
            value, self.typing = self.typing[1], None
        screen = AskText(prompt, value, error=error, resumed=resumed)
        self.asking = (prompt, screen)
        try:
            return await self.app.push_screen(screen, wait_for_dismiss=True)
        finally:
            self.asking = None

    async def text(self, prompt: str, value: str = "", *, required: bool = False) -> str | None:
        found, given = self.replayed(prompt, lambda answer: answer is None or isinstance(answer, str))
        if found:
            return cast("str | None", given)
        error = ""
        while True:
            answer = await self.line(prompt, value, error)
            if answer is None or not required or answer.strip():
                return self.note(prompt, answer.strip() if answer is not None else None)
            error = _("cell.required")

    async def choice(self, prompt: str, choices: Sequence[tuple[str, object]]) -> str | None:
        offered = {key for key, _label in choices}
        found, given = self.replayed(prompt, lambda answer: answer is None or answer in offered)
        if found:
            return cast("str | None", given)
        answer = await self.app.push_screen(AskChoice(prompt, choices), wait_for_dismiss=True)
        return self.note(prompt, answer)

    async def confirm(self, prompt: str) -> bool:
        answer = await self.choice(prompt, [("yes", _("cell.yes")), ("no", _("cell.no"))])
        return answer == "yes"

    async def moment(
        self,
        prompt: str,
        value: str,
        *,
        end_of_day: bool = False,
        after: datetime | None = None,
        not_future: bool = False,
        not_before: datetime | None = None,
        exact: datetime | None = None,
    ) -> datetime | None:
        """A moment typed in local time; ``value`` left as offered stands for ``exact`` (e.g. now, to the
        second)."""
        found, given = self.replayed(prompt, lambda answer: answer is None or moment_of(answer) is not None)
        if found:
            return moment_of(given)
        error, offered = "", value
        while True:
            answer = await self.line(prompt, value, error)
            if answer is None:
                return self.note(prompt, None)
            moment = (
                exact
                if exact is not None and answer == offered
                else parse_local(answer, end_of_day=end_of_day)
            )
            if moment is None:
                error = _("cell.bad_date", value=answer)
            elif not_future and moment > datetime.now().astimezone():
                error = _("cell.future_date")
            elif not_before is not None and moment < not_before:
                error = _("cell.before_previous", at=local(not_before))
            elif after is not None and moment <= after:
                error = _("cell.due_after", at=local(after))
            else:
                self.note(prompt, moment.isoformat())
                return moment
            value = answer


# -- the desk ------------------------------------------------------------------------------------------------
class ConcertationsScreen(Screen[None]):
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

    @property
    def csvc_app(self) -> CsvcApp:
        return cast("CsvcApp", self.app)

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
        self.csvc_app.background(cell.desk, self.show, group="cell")

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
        self.record: dict[str, Any] | None = None
        #: the step being asked: its name, the plan action it is about, its questions (what a lock keeps)
        self.working: tuple[str, str | None, Questions] | None = None

    @property
    def csvc_app(self) -> CsvcApp:
        return cast("CsvcApp", self.app)

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
            self.csvc_app.background(lambda: cell.opened(ident), self.opened, group="cell")
        else:
            self.csvc_app.background(lambda: cell.record(ident), self.show, group="cell")

    def opened(self, found: tuple[dict[str, Any], dict[str, Any] | None]) -> None:
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
        return self.record["case"], step_draft_key(self.concertation_id), content | ask.snapshot()

    def resume(self, record: dict[str, Any], draft: dict[str, Any]) -> None:
        """Ask the drafted step again, its answers given back; a step no longer possible is said, and its
        draft dropped."""
        step = str(draft.get("step"))
        if step not in record["next_steps"]:
            self.notify(_("cell.draft_stale"), severity="warning", timeout=10)
            self.discard_draft()
            return
        self.notify(_("cell.draft_resumed", step=_(f"cell.step.{step}")))
        self.run_worker(self.run_step(step, draft.get("action"), draft), exclusive=True, group="cell-ask")

    def discard_draft(self) -> None:
        assert self.record is not None
        cell, case_id, ident = self.csvc_app.workspace.cell, self.record["case"], self.concertation_id
        self.csvc_app.background(lambda: cell.discard_step_draft(case_id, ident), lambda _value: None)

    # -- drawing ---------------------------------------------------------------------------------------------
    def show(self, record: dict[str, Any]) -> None:
        self.record = record
        state = _(f"cell.state.{record['state']}")
        self.query_one("#cell-title", Static).update(_("cell.title", state=state))
        carried = record["level"]
        if carried is None:
            summary = level_or_hidden(self.level)
        else:
            summary = level_or_hidden(carried["compromission"], carried["previous"])
        name = self.case_name or record["case"]
        summary.append("  " + _("cell.case", case=name, org=record["organisation"]) + "\n")
        if carried is not None:
            source = _(
                "cell.level_source",
                by=carried["confirmed_by"],
                when=local(carried["confirmed_at"]),
                instrument=self.csvc_app.workspace.instrument_title(carried["instrument"]),
                version=carried["instrument_version"],
                carried=local(carried["carried_at"]),
            )
            summary.append(source + "\n", style="dim")
        if record["view"] != "whole":
            summary.append(_("cell.own_actions") + "\n", style="italic")
        summary.append(_("cell.current", state=state) + "\n", style="bold")
        if record["criteria"]:
            criteria = ", ".join(_(f"cell.criterion.{c}") for c in record["criteria"])
            summary.append(_("cell.criteria", criteria=criteria) + "\n")
        if record["judgement"]:
            summary.append(_("cell.judgement", text=record["judgement"]) + "\n")
        steps = record["next_steps"]
        if steps:
            names = ", ".join(_(f"cell.step.{s}") for s in steps)
            summary.append(_("cell.your_steps", steps=names), style="bold")
        elif record["state"] != "closed":
            summary.append(_("cell.waiting"), style="dim")
        self.query_one("#cell-summary", Static).update(summary)
        self.show_plan(record)
        self.query_one("#cell-history", Static).update(self.history(record))
        self.call_after_refresh(self.refresh_bindings)  # more than a screen now, or no longer

    def show_plan(self, record: dict[str, Any]) -> None:
        plan = self.query_one("#cell-plan", OptionList)
        highlighted = plan.highlighted
        plan.clear_options()
        now = datetime.now().astimezone()
        for action in record["actions"]:
            status = action["status"]
            row = RichText(f"[{_(f'cell.outcome.{status}')}] ", style="bold" if status == "open" else "dim")
            row.append(action["description"])
            owner = action["owner_org"] + (f" · {action['owner']}" if action["owner"] else "")
            row.append(f"\n    {owner} · {_('cell.due', when=local(action['due']))}", style="dim")
            if status == "open" and parse_datetime(action["due"], "due") < now:
                row.append("  " + _("cell.overdue"), style="bold reverse")
            if action["note"]:
                row.append(f"\n    {action['note']}", style="dim")
            plan.add_option(Option(row, id=action["id"]))
        if not record["actions"]:
            plan.add_option(Option(_("cell.no_plan"), disabled=True))
        if highlighted is not None and highlighted < plan.option_count:
            plan.highlighted = highlighted

    def history(self, record: dict[str, Any]) -> RichText:
        sector_name = self.csvc_app.workspace.sector_name
        text = RichText("\n" + _("cell.history") + "\n", style="bold")
        for step in record["steps"]:
            state, role = _("cell.took." + step["state"]), role_name(step["role"])
            text.append(f"{local(step['at'])}  {state}", style="bold")
            text.append(f"  {step['by']} ({role}, {step['organisation']})\n")
            if step["note"] and step["state"] != "follow_up":
                text.append(f"    {step['note']}\n", style="dim")
        decision = record["decision"]
        if decision is not None:
            verdict = _("cell.concerted_yes") if decision["concerted_action"] else _("cell.concerted_no")
            text.append("\n" + _("cell.decision", verdict=verdict) + "\n", style="bold")
            text.append(_("cell.members", members=", ".join(decision["members"])) + "\n")
            text.append(_("cell.reason", text=decision["reason"]) + "\n")
        for meeting in record["meetings"]:
            text.append(
                "\n"
                + _(
                    "cell.meeting_line",
                    when=local(meeting["at"]),
                    kind=_("cell.kind." + meeting["kind"]),
                    chair=meeting["chair"],
                )
                + "\n",
                style="bold",
            )
            for sector, people in meeting["attendees_by_sector"].items():
                names = ", ".join(f"{p['name']} ({p['organisation']})" for p in people)
                text.append(f"  {sector_name(sector)} : {names}\n")
        closure = record["closure"]
        if closure is not None:
            text.append(
                "\n"
                + _(
                    "cell.closed_line",
                    when=local(closure["at"]),
                    reason=_(f"cell.closure.{closure['reason']}"),
                )
                + "\n",
                style="bold",
            )
            if closure["note"]:
                text.append(f"  {closure['note']}\n")
        return text

    # -- steps -----------------------------------------------------------------------------------------------
    def action_back(self) -> None:
        self.dismiss()

    def action_step(self) -> None:
        if self.record is None:
            return
        steps = self.record["next_steps"]
        if not steps:
            self.notify(_("cell.no_step"), severity="warning")
            return
        self.run_worker(self.choose_step(steps), exclusive=True, group="cell-ask")

    def action_done(self) -> None:
        if self.record is None:
            return
        if "report_done" not in self.record["next_steps"]:
            self.notify(_("cell.no_done"), severity="warning")
            return
        plan = self.query_one("#cell-plan", OptionList)
        chosen = None
        if plan.highlighted is not None and plan.highlighted < len(self.record["actions"]):
            chosen = self.record["actions"][plan.highlighted]["id"]
        self.run_worker(self.run_step("report_done", chosen), exclusive=True, group="cell-ask")

    def take(self, step: str, work: Any) -> None:
        """Run one step in the store; reload and say so, or show the core's refusal."""

        def done(_value: object) -> None:
            self.notify(_("cell.step_taken", step=_(f"cell.step.{step}")))
            self.action_reload()

        def failed(error: CsvcError) -> None:
            self.notify(refusal(error), severity="error", timeout=15, markup=False)
            self.action_reload()

        self.csvc_app.background(work, done, failed)

    async def choose_step(self, steps: list[str]) -> None:
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
                    "meeting": self.meeting,
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
            for a in self.record["actions"]
            if a["status"] == "open" and (coordinator or a["owner_org"] == workspace.organisation)
        ]
        chosen = next((a for a in mine if a["id"] == action), mine[0] if len(mine) == 1 else None)
        if chosen is None:
            picked = await ask.choice(_("cell.done_pick"), [(a["id"], a["description"]) for a in mine])
            chosen = next((a for a in mine if a["id"] == picked), None)
            if chosen is None:
                return
        note = await ask.text(_("cell.done_note", action=chosen["description"]))
        if note is not None:
            cell, ident, action_id = workspace.cell, self.concertation_id, chosen["id"]
            self.take("report_done", lambda: cell.report_done(ident, action_id, note))

    async def close(self, ask: Questions) -> None:
        why = await ask.choice(_("cell.close_prompt"), [(r, _(f"cell.closure.{r}")) for r in CLOSURE_REASONS])
        if why is None:
            return
        note = await ask.text(_("cell.close_note"), required=why == "other")
        if note is not None:
            cell, ident = self.csvc_app.workspace.cell, self.concertation_id
            self.take("close", lambda: cell.close(ident, why, note))

    async def meeting(self, ask: Questions) -> None:
        """When, which kind, the chair, who attended (by organisation), the review of every open action, the
        new actions (owner organisation, person, due date); then recorded as one step."""
        assert self.record is not None
        workspace = self.csvc_app.workspace
        organisations = await self.store_organisations()
        if organisations is None:
            return
        now = datetime.now().astimezone()
        previous = parse_datetime(self.record["steps"][-1]["at"], "at")
        at = await ask.moment(
            _("cell.meeting_at"),
            now.strftime(DATE_TIME),
            not_future=True,
            not_before=previous,
            exact=now,
        )
        if at is None:
            return
        kind = await ask.choice(_("cell.meeting_kind"), [(k, _(f"cell.kind.{k}")) for k in MEETING_KINDS])
        chair = kind and await ask.text(_("cell.meeting_chair"), workspace.user_name or "", required=True)
        if not chair:
            return
        attendees = await self.attendees(ask, organisations)
        if attendees is None:
            return
        reviews = await self.reviews(ask)
        if reviews is None:
            return
        actions = await self.plan(ask, organisations, at)
        if actions is None:
            return
        summary = _(
            "cell.meeting_confirm",
            people=_("cell.meeting_people", count=len(attendees)),
            reviews=_("cell.meeting_reviews", count=len(reviews)),
            actions=_("cell.meeting_actions", count=len(actions)),
        )
        if not await ask.confirm(summary):
            return
        meeting = {
            "at": at.isoformat(),
            "kind": kind,
            "chair": chair,
            "attendees": attendees,
            "reviews": reviews,
            "actions": actions,
        }
        cell, ident = workspace.cell, self.concertation_id
        self.take("meeting", lambda: cell.meeting(ident, meeting))

    async def store_organisations(self) -> list[Any] | None:
        found = await fetch(self.csvc_app, self.csvc_app.workspace.cell.organisations)
        return None if found is None else sorted(found, key=lambda o: o.name)

    def organisation_choices(self, organisations: list[Any]) -> list[tuple[str, object]]:
        """Each organisation by its name and its sector's."""
        sector_name = self.csvc_app.workspace.sector_name
        return [(o.id, f"{o.name} · {sector_name(o.sector)}") for o in organisations]

    async def attendees(self, ask: Questions, organisations: list[Any]) -> list[dict[str, str]] | None:
        people: list[dict[str, str]] = []
        choices = self.organisation_choices(organisations)
        while True:
            options = [*choices, ("-", _("cell.attendees_end"))] if people else choices
            present = ", ".join(f"{p['name']} ({p['organisation']})" for p in people) or "—"
            org_id = await ask.choice(_("cell.attendee_org", people=present), options)
            if org_id is None:
                return None
            if org_id == "-":
                return people
            org = next(o for o in organisations if o.id == org_id)
            name = await ask.text(_("cell.attendee_name", org=org.name), required=True)
            if name is None:
                continue
            people.append({"name": name, "organisation": org.name, "sector": org.sector})

    async def reviews(self, ask: Questions) -> dict[str, dict[str, str]] | None:
        assert self.record is not None
        found: dict[str, dict[str, str]] = {}
        for action in (a for a in self.record["actions"] if a["status"] == "open"):
            outcome = await ask.choice(
                _("cell.review_prompt", action=action["description"], org=action["owner_org"]),
                [(o, _(f"cell.outcome.{o}")) for o in REVIEW_OUTCOMES],
            )
            if outcome is None:
                return None
            note = await ask.text(
                _("cell.review_note", outcome=_(f"cell.outcome.{outcome}")), required=outcome != "done"
            )
            if note is None:
                return None
            found[action["id"]] = {"outcome": outcome, "note": note}
        return found

    async def plan(
        self, ask: Questions, organisations: list[Any], at: datetime
    ) -> list[dict[str, str]] | None:
        actions: list[dict[str, str]] = []
        default_due = (at + timedelta(days=2)).strftime("%Y-%m-%d")
        while True:
            more = await ask.choice(
                _("cell.plan_prompt", count=len(actions)),
                [("add", _("cell.plan_add")), ("end", _("cell.plan_end"))],
            )
            if more is None:
                return None
            if more == "end":
                return actions
            description = await ask.text(_("cell.action_description"), required=True)
            if description is None:
                continue
            owner_org = await ask.choice(
                _("cell.action_owner_org"),
                self.organisation_choices(organisations),
            )
            if owner_org is None:
                continue
            owner = await ask.text(_("cell.action_owner"))
            if owner is None:
                continue
            due = await ask.moment(_("cell.action_due"), default_due, end_of_day=True, after=at)
            if due is None:
                continue
            actions.append(
                {"description": description, "owner_org": owner_org, "owner": owner, "due": due.isoformat()}
            )


# -- from a case ---------------------------------------------------------------------------------------------
async def case_concertation(screen: Screen[Any], case_id: str, name: str, level: int | None) -> None:
    """From a case: open one of its requests, or ask for concertation (criteria; a judgement needs its
    reason)."""
    app = cast("CsvcApp", screen.app)
    cell = app.workspace.cell
    requests = await fetch(app, lambda: cell.case_requests(case_id))
    if requests is None:
        return
    ask = Questions(screen)
    may_request = cell.role in REQUESTERS
    if requests:
        choices: list[tuple[str, object]] = [
            (
                r["id"],
                _("cell.state." + r["state"]) + " · " + _("cell.asked_on", when=local(r["requested_at"])),
            )
            for r in requests
        ]
        if may_request:
            choices.append(("new", _("cell.new_request")))
        picked = await ask.choice(_("cell.case_pick"), choices)
        if picked is None:
            return
        if picked != "new":
            app.push_screen(ConcertationScreen(picked, name, level))
            return
    elif not may_request:
        app.notify(_("cell.request_role"), severity="warning")
        return
    error = ""
    while True:
        criteria = await app.push_screen(
            AskMany(_("cell.criteria_prompt"), [(c, _(f"cell.criterion.{c}")) for c in CRITERIA], error),
            wait_for_dismiss=True,
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

    app.background(lambda: cell.request(case_id, criteria, judgement), requested, failed)
