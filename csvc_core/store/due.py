"""When an open action is late. An action due at the moment of its assessment ("now") is to do now for a
grace period, not overdue the minute the assessment is confirmed; any other once its due date passed."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select

from csvc_core.store.schema import actions, assessments

#: how long an action due at its assessment's time stays "to do now" before it is overdue.
DUE_NOW_GRACE = timedelta(hours=24)


def _assessed_at() -> ColumnElement[datetime]:
    query = select(assessments.c.assessed_at).where(assessments.c.id == actions.c.assessment_id)
    return query.scalar_subquery()


def overdue_now(now: datetime) -> ColumnElement[bool]:
    """The condition on ``actions`` of an action still open past its due date (past its grace, when it was due
    at its assessment's time)."""
    return and_(
        actions.c.status == "open",
        actions.c.due.is_not(None),
        or_(
            actions.c.due <= now - DUE_NOW_GRACE,
            and_(
                actions.c.due <= now,
                or_(actions.c.assessment_id.is_(None), actions.c.due > _assessed_at()),
            ),
        ),
    )


def past_due(due: datetime | None, assessed_at: datetime | None, moment: datetime) -> bool:
    """Whether an action due at ``due`` is late at ``moment`` (past its grace, when it was due at its
    assessment's time ``assessed_at``), as :func:`overdue_now` decides."""
    if due is None or due > moment:
        return False
    return assessed_at is None or due > assessed_at or moment >= due + DUE_NOW_GRACE


def due_state(status: str, due: datetime | None, assessed_at: datetime | None, now: datetime) -> str | None:
    """``"overdue"``, ``"now"`` (due at its assessment's time, within the grace) or ``None``, as
    :func:`overdue_now` decides; ``assessed_at``: the time of the action's assessment, if it has one."""
    if status != "open" or due is None or due > now:
        return None
    return "overdue" if past_due(due, assessed_at, now) else "now"
