"""What the concertation screens show and read: moments in local time, levels (or that they are hidden), the
core's refusals in the UI's language, a case's line about its requests, a request's history."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text as RichText

from csvc_core.errors import CsvcError
from csvc_core.jsonio import parse_datetime
from csvc_core.sharing.reasons import Incomplete, Refused
from csvc_tui.text import _, language, role_name
from csvc_tui.widgets.level import compromission_text

if TYPE_CHECKING:
    from csvc_core.store.records import ConcertationItem, ConcertationRecord


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


def case_line(requests: Sequence[ConcertationItem]) -> RichText:
    """The case screen's line: the current step of its latest request, or how to ask for one."""
    if not requests:
        return RichText(_("cell.case_none"), style="dim")
    latest = requests[0]
    line = RichText(_("cell.case_state", state=_(f"cell.state.{latest.state}")), style="bold")
    if latest.overdue_actions:
        line.append("  " + _("cell.overdue_count", count=latest.overdue_actions), style="bold")
    return line


def moment_of(value: object) -> datetime | None:
    """A moment as a step's draft keeps it (ISO text), or None."""
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def history(record: ConcertationRecord, sector_name: Callable[[str], str]) -> RichText:
    """The request's steps, its decision, its meetings (who attended, by sector), its closure."""
    text = RichText("\n" + _("cell.history") + "\n", style="bold")
    for step in record.steps:
        state, role = _("cell.took." + step.state), role_name(step.role)
        text.append(f"{local(step.at)}  {state}", style="bold")
        text.append(f"  {step.by} ({role}, {step.organisation})\n")
        if step.note and step.state != "follow_up":
            text.append(f"    {step.note}\n", style="dim")
    decision = record.decision
    if decision is not None:
        verdict = _("cell.concerted_yes") if decision.concerted_action else _("cell.concerted_no")
        text.append("\n" + _("cell.decision", verdict=verdict) + "\n", style="bold")
        text.append(_("cell.members", members=", ".join(decision.members)) + "\n")
        text.append(_("cell.reason", text=decision.reason) + "\n")
    for meeting in record.meetings:
        text.append(
            "\n"
            + _(
                "cell.meeting_line",
                when=local(meeting.at),
                kind=_("cell.kind." + meeting.kind),
                chair=meeting.chair,
            )
            + "\n",
            style="bold",
        )
        for sector, people in meeting.attendees_by_sector.items():
            names = ", ".join(f"{p.name} ({p.organisation})" for p in people)
            text.append(f"  {sector_name(sector)} : {names}\n")
    closure = record.closure
    if closure is not None:
        text.append(
            "\n"
            + _(
                "cell.closed_line",
                when=local(closure.at),
                reason=_(f"cell.closure.{closure.reason}"),
            )
            + "\n",
            style="bold",
        )
        if closure.note:
            text.append(f"  {closure.note}\n")
    return text
