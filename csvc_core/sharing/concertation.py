"""Concertation of a case through the rapid-intervention cell, as a state machine whose steps come in order.

    requested   a practitioner asks for concertation, naming the criteria (or her professional judgement)
    submitted   the organisation's répondant signs the request off and calls the cell coordinator
    committee   the coordinator puts it to the coordination committee (three members)
    concerted   the committee decides that concerted action is needed (otherwise the request is closed)
    follow_up   the organisations concerned have met; the plan's actions are followed and reviewed at each
    meeting
    closed      closed with a reason (no step after)

A step taken out of order is refused, naming the state the request is in and the step it waits for.

A signed-off request carries the case's *niveau de compromission* that the referring organisation had
confirmed at that moment (:class:`CarriedLevel`: the level on the case scale 1-4 and which assessment,
instrument and professional it came from), so that the cell reads the urgency without reading the case. A
later confirmed level of the referring organisation replaces it (:func:`carry`), keeping the level it
replaced.

Who reads a request, and how much (:func:`may_read`): the requesting organisation and the cell's coordinators
read it all; an organisation that only owns plan actions reads the minimum it needs for them
(:func:`as_read`): the reference, the carried level, its own actions and the meetings that set them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

import attrs

from csvc_core.sharing.parties import COORDINATOR, REPONDANT, WORKER, Actor
from csvc_core.sharing.plan import (
    DONE,
    OPEN,
    Meeting,
    PlanAction,
    Review,
    apply_reviews,
    check_action,
    check_meeting,
)
from csvc_core.sharing.reasons import Incomplete, Reason, Refused, as_utc, blank, reason

#: why a case is referred to concertation: the flags instruments raise, or a professional's judgement.
CRITERIA: tuple[str, ...] = (
    "visible_high_risk",
    "escalation",
    "repeat",
    "unknown_critical",
    "professional_judgement",
)
REQUESTED, SUBMITTED, COMMITTEE, CONCERTED, FOLLOW_UP, CLOSED = (
    "requested",
    "submitted",
    "committee",
    "concerted",
    "follow_up",
    "closed",
)
STATES: tuple[str, ...] = (REQUESTED, SUBMITTED, COMMITTEE, CONCERTED, FOLLOW_UP, CLOSED)
COMMITTEE_SIZE = 3
#: the steps, each with the states it may be taken from (``close``: any state but closed).
SUBMIT, TO_COMMITTEE, DECIDE, MEETING, REPORT_DONE, CLOSE = (
    "submit",
    "to_committee",
    "decide",
    "meeting",
    "report_done",
    "close",
)
FROM_STATES: dict[str, tuple[str, ...]] = {
    SUBMIT: (REQUESTED,),
    TO_COMMITTEE: (SUBMITTED,),
    DECIDE: (COMMITTEE,),
    MEETING: (CONCERTED, FOLLOW_UP),
    REPORT_DONE: (FOLLOW_UP,),
    CLOSE: STATES[:-1],
}
CLOSURE_REASONS: tuple[str, ...] = (
    "risk_reduced",
    "plan_completed",
    "no_concerted_action",
    "declined_by_repondant",
    "moved_away",
    "other",
)


@attrs.frozen
class Step:
    """A step taken: the state it led to, when, by whom (user, role, organisation), and the note given."""

    state: str
    at: datetime
    by: str
    role: str
    org: str
    note: str = ""


@attrs.frozen
class CommitteeDecision:
    members: tuple[str, ...]
    concerted_action: bool
    reason: str
    at: datetime


@attrs.frozen
class Closure:
    reason: str
    note: str
    at: datetime
    by: str


@attrs.frozen
class CarriedLevel:
    """The case level the referring organisation had confirmed when the request was signed off (or since):
    ``level`` on the case scale 1-4, the ``assessment`` that holds it (its instrument and version, who
    confirmed it and when), when the request took it, and the level it replaced (``previous``) if any."""

    level: int
    assessment: str
    instrument: str
    instrument_version: str
    confirmed_by: str
    confirmed_at: datetime
    carried_at: datetime
    previous: int | None = None


@attrs.frozen
class Concertation:
    id: str
    case: str
    organisation: str
    criteria: frozenset[str]
    judgement: str
    steps: tuple[Step, ...]
    decision: CommitteeDecision | None = None
    meetings: tuple[Meeting, ...] = ()
    actions: tuple[PlanAction, ...] = ()
    closure: Closure | None = None
    level: CarriedLevel | None = None

    @property
    def state(self) -> str:
        return self.steps[-1].state

    def open_actions(self) -> tuple[PlanAction, ...]:
        return tuple(a for a in self.actions if a.status == OPEN)


def _refuse_out_of_order(concertation: Concertation, step: str, expected: Iterable[str]) -> None:
    if concertation.state not in expected:
        raise Refused(
            reason("step_out_of_order", step=step, state=concertation.state, expected=tuple(expected))
        )


def _need_role(actor: Actor, step: str, roles: tuple[str, ...], org: str | None = None) -> None:
    if actor.role not in roles or (org is not None and actor.org != org):
        raise Refused(reason("step_role", step=step, user=actor.user, role=actor.role, allowed=roles))


def _moment(concertation: Concertation, at: datetime) -> datetime:
    moment = as_utc(at, "at")
    if moment < concertation.steps[-1].at:
        raise Refused(reason("step_before_previous", at=moment, previous=concertation.steps[-1].at))
    return moment


def _advance(
    concertation: Concertation, state: str, actor: Actor, at: datetime, note: str = ""
) -> Concertation:
    step = Step(state, at, actor.user, actor.role, actor.org, note.strip())
    return attrs.evolve(concertation, steps=(*concertation.steps, step))


#: the roles that may ask for a concertation.
REQUESTERS: tuple[str, ...] = (WORKER, REPONDANT)


def may_request(role: str) -> bool:
    """Whether a person in ``role`` may ask for a concertation (what :func:`request` checks)."""
    return role in REQUESTERS


def request(
    *, id: str, case: str, actor: Actor, criteria: Iterable[str], at: datetime, judgement: str = ""
) -> Concertation:
    """A practitioner's request: at least one criterion; professional judgement needs its reason."""
    _need_role(actor, "request", REQUESTERS)
    chosen = frozenset(criteria)
    problems: list[Reason] = []
    if not chosen:
        problems.append(reason("no_criterion", allowed=CRITERIA))
    unknown = chosen - set(CRITERIA)
    if unknown:
        problems.append(reason("unknown_criterion", criteria=unknown, allowed=CRITERIA))
    if "professional_judgement" in chosen and blank(judgement):
        problems.append(reason("judgement_reason"))
    if problems:
        raise Incomplete(*problems)
    moment = as_utc(at, "at")
    first = Step(REQUESTED, moment, actor.user, actor.role, actor.org, judgement.strip())
    return Concertation(id, case, actor.org, chosen, judgement.strip(), (first,))


def submit(
    concertation: Concertation, *, actor: Actor, at: datetime, note: str, level: CarriedLevel | None
) -> Concertation:
    """The répondant of the requesting organisation signs the request off and calls the coordinator; the
    request carries the case level her organisation confirmed (a case with no confirmed level is not sent)."""
    _refuse_out_of_order(concertation, SUBMIT, FROM_STATES[SUBMIT])
    _need_role(actor, "submit", (REPONDANT,), concertation.organisation)
    problems: list[Reason] = []
    if blank(note):
        problems.append(reason("step_note", step="submit"))
    if level is None:
        problems.append(reason("level_needed", case=concertation.case))
    if problems or level is None:
        raise Incomplete(*problems)
    moment = _moment(concertation, at)
    carried = attrs.evolve(level, carried_at=moment, previous=None)
    return _advance(attrs.evolve(concertation, level=carried), SUBMITTED, actor, moment, note)


def carry(current: CarriedLevel | None, state: str, newer: CarriedLevel) -> CarriedLevel | None:
    """The level a request in ``state`` carries once its referring organisation confirmed ``newer``: taken by
    a signed-off request still open (a request not signed off or closed keeps what it has). A changed level
    keeps the one it replaced in ``previous``, so a lower level is never taken silently."""
    if current is None or state == CLOSED:
        return current
    if (current.level, current.assessment) == (newer.level, newer.assessment):
        return current
    previous = current.level if newer.level != current.level else current.previous
    return attrs.evolve(newer, previous=previous)


def to_committee(concertation: Concertation, *, actor: Actor, at: datetime) -> Concertation:
    """The coordinator puts the request to the coordination committee."""
    _refuse_out_of_order(concertation, TO_COMMITTEE, FROM_STATES[TO_COMMITTEE])
    _need_role(actor, "to_committee", (COORDINATOR,))
    return _advance(concertation, COMMITTEE, actor, _moment(concertation, at))


def decide(
    concertation: Concertation,
    *,
    actor: Actor,
    at: datetime,
    members: Iterable[str],
    concerted_action: bool,
    why: str,
) -> Concertation:
    """The committee's decision, recorded by the coordinator: concerted action, or the request is closed."""
    _refuse_out_of_order(concertation, DECIDE, FROM_STATES[DECIDE])
    _need_role(actor, "decide", (COORDINATOR,))
    names = tuple(name.strip() for name in members)
    problems: list[Reason] = []
    if len(set(names)) != COMMITTEE_SIZE or any(not name for name in names):
        problems.append(reason("committee_size", size=COMMITTEE_SIZE, members=names))
    if blank(why):
        problems.append(reason("step_note", step="decide"))
    if problems:
        raise Incomplete(*problems)
    moment = _moment(concertation, at)
    decision = CommitteeDecision(names, concerted_action, why.strip(), moment)
    decided = attrs.evolve(concertation, decision=decision)
    if concerted_action:
        return _advance(decided, CONCERTED, actor, moment, why)
    closure = Closure("no_concerted_action", why.strip(), moment, actor.user)
    return attrs.evolve(_advance(decided, CLOSED, actor, moment, why), closure=closure)


def hold_meeting(
    concertation: Concertation,
    *,
    actor: Actor,
    meeting: Meeting,
    reviews: Mapping[str, Review] | None = None,
    actions: Iterable[PlanAction] = (),
) -> Concertation:
    """A meeting of the organisations concerned: every open action is reviewed, new actions join the plan."""
    _refuse_out_of_order(concertation, MEETING, FROM_STATES[MEETING])
    _need_role(actor, "meeting", (COORDINATOR,))
    held = check_meeting(meeting)
    moment = _moment(concertation, held.at)
    if any(m.id == held.id for m in concertation.meetings):
        raise Refused(reason("meeting_exists", meeting=held.id))
    reviewed = apply_reviews(concertation.actions, reviews or {}, held)
    new = tuple(check_action(action, held) for action in actions)
    ids = [a.id for a in (*reviewed, *new)]
    if len(set(ids)) != len(ids):
        raise Refused(reason("action_exists", actions=sorted({i for i in ids if ids.count(i) > 1})))
    updated = attrs.evolve(concertation, meetings=(*concertation.meetings, held), actions=(*reviewed, *new))
    return _advance(updated, FOLLOW_UP, actor, moment, held.id)


def report_done(
    concertation: Concertation, *, actor: Actor, action: str, at: datetime, note: str = ""
) -> Concertation:
    """The owner organisation (or the coordinator) reports an action done between meetings."""
    _refuse_out_of_order(concertation, REPORT_DONE, FROM_STATES[REPORT_DONE])
    found = next((a for a in concertation.actions if a.id == action), None)
    if found is None or found.status != OPEN:
        raise Refused(reason("review_not_open", actions=(action,)))
    if actor.org != found.owner_org and actor.role != COORDINATOR:
        raise Refused(reason("action_not_owner", action=action, user=actor.user, owner=found.owner_org))
    moment = _moment(concertation, at)
    done = attrs.evolve(found, status=DONE, note=note.strip(), closed_at=moment, closed_by=actor.user)
    return attrs.evolve(
        concertation, actions=tuple(done if a.id == action else a for a in concertation.actions)
    )


def close(
    concertation: Concertation, *, actor: Actor, at: datetime, why: str, note: str = ""
) -> Concertation:
    """Close with a reason. Open actions must be reviewed at a meeting first; before submission only the
    requesting organisation's répondant may decline, afterwards the coordinator closes."""
    if concertation.state == CLOSED:
        raise Refused(reason("step_out_of_order", step=CLOSE, state=CLOSED, expected=FROM_STATES[CLOSE]))
    if concertation.state == REQUESTED:
        _need_role(actor, "close", (REPONDANT, COORDINATOR))
        if actor.role == REPONDANT and actor.org != concertation.organisation:
            raise Refused(
                reason("step_role", step="close", user=actor.user, role=actor.role, allowed=(REPONDANT,))
            )
    else:
        _need_role(actor, "close", (COORDINATOR,))
    problems: list[Reason] = []
    if why not in CLOSURE_REASONS:
        problems.append(reason("closure_reason", reason=why, allowed=CLOSURE_REASONS))
    elif why == "other" and blank(note):
        problems.append(reason("closure_note"))
    if problems:
        raise Incomplete(*problems)
    pending = concertation.open_actions()
    if pending:
        raise Refused(reason("close_open_actions", actions=[a.id for a in pending]))
    moment = _moment(concertation, at)
    closure = Closure(why, note.strip(), moment, actor.user)
    return attrs.evolve(_advance(concertation, CLOSED, actor, moment, note), closure=closure)


def _may_close(concertation: Concertation, actor: Actor) -> bool:
    if concertation.open_actions():
        return False
    if concertation.state == REQUESTED and actor.role == REPONDANT:
        return actor.org == concertation.organisation
    return actor.role == COORDINATOR


def allowed_steps(concertation: Concertation, actor: Actor) -> tuple[str, ...]:
    """The steps ``actor`` may take now, in the path's order: those the rules above would not refuse (given
    the elements each one asks for: a note, a reason, the committee, the meeting, a review)."""
    state, role = concertation.state, actor.role
    allowed = {
        SUBMIT: role == REPONDANT and actor.org == concertation.organisation,
        TO_COMMITTEE: role == COORDINATOR,
        DECIDE: role == COORDINATOR,
        MEETING: role == COORDINATOR,
        REPORT_DONE: any(
            role == COORDINATOR or actor.org == a.owner_org for a in concertation.open_actions()
        ),
        CLOSE: _may_close(concertation, actor),
    }
    return tuple(step for step, ok in allowed.items() if ok and state in FROM_STATES[step])


# -- who reads a request, and how much -----------------------------------------------------------------------
WHOLE, OWN_ACTIONS = "whole", "own_actions"


@attrs.frozen
class Reading:
    """The decision on reading a request: ``scope`` is :data:`WHOLE` (the requesting organisation, the cell's
    coordinators) or :data:`OWN_ACTIONS` (an organisation owning plan actions: only ``actions``, its own);
    ``None`` when the user may not read it."""

    scope: str | None
    actions: frozenset[str] = frozenset()

    @property
    def allowed(self) -> bool:
        return self.scope is not None


def reading(organisation: str, owners: Mapping[str, str], actor: Actor) -> Reading:
    """How much of a request of ``organisation`` whose plan actions are owned as ``owners`` (action id ->
    owner organisation) ``actor`` may read."""
    if actor.org == organisation or actor.role == COORDINATOR:
        return Reading(WHOLE)
    own = frozenset(action for action, owner in owners.items() if owner == actor.org)
    return Reading(OWN_ACTIONS, own) if own else Reading(None)


def urgency(
    state: str, level: int | None, overdue_actions: int, requested_at: datetime
) -> tuple[object, ...]:
    """The order of a list of requests: open before closed; highest level first (none last); more overdue
    actions; waiting longest."""
    return (state == CLOSED, -(level or 0), -overdue_actions, requested_at)


def may_read(concertation: Concertation, actor: Actor) -> Reading:
    return reading(concertation.organisation, {a.id: a.owner_org for a in concertation.actions}, actor)


def as_read(concertation: Concertation, read: Reading) -> Concertation:
    """The request as ``read`` lets it be seen. For an action owner, the minimum necessary: the reference, the
    carried level, the path's steps without their notes, the committee's verdict without its reason, its own
    actions and the meetings that set them; no criteria, no judgement, no other organisation's action."""
    if read.scope == WHOLE:
        return concertation
    if read.scope != OWN_ACTIONS:
        raise Refused(reason("no_reading", concertation=concertation.id))
    actions = tuple(a for a in concertation.actions if a.id in read.actions)
    meetings = {a.meeting for a in actions}
    decision = concertation.decision
    closure = concertation.closure
    return attrs.evolve(
        concertation,
        criteria=frozenset(),
        judgement="",
        steps=tuple(attrs.evolve(step, note="") for step in concertation.steps),
        decision=None if decision is None else attrs.evolve(decision, members=(), reason=""),
        meetings=tuple(m for m in concertation.meetings if m.id in meetings),
        actions=actions,
        closure=None if closure is None else attrs.evolve(closure, note=""),
    )
