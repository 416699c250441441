"""The actions an assessment recommends, recorded against those the case already has.

An action already open for the case (same action, same owner sector) is kept, not repeated: its due date moves
earlier when the new one is sooner. One the worker declined (``not_done`` or ``impossible``) comes back only
when the case level rose since she declined it. Every recommendation is written in the action's history with
the assessment that made it, so the stored records say which action each recommendation maps to.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Row, insert, select, update

from csvc_core.model import Action
from csvc_core.store.cases import level_at
from csvc_core.store.context import Tx
from csvc_core.store.crypto import new_id
from csvc_core.store.schema import action_history, actions

#: statuses of an action the worker declined, with her note.
DECLINED = ("not_done", "impossible")


def _sooner(new: datetime | None, current: datetime | None) -> bool:
    return new is not None and (current is None or new < current)


def _latest(tx: Tx, case_id: str, action: Action) -> Row | None:
    """The case's open action of that kind if there is one, else its newest one."""
    rows = tx.connection.execute(
        select(actions)
        .where(actions.c.case_id == case_id, actions.c.action == action.id, actions.c.sector == action.sector)
        .order_by(actions.c.created_at.desc(), actions.c.id)
    ).all()
    return next((row for row in rows if row.status == "open"), rows[0] if rows else None)


def _history(tx: Tx, action_id: str, status: str, assessment_id: str, due: datetime | None) -> None:
    tx.connection.execute(
        insert(action_history).values(
            id=new_id(),
            action_id=action_id,
            at=tx.now,
            by=tx.actor.user_id,
            status=status,
            note_ct=None,
            assessment_id=assessment_id,
            due=due,
        )
    )


def _add(tx: Tx, case_id: str, org_id: str, assessment_id: str, action: Action) -> str:
    action_id = new_id()
    text = {"fr": action.label.fr, "en": action.label.en} if action.label else None
    label = json.dumps(text, ensure_ascii=False) if text else None
    tx.connection.execute(
        insert(actions).values(
            id=action_id,
            case_id=case_id,
            org_id=org_id,
            assessment_id=assessment_id,
            action=action.id,
            sector=action.sector,
            label=label,
            mandatory=action.mandatory,
            due=action.due,
            status="open",
            proposed_by=action.proposed_by,
            created_at=tx.now,
            updated_at=tx.now,
            updated_by=tx.actor.user_id,
            version=1,
        )
    )
    _history(tx, action_id, "open", assessment_id, action.due)
    return action_id


def _move_due(tx: Tx, row: Row, assessment_id: str, due: datetime) -> None:
    tx.connection.execute(
        update(actions)
        .where(actions.c.id == row.id)
        .values(due=due, updated_at=tx.now, updated_by=tx.actor.user_id, version=row.version + 1)
    )
    before = row.due.isoformat() if row.due else None
    after = due.isoformat()
    tx.audit("action.due", row.case_id, action=row.id, assessment=assessment_id, before=before, after=after)


def record(
    tx: Tx, case_id: str, org_id: str, assessment_id: str, recommended: tuple[Action, ...]
) -> list[str]:
    """Record the assessment's recommended actions (the case level already refreshed with it); returns, in
    their order, the action each one maps to (new, kept open, or declined and left so)."""
    mapped = []
    for action in recommended:
        row = _latest(tx, case_id, action)
        if row is not None and row.status == "open":
            due = action.due if _sooner(action.due, row.due) else None
            if due is not None:
                _move_due(tx, row, assessment_id, due)
            _history(tx, row.id, "open", assessment_id, due)
            mapped.append(row.id)
        elif row is not None and row.status in DECLINED and not _rose_since(tx, case_id, row.updated_at):
            _history(tx, row.id, row.status, assessment_id, None)
            mapped.append(row.id)
        else:
            mapped.append(_add(tx, case_id, org_id, assessment_id, action))
    return mapped


def _rose_since(tx: Tx, case_id: str, declined_at: datetime) -> bool:
    now, then = level_at(tx, case_id, tx.now), level_at(tx, case_id, declined_at)
    return (now or 0) > (then or 0)
