"""Outcomes: what happened on a case after its assessments (a new incident, its date, its source), recorded
append-only by the owning organisation, its note sealed under the case key; what the validity report reads."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select

from csvc_core.errors import BadInput, Field
from csvc_core.store import keyring
from csvc_core.store.access import require, visible_case
from csvc_core.store.cases import user_names
from csvc_core.store.context import Tx
from csvc_core.store.crypto import new_id
from csvc_core.store.records import OUTCOME_KINDS, OUTCOME_SOURCES, CaseOutcome
from csvc_core.store.schema import case_outcomes


def record_outcome(
    tx: Tx, case_id: str, kind: str, source: str, occurred_at: datetime | None = None, note: str | None = None
) -> str:
    """A new outcome on a case its organisation owns, open or closed (what follows a closure counts too);
    ``occurred_at`` defaults to now."""
    tx.require_writable()
    require(tx.actor, "case.write")
    row = visible_case(tx.connection, tx.actor, case_id)
    if kind not in OUTCOME_KINDS:
        raise BadInput(
            key="error.store.unknown_outcome", field=Field("kind"), kind=kind, kinds=", ".join(OUTCOME_KINDS)
        )
    if source not in OUTCOME_SOURCES:
        raise BadInput(
            key="error.store.unknown_outcome_source",
            field=Field("source"),
            source=source,
            sources=", ".join(OUTCOME_SOURCES),
        )
    occurred_at = occurred_at or tx.now
    if occurred_at.tzinfo is None:
        raise BadInput(key="error.store.occurred_at_offset", field=Field("occurred_at"))
    if occurred_at > tx.now:
        raise BadInput(
            key="error.store.outcome_in_future", field=Field("occurred_at"), at=occurred_at.isoformat()
        )
    outcome_id = new_id()
    tx.connection.execute(
        insert(case_outcomes).values(
            id=outcome_id,
            case_id=case_id,
            org_id=row.org_id,
            kind=kind,
            source=source,
            occurred_at=occurred_at,
            recorded_at=tx.now,
            recorded_by=tx.actor.user_id,
            note_ct=tx.seal_optional(
                note or None, case_outcomes.c.note_ct, outcome_id, scope=keyring.of_case(case_id)
            ),
        )
    )
    tx.audit(
        "outcome.add", case_id, outcome=outcome_id, kind=kind, source=source, fields=["note"] if note else []
    )
    return outcome_id


def case_outcome_records(tx: Tx, case_id: str, reveal: bool) -> tuple[CaseOutcome, ...]:
    """The case's outcomes, latest incident first; notes decrypted with ``reveal`` only (the caller checked
    the case is readable and audits the read)."""
    rows = tx.connection.execute(
        select(case_outcomes)
        .where(case_outcomes.c.case_id == case_id)
        .order_by(case_outcomes.c.occurred_at.desc(), case_outcomes.c.recorded_at.desc())
    ).all()
    names = user_names(tx, [row.recorded_by for row in rows])
    return tuple(
        CaseOutcome(
            id=row.id,
            kind=row.kind,
            source=row.source,
            occurred_at=row.occurred_at,
            recorded_at=row.recorded_at,
            by=names.get(row.recorded_by, row.recorded_by),
            note=(
                tx.unseal_optional(
                    row.note_ct, case_outcomes.c.note_ct, row.id, scope=keyring.of_case(case_id)
                )
                if reveal
                else None
            ),
        )
        for row in rows
    )
