"""The case level a concertation request carries: taken from the case when the répondant signs the request
off, then kept current while the request is open each time the referring organisation's confirmed level
changes (a new assessment, an assessment closed by a professional), with an audit entry naming both levels.

The level is stored in the request's own row (codes and dates only, nothing to decrypt), so whoever may read
the request reads its urgency without reading the case.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Row, select, update

from csvc_core.sharing import concertation as cell
from csvc_core.sharing.concertation import CarriedLevel
from csvc_core.store.context import Tx
from csvc_core.store.schema import concertations

if TYPE_CHECKING:
    from csvc_core.store.cases import LevelState

#: the request row's columns that hold the carried level, by :class:`CarriedLevel` field.
COLUMNS = {
    "level": "level",
    "assessment": "level_assessment",
    "instrument": "level_instrument",
    "instrument_version": "level_instrument_version",
    "confirmed_by": "level_confirmed_by",
    "confirmed_at": "level_confirmed_at",
    "carried_at": "level_carried_at",
    "previous": "level_previous",
}


def confirmed_level(state: LevelState, now: datetime) -> CarriedLevel | None:
    """The case's standing level as confirmed (the newest assessment holding it), or None without one."""
    if state.level.level is None or not state.level.holders:
        return None
    holder = state.level.holders[0]
    row = next(r for r in state.assessment_rows if r.id == holder.id)
    return CarriedLevel(
        level=state.level.level,
        assessment=row.id,
        instrument=row.instrument_id,
        instrument_version=row.instrument_version,
        confirmed_by=row.confirmed_by,
        confirmed_at=row.confirmed_at,
        carried_at=now,
    )


def from_row(row: Row) -> CarriedLevel | None:
    if row.level is None:
        return None
    return CarriedLevel(**{name: getattr(row, column) for name, column in COLUMNS.items()})


def values(level: CarriedLevel | None) -> dict[str, Any]:
    """The request row's level columns for ``level`` (all None when it carries none)."""
    return {column: None if level is None else getattr(level, name) for name, column in COLUMNS.items()}


def follow(tx: Tx, case_id: str, state: LevelState) -> None:
    """Every open, signed-off request of the acting organisation on ``case_id`` takes the case's confirmed
    level when it changed (same transaction as the change, one audit entry per request)."""
    newer = confirmed_level(state, tx.now)
    if newer is None:
        return  # no level stands any more: a request keeps the last one confirmed
    rows = tx.connection.execute(
        select(concertations).where(
            concertations.c.case_id == case_id,
            concertations.c.org_id == tx.actor.org_id,
            concertations.c.level.is_not(None),
        )
    ).all()
    for row in rows:
        current = from_row(row)
        taken = cell.carry(current, row.state, newer)
        if taken == current or taken is None or current is None:
            continue
        tx.connection.execute(
            update(concertations).where(concertations.c.id == row.id).values(**values(taken))
        )
        tx.audit(
            "concertation.level",
            case_id,
            concertation=row.id,
            level=taken.level,
            previous=current.level,
            assessment=taken.assessment,
        )
