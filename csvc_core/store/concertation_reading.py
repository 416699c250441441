"""What a reader is shown of the concertation requests: one request as much of it as she may read, and the
list of those she may read, most urgent first, with no free text. People and organisations by name."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import attrs
from sqlalchemy import Row, select

from csvc_core.errors import BadInput, Field
from csvc_core.sharing import concertation as cell
from csvc_core.sharing.concertation import WHOLE, CarriedLevel, Concertation
from csvc_core.sharing.plan import OPEN
from csvc_core.store import carried
from csvc_core.store.access import case_accesses, member
from csvc_core.store.concertation_rows import load, row_of
from csvc_core.store.context import Tx
from csvc_core.store.directory import user_names
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
from csvc_core.store.schema import cases, concertation_steps, concertations, organisations, plan_actions
from csvc_core.store.sharing_rows import codes


def record(tx: Tx, concertation_id: str) -> ConcertationRecord:
    """The request as much of it as the acting user may read (``view``): state, carried level, criteria,
    steps, decision, meetings by sector, plan, closure, and the steps she may take now (audited with the view
    given)."""
    row, read = row_of(tx, concertation_id)
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
            raise BadInput(
                key="error.store.unknown_state",
                field=Field("state"),
                state=state,
                states=", ".join(cell.STATES),
            )
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
