"""Follow-up: the re-assessment queue and the actions each sector owes, most urgent first."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, case, func, insert, nulls_last, or_, select, update

from csvc_core.errors import BadInput, Field, OperationFailed
from csvc_core.model import Text
from csvc_core.store import keyring
from csvc_core.store.access import case_scope, require, visible_case
from csvc_core.store.cases import check_version, user_names
from csvc_core.store.context import Tx
from csvc_core.store.crypto import new_id
from csvc_core.store.due import due_state, overdue_now
from csvc_core.store.records import ACTION_STATUSES, ActionChange, ActionRecord, FollowupItem
from csvc_core.store.schema import action_history, actions, assessments, cases

#: statuses that need a note saying why, and the message when it is missing.
NOTE_NEEDED = {
    "impossible": "error.store.status_note_impossible",
    "not_done": "error.store.status_note_not_done",
}


#: where a case with no level in force (never assessed, or every assessment closed) stands in the queue: its
#: danger is unknown, so after level 4 and 3 cases and before level 2 and 1 (ranks are twice the level).
UNKNOWN_LEVEL_RANK = 5


def danger_rank() -> ColumnElement[int]:
    """The case's place by danger: twice its level, :data:`UNKNOWN_LEVEL_RANK` when no level is in force."""
    return case((cases.c.compromission.is_(None), UNKNOWN_LEVEL_RANK), else_=cases.c.compromission * 2)


def followup(tx: Tx, *, limit: int | None = None, overdue_only: bool = False) -> list[FollowupItem]:
    """Open cases with a re-assessment date, most dangerous first: level (no level in force: between 3 and 2),
    then the most overdue actions, then the earliest re-assessment date (late ones lead). ``overdue_only``:
    those late for their re-assessment or with an overdue action (``due.py``)."""
    require(tx.actor, "case.read")
    late_actions = (
        select(func.count()).where(actions.c.case_id == cases.c.id, overdue_now(tx.now)).scalar_subquery()
    )
    overdue_actions = late_actions.label("overdue_actions")
    query = (
        select(cases.c.id, cases.c.reassess_by, cases.c.compromission, overdue_actions)
        .where(case_scope(tx.actor), cases.c.status == "open", cases.c.reassess_by.is_not(None))
        .order_by(danger_rank().desc(), overdue_actions.desc(), cases.c.reassess_by, cases.c.id)
    )
    if overdue_only:
        query = query.where(or_(cases.c.reassess_by <= tx.now, late_actions > 0))
    if limit is not None:
        query = query.limit(limit)
    items = [
        FollowupItem(
            case=row.id,
            reassess_by=row.reassess_by,
            overdue=row.reassess_by <= tx.now,
            compromission=row.compromission,
            overdue_actions=row.overdue_actions,
        )
        for row in tx.connection.execute(query)
    ]
    tx.audit("followup.list", None, count=len(items))
    return items


def _label(text: str | None) -> Text | None:
    if text is None:
        return None
    data = json.loads(text)
    return Text(fr=data["fr"], en=data["en"])


def _assessed_at(tx: Tx, assessment_ids: set[str]) -> dict[str | None, datetime]:
    if not assessment_ids:
        return {}
    query = select(assessments.c.id, assessments.c.assessed_at).where(assessments.c.id.in_(assessment_ids))
    return {row.id: row.assessed_at for row in tx.connection.execute(query)}


def action_records(
    tx: Tx, rows: Sequence[Row], *, with_history: bool = False, reveal: bool = False
) -> list[ActionRecord]:
    history: dict[str, list[Row]] = {}
    if with_history and rows:
        for change in tx.connection.execute(
            select(action_history)
            .where(action_history.c.action_id.in_([row.id for row in rows]))
            .order_by(action_history.c.at)
        ):
            history.setdefault(change.action_id, []).append(change)
    names = user_names(tx, [change.by for changes in history.values() for change in changes])
    assessed = _assessed_at(tx, {row.assessment_id for row in rows if row.assessment_id is not None})
    return [
        ActionRecord(
            id=row.id,
            case_id=row.case_id,
            assessment_id=row.assessment_id,
            action=row.action,
            sector=row.sector,
            label=_label(row.label),
            mandatory=row.mandatory,
            due=row.due,
            status=row.status,
            overdue=due_state(row.status, row.due, assessed.get(row.assessment_id), tx.now) == "overdue",
            due_now=due_state(row.status, row.due, assessed.get(row.assessment_id), tx.now) == "now",
            proposed_by=row.proposed_by,
            version=row.version,
            history=tuple(
                ActionChange(
                    at=change.at,
                    by=names.get(change.by, change.by),
                    status=change.status,
                    note=tx.unseal_optional(
                        change.note_ct,
                        action_history.c.note_ct,
                        change.id,
                        scope=keyring.of_case(row.case_id),
                    )
                    if reveal
                    else None,
                    assessment=change.assessment_id,
                    due=change.due,
                )
                for change in history.get(row.id, ())
            ),
        )
        for row in rows
    ]


def urgency_order() -> tuple[Any, ...]:
    """Open first, then mandatory, then the earliest due date (undated last)."""
    return (
        (actions.c.status != "open"),
        actions.c.mandatory.desc(),
        nulls_last(actions.c.due.asc()),
        actions.c.sector,
        actions.c.id,
    )


def case_actions(tx: Tx, case_id: str, reveal: bool) -> list[ActionRecord]:
    rows = tx.connection.execute(
        select(actions).where(actions.c.case_id == case_id).order_by(*urgency_order())
    ).all()
    return action_records(tx, rows, with_history=True, reveal=reveal)


def list_actions(
    tx: Tx,
    *,
    case_id: str | None = None,
    sector: str | None = None,
    status: str | None = "open",
    due_before: datetime | None = None,
    overdue: bool = False,
    limit: int = 200,
) -> list[ActionRecord]:
    """Actions of the cases the actor sees, most urgent first; ``overdue``: open and past due now."""
    require(tx.actor, "case.read")
    if status is not None and status not in ACTION_STATUSES:
        raise BadInput(
            key="error.store.unknown_status",
            field=Field("status"),
            status=status,
            statuses=", ".join(ACTION_STATUSES),
        )
    query = select(actions).join(cases, cases.c.id == actions.c.case_id).where(case_scope(tx.actor))
    if case_id is not None:
        visible_case(tx.connection, tx.actor, case_id)
        query = query.where(actions.c.case_id == case_id)
    if sector is not None:
        query = query.where(actions.c.sector == sector)
    if overdue:
        query = query.where(overdue_now(tx.now))
    else:
        if status is not None:
            query = query.where(actions.c.status == status)
        if due_before is not None:
            query = query.where(actions.c.due.is_not(None), actions.c.due <= due_before)
    rows = tx.connection.execute(query.order_by(*urgency_order()).limit(limit)).all()
    tx.audit("action.list", case_id, count=len(rows))
    return action_records(tx, rows)


def set_action_status(
    tx: Tx, action_id: str, status: str, note: str | None = None, expected_version: int | None = None
) -> ActionRecord:
    """Record what became of an action (done, impossible, not done, or open again), with an optional note.

    With ``expected_version``, a save based on an older version is refused (someone changed it meanwhile).
    The plugins are told (``action_status``) once it has committed.
    """
    tx.require_writable()
    require(tx.actor, "case.write")
    if status not in ACTION_STATUSES:
        raise BadInput(
            key="error.store.unknown_status",
            field=Field("status"),
            status=status,
            statuses=", ".join(ACTION_STATUSES),
        )
    row = tx.connection.execute(select(actions).where(actions.c.id == action_id)).first()
    if row is None:
        raise OperationFailed(key="error.store.action_not_found", id=action_id)
    visible_case(tx.connection, tx.actor, row.case_id)
    if status in NOTE_NEEDED and not (note or "").strip():
        raise BadInput(key=NOTE_NEEDED[status], field=Field("note"))
    version = row.version if expected_version is None else expected_version
    result = tx.connection.execute(
        update(actions)
        .where(actions.c.id == action_id, actions.c.version == version)
        .values(status=status, updated_at=tx.now, updated_by=tx.actor.user_id, version=version + 1)
    )
    check_version(result.rowcount, "error.store.stale_action", action_id, version)
    change_id = new_id()
    tx.connection.execute(
        insert(action_history).values(
            id=change_id,
            action_id=action_id,
            at=tx.now,
            by=tx.actor.user_id,
            status=status,
            note_ct=tx.seal_optional(
                note.strip() if note else None,
                action_history.c.note_ct,
                change_id,
                scope=keyring.of_case(row.case_id),
            ),
        )
    )
    tx.audit("action.update", row.case_id, action=action_id, status=status, fields=["note"] if note else [])
    updated = tx.connection.execute(select(actions).where(actions.c.id == action_id)).one()
    tx.notify("action_status", action_id, status, row.case_id)
    return action_records(tx, [updated], with_history=True)[0]
