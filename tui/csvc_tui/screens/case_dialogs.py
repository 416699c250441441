"""The case screen's chains of questions (a person added, changed or revealed, an action's status, an event,
an outcome): each dialog awaited in turn in a worker of the case screen, then the store work in a thread of
that screen."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from csvc_core.model import PROTAGONISTS
from csvc_core.store.records import CONTACT_FIELDS, OUTCOME_KINDS, OUTCOME_SOURCES
from csvc_tui.screens.ask import AskChoice, AskText
from csvc_tui.screens.case_text import SAFETY_FIELDS, action_name, outcome_word, source_word
from csvc_tui.screens.concertation_text import DATE_TIME, parse_local
from csvc_tui.text import _, language

if TYPE_CHECKING:
    from csvc_tui.screens.case import CaseScreen


async def choice_then_line(
    screen: CaseScreen, prompt: str, choices: Sequence[tuple[str, object]], asking: Callable[[str], str]
) -> tuple[str, str] | None:
    """A choice, then a line typed about it (``asking(choice)``: its question); None when either is left."""
    chosen = await screen.ask(AskChoice(prompt, choices))
    if chosen is None:
        return None
    line = await screen.ask(AskText(asking(chosen)))
    return None if line is None else (chosen, line)


async def open_tool(screen: CaseScreen) -> None:
    """Open the plugins' case tool (the safety plan), choosing it first when there are several."""
    from csvc_tui.screens.tool import ToolScreen

    tools = {tool.id: tool for tool in screen.csvc_app.workspace.cases.case_tools()}
    if not tools:
        screen.notify(_("case.no_tools"), severity="warning")
        return
    tool_id: str | None = next(iter(tools))
    if len(tools) > 1:
        labels = [(tool.id, tool.label.get(language())) for tool in tools.values()]
        tool_id = await screen.ask(AskChoice(_("case.tools_prompt"), labels))
    if tool_id is not None:
        screen.app.push_screen(ToolScreen(screen.case_id, tools[tool_id]))


async def add_person(screen: CaseScreen) -> None:
    """Who (victim, child, close one, partner), then the name (optional, encrypted)."""
    roles = [(role, _(f"protagonist.{role}")) for role in PROTAGONISTS]
    answers = await choice_then_line(
        screen, _("case.person_role"), roles, lambda r: _("case.person_name", role=_(f"protagonist.{r}"))
    )
    if answers is None:
        return
    (role, name), workspace, case_id = answers, screen.csvc_app.workspace, screen.case_id
    screen.background(
        lambda: workspace.cases.add_person(case_id, role, name), lambda _: screen.person_saved()
    )


async def edit_person(screen: CaseScreen, person: Any) -> None:
    """Change the name, one safe-contact field (the others are kept, unseen), or the safe-call answers."""
    fields = [(field, _(f"person.{field}")) for field in ("name", *CONTACT_FIELDS, *SAFETY_FIELDS)]
    field = await screen.ask(AskChoice(_("case.edit_prompt"), fields))
    if field is None:
        return
    if field in SAFETY_FIELDS:
        answers = [("yes", _("answer.yes")), ("no", _("answer.no"))]
        answer = await screen.ask(AskChoice(_(f"case.{field}_prompt"), answers))
        if answer is not None:
            screen.save_person(person, field, answer == "yes")
        return
    current = person.name or "" if field == "name" else ""
    prompt = _("case.field_prompt", field=_(f"person.{field}"))
    if field == "channels":
        prompt += "\n" + _("case.channels_hint")
    value = await screen.ask(AskText(prompt, current))
    if value is not None:
        screen.save_person(person, field, value)


async def reveal(screen: CaseScreen, person: Any) -> None:
    """Show one safe-contact field of ``person``, or all of them (the store audits each reveal)."""
    fields = [(field, _(f"person.{field}")) for field in CONTACT_FIELDS] + [("*", _("case.reveal_all"))]
    field = await screen.ask(AskChoice(_("case.reveal_prompt"), fields))
    if field is None:
        return
    asked = list(CONTACT_FIELDS) if field == "*" else [field]
    workspace = screen.csvc_app.workspace

    def shown(values: dict[str, Any]) -> None:
        screen.revealed.setdefault(person.id, {}).update(values)
        if screen.detail is not None:
            screen.show_people(screen.detail)

    screen.background(lambda: workspace.cases.reveal_person(person.id, asked), shown)


async def action_status(screen: CaseScreen, action: Any) -> None:
    """The action's new status, a note, then a confirmation naming the action; saved after."""
    workspace = screen.csvc_app.workspace
    name = action_name(action)
    statuses = [(status, _(f"status.{status}")) for status in workspace.cases.action_statuses]
    prompt = _("case.status_prompt", action=name, status=_(f"status.{action.status}"))
    status = await screen.ask(AskChoice(prompt, statuses, action.status))
    if status is None or status == action.status:
        return
    words = {"action": name, "before": _(f"status.{action.status}"), "after": _(f"status.{status}")}
    note = await screen.ask(AskText(_("case.status_note", **words)))
    if note is None:
        return
    question = _("case.status_confirm", **words)
    if note.strip():
        question += "\n" + _("case.status_confirm_note", note=note.strip())
    answers = [("yes", _("case.status_save")), ("no", _("case.status_keep"))]
    if await screen.ask(AskChoice(question, answers)) != "yes":
        return

    def saved(_value: object) -> None:
        screen.notify(_("case.status_saved", **words))
        screen.load()

    screen.background(lambda: workspace.cases.set_action_status(action, status, note), saved)


async def event(screen: CaseScreen) -> None:
    """An event that makes a re-assessment due, and a note."""
    workspace, case_id = screen.csvc_app.workspace, screen.case_id
    kinds = [(kind, _(f"event.{kind}")) for kind in workspace.cases.event_kinds]
    answers = await choice_then_line(
        screen, _("case.event_prompt"), kinds, lambda kind: _("case.event_note", kind=_(f"event.{kind}"))
    )
    if answers is None:
        return
    kind, note = answers
    screen.background(lambda: workspace.cases.record_event(case_id, kind, note), lambda _: screen.load())


async def outcome(screen: CaseScreen) -> None:
    """What happened (an incident), reported by whom, when (local time, now offered; a value that is not one
    is asked again, with what was wrong), a note (sealed)."""
    kinds = [(kind, outcome_word(kind)) for kind in OUTCOME_KINDS]
    kind = await screen.ask(AskChoice(_("case.outcome_prompt"), kinds))
    if kind is None:
        return
    sources = [(source, source_word(source)) for source in OUTCOME_SOURCES]
    source = await screen.ask(AskChoice(_("case.outcome_source_prompt"), sources))
    if source is None:
        return
    prompt = _("case.outcome_date", kind=outcome_word(kind))
    offered, error = datetime.now().astimezone().strftime(DATE_TIME), ""
    while True:
        typed = await screen.ask(AskText(prompt, offered, error=error))
        if typed is None:
            return
        occurred = parse_local(typed)
        if occurred is not None:
            break
        offered, error = typed, _("case.outcome_date_bad", value=typed)
    note = await screen.ask(AskText(_("case.outcome_note", kind=outcome_word(kind))))
    if note is None:
        return
    workspace, case_id = screen.csvc_app.workspace, screen.case_id

    def saved(_value: object) -> None:
        screen.notify(_("case.outcome_saved"))
        screen.load()

    screen.background(lambda: workspace.cases.record_outcome(case_id, kind, source, occurred, note), saved)
