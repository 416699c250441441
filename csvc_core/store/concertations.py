"""Concertation requests through the rapid-intervention cell, kept in the store.

Each call reads the request back as a :class:`csvc_core.sharing.concertation.Concertation`, takes one step
with the rules (which refuse a step out of order, a wrong role, a missing element), then writes what
changed: the new step, the decision, the meeting with its attendees, the plan actions and their reviews,
the level the request carries (:mod:`csvc_core.store.carried`), with one audit entry, in one transaction.
Free text (judgement, notes, action descriptions) is sealed.

Who reads a request and how much is the core's decision (:func:`csvc_core.sharing.concertation.reading`):
an organisation that only owns plan actions reads the minimum necessary (``as_read``, same module). What
a reader reads comes back as records (:class:`csvc_core.store.records.ConcertationRecord`,
:class:`~csvc_core.store.records.ConcertationItem`); a meeting's file is read by
:mod:`csvc_core.sharing.meeting_file`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs
from sqlalchemy import Row, insert, or_, select, update

from csvc_core.errors import BadInput
from csvc_core.sharing import concertation as cell
from csvc_core.sharing import meeting_file
from csvc_core.sharing.concertation import (
    WHOLE,
    CarriedLevel,
    Closure,
    CommitteeDecision,
    Concertation,
    Reading,
    Step,
)
from csvc_core.sharing.parties import COORDINATOR, Organisation
from csvc_core.sharing.plan import OPEN, Attendee, Meeting, PlanAction, Review
from csvc_core.store import carried, keyring
from csvc_core.store.access import (
    AccessDenied,
    case_access,
    case_accesses,
    member,
    stored_role,
    visible_case,
)
from csvc_core.store.cases import StaleRecord, level_state
from csvc_core.store.context import Tx
from csvc_core.store.crypto import new_id
from csvc_core.store.directory import people, user_names
from csvc_core.store.records import (
    AttendeeRecord,
    ClosureRecord,
    ConcertationItem,
    ConcertationRecord,
    DecisionRecord,
    MeetingRecord,
    PlanActionRecord,
    StepRecord,
)
from csvc_core.store.schema import (
    cases,
    concertation_steps,
    concertations,
    meeting_attendees,
    meetings,
    organisations,
    plan_actions,
)
from csvc_core.store.sharing_rows import codes, dump_codes


def _seal(tx: Tx, table: str, column: str, row_id: str, text: str, scope: str) -> bytes | None:
    return tx.seal(text, table, column, row_id, scope=scope) if text else None


def _unseal(tx: Tx, table: str, column: str, row_id: str, blob: bytes | None, scope: str) -> str:
    return tx.unseal(blob, table, column, row_id, scope=scope) if blob is not None else ""


def _coordinators(tx: Tx) -> list[str]:
    """The holders that stand for the cell's coordinators: each active coordinator, whatever her
    organisation (they read every request)."""
    directory = people(tx.connection)
    found = tx.connection.execute(
        select(directory.c.id).where(
            directory.c.role.in_((COORDINATOR, stored_role(COORDINATOR, True))),
            directory.c.active.is_(True),
            directory.c.public_key.is_not(None),
        )
    ).scalars()
    return [keyring.of_user(user_id) for user_id in found]


def _share_with_coordinators(tx: Tx, concertation_id: str) -> None:
    """A coordinator who holds no key of the request yet (named since) receives them from whoever holds
    them and takes a step."""
    scopes = [keyring.of_concertation(concertation_id)] + [
        keyring.of_plan_action(action_id)
        for action_id in tx.connection.execute(
            select(plan_actions.c.id).where(plan_actions.c.concertation_id == concertation_id)
        ).scalars()
    ]
    for scope in scopes:
        if not tx.keys.holds(tx.connection, scope):
            continue
        held = {holder for holder, _ in keyring.holders(tx.connection, scope)}
        for holder in _coordinators(tx):
            if holder not in held:
                keyring.give(
                    tx.connection,
                    scope,
                    holder,
                    tx.key(scope),
                    basis="coordinator",
                    at=tx.now,
                    by=tx.actor.user_id,
                )


def _row(tx: Tx, concertation_id: str) -> tuple[Row, Reading]:
    """The request's row and how much of it the acting user may read (refused when nothing)."""
    row = tx.connection.execute(select(concertations).where(concertations.c.id == concertation_id)).first()
    read = _reading(tx, row) if row is not None else Reading(None)
    if row is None or not read.allowed:
        raise AccessDenied(key="error.store.concertation_not_visible", id=concertation_id, user=tx.actor.name)
    return row, read


def case_of(tx: Tx, concertation_id: str) -> str:
    """The case of a request this user may read (else :class:`AccessDenied`, as for a hidden one)."""
    return str(_row(tx, concertation_id)[0].case_id)


def _reading(tx: Tx, row: Row) -> Reading:
    """The core's decision for the acting user, from the request's organisation and its actions' owners."""
    owners = tx.connection.execute(
        select(plan_actions.c.id, plan_actions.c.owner_org_id).where(plan_actions.c.concertation_id == row.id)
    ).all()
    return cell.reading(row.org_id, {action: owner for action, owner in owners}, member(tx.actor))


def load(tx: Tx, row: Row, read: Reading) -> Concertation:
    """The request as the rules see it, read back from its rows; only what ``read`` lets the user read is
    unsealed (the rest stays empty: an action owner holds the keys of her own actions only)."""
    scope = keyring.of_concertation(row.id)

    def text(table: str, column: str, row_id: str, blob: bytes | None) -> str:
        return _unseal(tx, table, column, row_id, blob, scope) if read.scope == WHOLE else ""

    def action_text(column: str, action: Row) -> str:
        if read.scope != WHOLE and action.id not in read.actions:
            return ""
        blob = getattr(action, column)
        return _unseal(tx, "plan_actions", column, action.id, blob, keyring.of_plan_action(action.id))

    steps = tuple(
        Step(
            s.state,
            s.at,
            s.by,
            s.role,
            s.org_id,
            text("concertation_steps", "note_ct", _step_id(s), s.note_ct),
        )
        for s in tx.connection.execute(
            select(concertation_steps)
            .where(concertation_steps.c.concertation_id == row.id)
            .order_by(concertation_steps.c.seq)
        )
    )
    meeting_rows = tx.connection.execute(
        select(meetings).where(meetings.c.concertation_id == row.id).order_by(meetings.c.at)
    ).all()
    attendees: dict[str, list[Attendee]] = defaultdict(list)
    for a in tx.connection.execute(
        select(meeting_attendees)
        .where(meeting_attendees.c.meeting_id.in_([m.id for m in meeting_rows]))
        .order_by(meeting_attendees.c.sector, meeting_attendees.c.name)
    ):
        attendees[a.meeting_id].append(Attendee(a.name, a.organisation, a.sector))
    held = tuple(Meeting(m.id, m.at, m.kind, m.chair, tuple(attendees[m.id])) for m in meeting_rows)
    actions = tuple(
        PlanAction(
            id=a.id,
            description=action_text("description_ct", a),
            owner_org=a.owner_org_id,
            owner_sector=a.owner_sector,
            due=a.due,
            meeting=a.meeting_id,
            owner=a.owner,
            status=a.status,
            note=action_text("note_ct", a),
            closed_at=a.closed_at,
            closed_by=a.closed_by or "",
        )
        for a in tx.connection.execute(
            select(plan_actions).where(plan_actions.c.concertation_id == row.id).order_by(plan_actions.c.due)
        )
    )
    decision = None
    if row.decided_at is not None:
        decision = CommitteeDecision(
            tuple(json.loads(row.committee)),
            bool(row.concerted_action),
            text("concertations", "decision_ct", row.id, row.decision_ct),
            row.decided_at,
        )
    closure = None
    if row.closed_at is not None:
        closure = Closure(
            row.closure_reason,
            text("concertations", "closure_note_ct", row.id, row.closure_note_ct),
            row.closed_at,
            row.closed_by,
        )
    return Concertation(
        id=row.id,
        case=row.case_id,
        organisation=row.org_id,
        criteria=frozenset(codes(row.criteria)),
        judgement=text("concertations", "judgement_ct", row.id, row.judgement_ct),
        steps=steps,
        decision=decision,
        meetings=held,
        actions=actions,
        closure=closure,
        level=carried.from_row(row),
    )


def _step_id(step: Row) -> str:
    return f"{step.concertation_id}.{step.seq}"


def _save(tx: Tx, row: Row, before: Concertation, after: Concertation, entry: str, **detail: Any) -> None:
    """Write what ``after`` adds to ``before`` (optimistic: a request changed meanwhile is refused)."""
    scope = keyring.of_concertation(row.id)
    for seq, step in enumerate(after.steps[len(before.steps) :], start=len(before.steps) + 1):
        tx.connection.execute(
            insert(concertation_steps).values(
                concertation_id=row.id,
                seq=seq,
                state=step.state,
                at=step.at,
                by=step.by,
                role=step.role,
                org_id=step.org,
                note_ct=_seal(tx, "concertation_steps", "note_ct", f"{row.id}.{seq}", step.note, scope),
            )
        )
    values: dict[str, Any] = {"state": after.state, "version": row.version + 1}
    if after.decision is not None and before.decision is None:
        values.update(
            committee=json.dumps(list(after.decision.members)),
            concerted_action=after.decision.concerted_action,
            decision_ct=tx.seal(after.decision.reason, "concertations", "decision_ct", row.id, scope=scope),
            decided_at=after.decision.at,
        )
    if after.level != before.level:
        values.update(carried.values(after.level))
        if after.level is not None:
            detail = {**detail, "level": after.level.level}
    if after.closure is not None and before.closure is None:
        values.update(
            closure_reason=after.closure.reason,
            closure_note_ct=_seal(tx, "concertations", "closure_note_ct", row.id, after.closure.note, scope),
            closed_at=after.closure.at,
            closed_by=tx.actor.user_id,
        )
    result = tx.connection.execute(
        update(concertations)
        .where(concertations.c.id == row.id, concertations.c.version == row.version)
        .values(**values)
    )
    if result.rowcount != 1:
        raise StaleRecord(key="error.store.stale_concertation", id=row.id)
    for held in after.meetings[len(before.meetings) :]:
        tx.connection.execute(
            insert(meetings).values(
                id=held.id,
                concertation_id=row.id,
                at=held.at,
                kind=held.kind,
                chair=held.chair,
                recorded_by=tx.actor.user_id,
            )
        )
        for person in held.attendees:
            tx.connection.execute(
                insert(meeting_attendees).values(
                    id=new_id(),
                    meeting_id=held.id,
                    name=person.name.strip(),
                    organisation=person.organisation.strip(),
                    sector=person.sector,
                )
            )
    known = {a.id: a for a in before.actions}
    for plan in after.actions:
        plan_scope = keyring.of_plan_action(plan.id)
        if plan.id not in known:
            holders = {holder for holder, _ in keyring.holders(tx.connection, scope)}
            keyring.new_scope(
                tx.connection,
                plan_scope,
                sorted(holders | {keyring.of_org(plan.owner_org)}),
                basis="plan_action",
                at=tx.now,
                by=tx.actor.user_id,
            )
            tx.connection.execute(
                insert(plan_actions).values(
                    id=plan.id,
                    concertation_id=row.id,
                    meeting_id=plan.meeting,
                    description_ct=tx.seal(
                        plan.description, "plan_actions", "description_ct", plan.id, scope=plan_scope
                    ),
                    owner_org_id=plan.owner_org,
                    owner_sector=plan.owner_sector,
                    owner=plan.owner,
                    due=plan.due,
                    status=plan.status,
                    version=1,
                )
            )
        elif plan != known[plan.id]:
            tx.connection.execute(
                update(plan_actions)
                .where(plan_actions.c.id == plan.id)
                .values(
                    status=plan.status,
                    note_ct=_seal(tx, "plan_actions", "note_ct", plan.id, plan.note, plan_scope),
                    closed_at=plan.closed_at,
                    closed_by=plan.closed_by,
                    version=plan_actions.c.version + 1,
                )
            )
    tx.audit(entry, after.case, concertation=row.id, state=after.state, **detail)


#: the step each audit entry tells the plugins (``concertation_step``) once it has committed
TOLD = {
    "concertation.submit": "submitted",
    "concertation.committee": "to_committee",
    "concertation.decide": "decided",
    "concertation.meeting": "meeting",
    "concertation.action_done": "action_done",
    "concertation.close": "closed",
}


def _step(
    tx: Tx, concertation_id: str, entry: str, take: Callable[[Concertation], Concertation], **detail: Any
) -> Concertation:
    tx.require_writable()
    row, read = _row(tx, concertation_id)
    before = load(tx, row, read)
    after = take(before)
    _save(tx, row, before, after, entry, **detail)
    _share_with_coordinators(tx, concertation_id)
    tx.notify("concertation_step", concertation_id, TOLD[entry])
    return after


# -- the steps -----------------------------------------------------------------------------------------------
def request(tx: Tx, case_id: str, *, criteria: Iterable[str], judgement: str = "") -> str:
    """A practitioner asks for concertation on a case of her organisation; returns the request's id. Each
    step of a request is told to the plugins (``concertation_step``) once it has committed."""
    tx.require_writable()
    visible_case(tx.connection, tx.actor, case_id)
    concertation_id = new_id()
    scope = keyring.of_concertation(concertation_id)
    keyring.new_scope(
        tx.connection,
        scope,
        [keyring.of_org(tx.actor.org_id), *_coordinators(tx)],
        basis="concertation",
        at=tx.now,
        by=tx.actor.user_id,
    )
    asked = cell.request(
        id=concertation_id,
        case=case_id,
        actor=member(tx.actor),
        criteria=criteria,
        at=tx.now,
        judgement=judgement,
    )
    tx.connection.execute(
        insert(concertations).values(
            id=concertation_id,
            case_id=case_id,
            org_id=tx.actor.org_id,
            criteria=dump_codes(asked.criteria),
            judgement_ct=_seal(tx, "concertations", "judgement_ct", concertation_id, asked.judgement, scope),
            state=asked.state,
            version=0,
        )
    )
    row = tx.connection.execute(select(concertations).where(concertations.c.id == concertation_id)).one()
    empty = attrs.evolve(asked, steps=())
    _save(tx, row, empty, asked, "concertation.request", criteria=sorted(asked.criteria))
    tx.notify("concertation_step", concertation_id, "requested", case_id)
    return concertation_id


def submit(tx: Tx, concertation_id: str, note: str) -> Concertation:
    """The répondant signs off: the request takes the case level her organisation confirmed."""
    return _step(
        tx,
        concertation_id,
        "concertation.submit",
        lambda c: cell.submit(c, actor=member(tx.actor), at=tx.now, note=note, level=_confirmed(tx, c.case)),
    )


def _confirmed(tx: Tx, case_id: str) -> CarriedLevel | None:
    """The case's confirmed level, when the acting user's organisation reads the whole case."""
    if not case_access(tx.connection, tx.actor, case_id, tx.now).full:
        return None
    return carried.confirmed_level(level_state(tx, case_id), tx.now)


def to_committee(tx: Tx, concertation_id: str) -> Concertation:
    """The coordinator puts the request to the coordination committee."""
    return _step(
        tx,
        concertation_id,
        "concertation.committee",
        lambda c: cell.to_committee(c, actor=member(tx.actor), at=tx.now),
    )


def decide(
    tx: Tx, concertation_id: str, *, members: Iterable[str], concerted_action: bool, why: str
) -> Concertation:
    """The committee's decision: its members, whether a concerted action follows, and why."""
    chosen = tuple(members)
    return _step(
        tx,
        concertation_id,
        "concertation.decide",
        lambda c: cell.decide(
            c, actor=member(tx.actor), at=tx.now, members=chosen, concerted_action=concerted_action, why=why
        ),
        concerted_action=concerted_action,
    )


def _org(tx: Tx, name: str, where: str) -> Organisation:
    row = tx.connection.execute(
        select(organisations).where(
            or_(organisations.c.name == name.strip(), organisations.c.id == name.strip())
        )
    ).first()
    if row is None:
        raise BadInput(key="error.store.plan_org_unknown", where=where, name=name)
    return Organisation(row.id, row.sector)


def parse_meeting(tx: Tx, data: Any, source: str) -> tuple[Meeting, dict[str, Review], list[PlanAction]]:
    """A meeting file (:func:`csvc_core.sharing.meeting_file.parse_meeting`), its actions' owners found among
    the organisations by name or id."""
    return meeting_file.parse_meeting(
        data, source, now=tx.now, new_id=new_id, organisation=lambda name, where: _org(tx, name, where)
    )


def hold_meeting(
    tx: Tx, concertation_id: str, meeting: Mapping[str, Any], source: str = "meeting"
) -> Concertation:
    """A meeting from its JSON object (see :func:`parse_meeting`): its reviews and its plan's actions."""
    held, reviews, plan = parse_meeting(tx, meeting, source)
    return _hold(tx, concertation_id, held, reviews, plan)


def _hold(
    tx: Tx,
    concertation_id: str,
    meeting: Meeting,
    reviews: Mapping[str, Review],
    actions: Iterable[PlanAction],
) -> Concertation:
    plan = tuple(actions)
    return _step(
        tx,
        concertation_id,
        "concertation.meeting",
        lambda c: cell.hold_meeting(
            c, actor=member(tx.actor), meeting=meeting, reviews=reviews, actions=plan
        ),
        meeting=meeting.id,
        reviewed=sorted(reviews),
        actions=[a.id for a in plan],
    )


def report_done(tx: Tx, concertation_id: str, action_id: str, note: str = "") -> Concertation:
    """The owner organisation (or the coordinator) reports an action of the plan done between meetings."""
    return _step(
        tx,
        concertation_id,
        "concertation.action_done",
        lambda c: cell.report_done(c, actor=member(tx.actor), action=action_id, at=tx.now, note=note),
        action=action_id,
    )


def close(tx: Tx, concertation_id: str, why: str, note: str = "") -> Concertation:
    """Close the request, saying why."""
    return _step(
        tx,
        concertation_id,
        "concertation.close",
        lambda c: cell.close(c, actor=member(tx.actor), at=tx.now, why=why, note=note),
        reason=why,
    )


# -- reading -------------------------------------------------------------------------------------------------
def record(tx: Tx, concertation_id: str) -> ConcertationRecord:
    """The request as much of it as the acting user may read (``view``): state, carried level, criteria,
    steps, decision, meetings by sector, plan, closure, and the steps she may take now (audited with the view
    given)."""
    row, read = _row(tx, concertation_id)
    loaded = load(tx, row, read)
    tx.audit("concertation.read", loaded.case, concertation=concertation_id, view=read.scope)
    return _record(
        cell.as_read(loaded, read),
        _names(tx, organisations),
        user_names(tx.connection),
        view=str(read.scope),
        next_steps=cell.allowed_steps(loaded, member(tx.actor)),
    )


def list_concertations(tx: Tx, *, state: str | None = None) -> list[ConcertationItem]:
    """The requests the acting user may read, most urgent first (``urgency`` of
    :mod:`csvc_core.sharing.concertation`), no free text: the level each carries (before sign-off, the case's
    level to who may see the case), the plan's open and overdue actions (an action owner's own only) and the
    next due date. Nothing is decrypted; a few queries whatever the number of requests."""
    query = select(concertations)
    if state is not None:
        if state not in cell.STATES:
            raise BadInput(key="error.store.unknown_state", state=state, states=", ".join(cell.STATES))
        query = query.where(concertations.c.state == state)
    rows = tx.connection.execute(query.order_by(concertations.c.id)).all()
    ids = [row.id for row in rows]
    plans: dict[str, list[Row]] = defaultdict(list)
    for action in tx.connection.execute(
        select(plan_actions.c.id, plan_actions.c.concertation_id, plan_actions.c.owner_org_id)
        .add_columns(plan_actions.c.due, plan_actions.c.status)
        .where(plan_actions.c.concertation_id.in_(ids))
        .order_by(plan_actions.c.due)
    ):
        plans[action.concertation_id].append(action)
    readings = {
        row.id: cell.reading(row.org_id, {a.id: a.owner_org_id for a in plans[row.id]}, member(tx.actor))
        for row in rows
    }
    readable = [row for row in rows if readings[row.id].allowed]
    asked = dict(
        tx.connection.execute(
            select(concertation_steps.c.concertation_id, concertation_steps.c.at).where(
                concertation_steps.c.concertation_id.in_([row.id for row in readable]),
                concertation_steps.c.seq == 1,
            )
        ).all()
    )
    case_levels = _case_levels(tx, [r for r in readable if r.level is None and readings[r.id].scope == WHOLE])
    names, people = _names(tx, organisations), user_names(tx.connection)
    found = []
    for row in readable:
        read = readings[row.id]
        due = [
            a.due for a in plans[row.id] if a.status == OPEN and (read.scope == WHOLE or a.id in read.actions)
        ]
        found.append(
            ConcertationItem(
                id=row.id,
                case=row.case_id,
                organisation=names.get(row.org_id),
                state=row.state,
                criteria=codes(row.criteria) if read.scope == WHOLE else (),
                view=str(read.scope),
                level=_level(carried.from_row(row), people),
                requested_at=asked[row.id],
                compromission=row.level if row.level is not None else case_levels.get(row.case_id),
                open_actions=len(due),
                overdue_actions=sum(1 for moment in due if moment < tx.now),
                next_due=due[0] if due else None,
            )
        )
    found.sort(key=lambda i: cell.urgency(i.state, i.compromission, i.overdue_actions, i.requested_at))
    tx.audit("concertation.list", None, count=len(found))
    return found


def _case_levels(tx: Tx, rows: list[Row]) -> dict[str, int | None]:
    """Before sign-off a request carries no level: its case's own, for who may read the whole case."""
    accesses = case_accesses(tx.connection, tx.actor, {row.case_id for row in rows}, tx.now)
    full = sorted(case_id for case_id, access in accesses.items() if access.full)
    if not full:
        return {}
    return dict(
        tx.connection.execute(select(cases.c.id, cases.c.compromission).where(cases.c.id.in_(full))).all()
    )


def _level(level: CarriedLevel | None, people: Mapping[str, str]) -> CarriedLevel | None:
    """The carried level, the confirming professional by name."""
    if level is None:
        return None
    return attrs.evolve(level, confirmed_by=people.get(level.confirmed_by, level.confirmed_by))


def _names(tx: Tx, table: Any) -> dict[str, str]:
    return dict(tx.connection.execute(select(table.c.id, table.c.name)).all())


def _record(
    c: Concertation,
    orgs: Mapping[str, str],
    people: Mapping[str, str],
    *,
    view: str,
    next_steps: tuple[str, ...],
) -> ConcertationRecord:
    """The request as its reader reads it: people and organisations by name, empty text as none."""
    return ConcertationRecord(
        id=c.id,
        case=c.case,
        organisation=orgs.get(c.organisation, c.organisation),
        state=c.state,
        compromission=c.level.level if c.level is not None else None,
        level=_level(c.level, people),
        criteria=tuple(sorted(c.criteria)),
        judgement=c.judgement or None,
        steps=tuple(
            StepRecord(
                state=s.state,
                at=s.at,
                by=people.get(s.by, s.by),
                role=s.role,
                organisation=orgs.get(s.org, s.org),
                note=s.note or None,
            )
            for s in c.steps
        ),
        decision=None
        if c.decision is None
        else DecisionRecord(
            members=c.decision.members,
            concerted_action=c.decision.concerted_action,
            reason=c.decision.reason or None,
            at=c.decision.at,
        ),
        meetings=tuple(
            MeetingRecord(
                id=m.id,
                at=m.at,
                kind=m.kind,
                chair=m.chair,
                attendees_by_sector={
                    sector: tuple(AttendeeRecord(a.name, a.organisation) for a in people_of)
                    for sector, people_of in m.attendees_by_sector().items()
                },
            )
            for m in c.meetings
        ),
        actions=tuple(
            PlanActionRecord(
                id=a.id,
                description=a.description,
                owner_org=orgs.get(a.owner_org, a.owner_org),
                owner_sector=a.owner_sector,
                owner=a.owner or None,
                due=a.due,
                meeting=a.meeting,
                status=a.status,
                note=a.note or None,
                closed_at=a.closed_at,
            )
            for a in c.actions
        ),
        closure=None
        if c.closure is None
        else ClosureRecord(reason=c.closure.reason, note=c.closure.note or None, at=c.closure.at),
        view=view,
        next_steps=next_steps,
    )
