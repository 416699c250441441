"""Concertation meetings, their attendees by sector, and the action plan with owners, due dates and
reviews."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

import attrs

from csvc_core.sharing.parties import SECTORS
from csvc_core.sharing.reasons import Incomplete, Reason, Refused, as_utc, blank, reason

REGULAR, EMERGENCY = "regular", "emergency"
MEETING_KINDS = (REGULAR, EMERGENCY)
OPEN, DONE, IMPOSSIBLE, NOT_DONE = "open", "done", "impossible", "not_done"
#: at the next meeting an open action is found done, impossible because circumstances changed, or not done by
#: its
#: owner (the agency did not act); the last two are told apart for accountability.
REVIEW_OUTCOMES = (DONE, IMPOSSIBLE, NOT_DONE)


@attrs.frozen
class Attendee:
    name: str
    organisation: str
    sector: str


@attrs.frozen
class Meeting:
    id: str
    at: datetime
    kind: str
    chair: str
    attendees: tuple[Attendee, ...]

    def attendees_by_sector(self) -> dict[str, tuple[Attendee, ...]]:
        found: dict[str, list[Attendee]] = {}
        for attendee in self.attendees:
            found.setdefault(attendee.sector, []).append(attendee)
        return {sector: tuple(people) for sector, people in sorted(found.items())}


@attrs.frozen
class Review:
    """The finding on an open action at a later meeting (``note`` is required unless it was done)."""

    outcome: str
    note: str = ""


@attrs.frozen
class PlanAction:
    """Who does what by when: ``owner_org`` (and the named ``owner`` person when known) answers for it."""

    id: str
    description: str
    owner_org: str
    owner_sector: str
    due: datetime
    meeting: str
    owner: str = ""
    status: str = OPEN
    note: str = ""
    closed_at: datetime | None = None
    closed_by: str = ""


def check_meeting(meeting: Meeting) -> Meeting:
    """The meeting with its time in UTC, or every problem with it."""
    problems: list[Reason] = []
    if meeting.kind not in MEETING_KINDS:
        problems.append(reason("meeting_kind", kind=meeting.kind, allowed=MEETING_KINDS))
    if blank(meeting.chair):
        problems.append(reason("meeting_missing", element="chair"))
    if not meeting.attendees:
        problems.append(reason("meeting_no_attendee"))
    for attendee in meeting.attendees:
        if blank(attendee.name) or blank(attendee.organisation):
            problems.append(reason("meeting_missing", element="attendee"))
        if attendee.sector not in SECTORS:
            problems.append(reason("unknown_sector", sector=attendee.sector, known=SECTORS))
    if problems:
        raise Incomplete(*problems)
    return attrs.evolve(meeting, at=as_utc(meeting.at, "meeting.at"))


def check_action(action: PlanAction, meeting: Meeting) -> PlanAction:
    """A new plan action: described, owned by an organisation of a known sector, due after its meeting."""
    problems: list[Reason] = []
    for element in ("id", "description", "owner_org"):
        if blank(getattr(action, element)):
            problems.append(reason("action_missing", action=action.id, element=element))
    if action.owner_sector not in SECTORS:
        problems.append(reason("unknown_sector", sector=action.owner_sector, known=SECTORS))
    due = as_utc(action.due, f"{action.id}.due")
    if due <= meeting.at:
        problems.append(reason("action_due_before_meeting", action=action.id, due=due, meeting=meeting.at))
    if problems:
        raise Incomplete(*problems)
    return attrs.evolve(action, due=due, meeting=meeting.id, status=OPEN)


def apply_reviews(
    actions: Iterable[PlanAction], reviews: Mapping[str, Review], meeting: Meeting
) -> tuple[PlanAction, ...]:
    """The actions after the reviews of ``meeting``: every action still open must be reviewed, no other
    one."""
    current = tuple(actions)
    pending = {a.id for a in current if a.status == OPEN}
    unknown = sorted(set(reviews) - pending)
    if unknown:
        raise Refused(reason("review_not_open", actions=unknown))
    unreviewed = sorted(pending - set(reviews))
    if unreviewed:
        raise Refused(reason("review_missing", actions=unreviewed))
    problems: list[Reason] = []
    for action_id, review in sorted(reviews.items()):
        if review.outcome not in REVIEW_OUTCOMES:
            problems.append(
                reason("review_outcome", action=action_id, outcome=review.outcome, allowed=REVIEW_OUTCOMES)
            )
        elif review.outcome != DONE and blank(review.note):
            problems.append(reason("review_note", action=action_id, outcome=review.outcome))
    if problems:
        raise Incomplete(*problems)
    return tuple(
        attrs.evolve(
            a,
            status=reviews[a.id].outcome,
            note=reviews[a.id].note.strip(),
            closed_at=meeting.at,
            closed_by=meeting.chair,
        )
        if a.id in reviews
        else a
        for a in current
    )
