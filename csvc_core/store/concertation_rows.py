"""A concertation request's rows: read back as the rules see it (only what the reader may read unsealed), and
what a step adds written, with the optimistic version check. The steps themselves are
:mod:`csvc_core.store.concertations`; what a reader is shown, :mod:`csvc_core.store.concertation_reading`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from sqlalchemy import Column, Row, insert, select, update

from csvc_core.sharing import concertation as cell
from csvc_core.sharing.concertation import WHOLE, Closure, CommitteeDecision, Concertation, Reading, Step
from csvc_core.sharing.plan import Attendee, Meeting, PlanAction
from csvc_core.store import carried, keyring
from csvc_core.store.access import AccessDenied, member
from csvc_core.store.cases import StaleRecord
from csvc_core.store.context import Tx
from csvc_core.store.crypto import new_id
from csvc_core.store.schema import (
    concertation_steps,
    concertations,
    meeting_attendees,
    meetings,
    plan_actions,
)
from csvc_core.store.sealed import step_id
from csvc_core.store.sharing_rows import codes


def seal_text(tx: Tx, column: Column[Any], row_id: str, text: str, scope: str) -> bytes | None:
    return tx.seal(text, column, row_id, scope=scope) if text else None


def unseal_text(tx: Tx, column: Column[Any], row_id: str, blob: bytes | None, scope: str) -> str:
    return tx.unseal(blob, column, row_id, scope=scope) if blob is not None else ""


def row_of(tx: Tx, concertation_id: str) -> tuple[Row, Reading]:
    """The request's row and how much of it the acting user may read (refused when nothing)."""
    row = tx.connection.execute(select(concertations).where(concertations.c.id == concertation_id)).first()
    read = reading_of(tx, row) if row is not None else Reading(None)
    if row is None or not read.allowed:
        raise AccessDenied(key="error.store.concertation_not_visible", id=concertation_id, user=tx.actor.name)
    return row, read


def case_of(tx: Tx, concertation_id: str) -> str:
    """The case of a request this user may read (else :class:`AccessDenied`, as for a hidden one)."""
    return str(row_of(tx, concertation_id)[0].case_id)


def reading_of(tx: Tx, row: Row) -> Reading:
    """The core's decision for the acting user, from the request's organisation and its actions' owners."""
    owners = tx.connection.execute(
        select(plan_actions.c.id, plan_actions.c.owner_org_id).where(plan_actions.c.concertation_id == row.id)
    ).all()
    return cell.reading(row.org_id, {action: owner for action, owner in owners}, member(tx.actor))


def load(tx: Tx, row: Row, read: Reading) -> Concertation:
    """The request as the rules see it, read back from its rows; only what ``read`` lets the user read is
    unsealed (the rest stays empty: an action owner holds the keys of her own actions only)."""
    scope = keyring.of_concertation(row.id)

    def unsealed(column: Column[Any], row_id: str, blob: bytes | None) -> str:
        return unseal_text(tx, column, row_id, blob, scope) if read.scope == WHOLE else ""

    def unsealed_action(column: Column[Any], action: Row) -> str:
        if read.scope != WHOLE and action.id not in read.actions:
            return ""
        blob = getattr(action, column.name)
        return unseal_text(tx, column, action.id, blob, keyring.of_plan_action(action.id))

    steps = tuple(
        Step(
            s.state,
            s.at,
            s.by,
            s.role,
            s.org_id,
            unsealed(concertation_steps.c.note_ct, step_id(s.concertation_id, s.seq), s.note_ct),
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
            description=unsealed_action(plan_actions.c.description_ct, a),
            owner_org=a.owner_org_id,
            owner_sector=a.owner_sector,
            due=a.due,
            meeting=a.meeting_id,
            owner=a.owner,
            status=a.status,
            note=unsealed_action(plan_actions.c.note_ct, a),
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
            unsealed(concertations.c.decision_ct, row.id, row.decision_ct),
            row.decided_at,
        )
    closure = None
    if row.closed_at is not None:
        closure = Closure(
            row.closure_reason,
            unsealed(concertations.c.closure_note_ct, row.id, row.closure_note_ct),
            row.closed_at,
            row.closed_by,
        )
    return Concertation(
        id=row.id,
        case=row.case_id,
        organisation=row.org_id,
        criteria=frozenset(codes(row.criteria)),
        judgement=unsealed(concertations.c.judgement_ct, row.id, row.judgement_ct),
        steps=steps,
        decision=decision,
        meetings=held,
        actions=actions,
        closure=closure,
        level=carried.from_row(row),
    )


def save(tx: Tx, row: Row, before: Concertation, after: Concertation, entry: str, **detail: Any) -> None:
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
                note_ct=seal_text(tx, concertation_steps.c.note_ct, step_id(row.id, seq), step.note, scope),
            )
        )
    values: dict[str, Any] = {"state": after.state, "version": row.version + 1}
    if after.decision is not None and before.decision is None:
        values.update(
            committee=json.dumps(list(after.decision.members)),
            concerted_action=after.decision.concerted_action,
            decision_ct=tx.seal(after.decision.reason, concertations.c.decision_ct, row.id, scope=scope),
            decided_at=after.decision.at,
        )
    if after.level != before.level:
        values.update(carried.values(after.level))
        if after.level is not None:
            detail = {**detail, "level": after.level.level}
    if after.closure is not None and before.closure is None:
        values.update(
            closure_reason=after.closure.reason,
            closure_note_ct=seal_text(tx, concertations.c.closure_note_ct, row.id, after.closure.note, scope),
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
                        plan.description, plan_actions.c.description_ct, plan.id, scope=plan_scope
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
                    note_ct=seal_text(tx, plan_actions.c.note_ct, plan.id, plan.note, plan_scope),
                    closed_at=plan.closed_at,
                    closed_by=plan.closed_by,
                    version=plan_actions.c.version + 1,
                )
            )
    tx.audit(entry, after.case, concertation=row.id, state=after.state, **detail)
