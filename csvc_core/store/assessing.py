"""Assessments: scored by the framework's pipeline, stored append-only with the instrument as it was.

The store never scores. It calls ``Csvc.assess(..., sector=<the acting organisation's sector>, history=...)``,
keeps the answers and the result (both encrypted: they hold notes and the override's reason), the instrument
definition snapshot (so that re-reading after an instrument upgrade gives the original result), the
recommended actions (against those the case already has, ``recommended.py``), and refreshes the case level —
all in one transaction with its audit entry.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Row, insert, select

from csvc_core.converter import converter
from csvc_core.errors import BadInput, Field, OperationFailed
from csvc_core.framework import Csvc
from csvc_core.instruments import instrument_to_json
from csvc_core.jsonio import answers_to_json, parse_assessment
from csvc_core.model import Instrument, Result
from csvc_core.store import keyring, recommended
from csvc_core.store.access import readable_case, require, visible_case
from csvc_core.store.cases import level_state, refresh_case, user_names
from csvc_core.store.context import Tx
from csvc_core.store.crypto import new_id
from csvc_core.store.records import AssessmentSummary
from csvc_core.store.schema import (
    assessment_closures,
    assessments,
    instrument_snapshots,
)

#: how many earlier assessments of the case are re-read and passed as ``history`` to the pipeline.
HISTORY_DEPTH = 10


def _with_confirmer(payload: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    """The override names the acting professional when the answers file names nobody."""
    override = payload.get("override")
    if isinstance(override, Mapping) and not override.get("by"):
        return {**payload, "override": {**override, "by": name}}
    return payload


def snapshot(tx: Tx, instrument: Instrument) -> str:
    """Keep the instrument definition once per content; returns its digest."""
    definition = json.dumps(
        instrument_to_json(instrument), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    digest = hashlib.sha256(definition.encode()).hexdigest()
    known = tx.connection.execute(
        select(instrument_snapshots.c.digest).where(instrument_snapshots.c.digest == digest)
    ).first()
    if known is None:
        tx.connection.execute(
            insert(instrument_snapshots).values(
                digest=digest, instrument_id=instrument.id, version=instrument.version, definition=definition
            )
        )
    return digest


def load_snapshot(tx: Tx, digest: str) -> Instrument:
    definition = tx.connection.execute(
        select(instrument_snapshots.c.definition).where(instrument_snapshots.c.digest == digest)
    ).scalar_one()
    return converter.structure(json.loads(definition), Instrument)


def reread(tx: Tx, csvc: Csvc, row: Row, history: tuple[Result, ...] = ()) -> Result:
    """The result of a stored assessment, evaluated again with the instrument it was made with."""
    instrument = load_snapshot(tx, row.snapshot)
    answers = tx.unseal_json(
        row.answers_ct, assessments.c.answers_ct, row.id, scope=keyring.of_case(row.case_id)
    )
    assessment = parse_assessment(answers, instrument, source=f"assessment {row.id}")
    return csvc.evaluate(
        instrument, assessment, sector=row.sector, history=history, source=f"assessment {row.id}"
    )


def history_of(tx: Tx, csvc: Csvc, case_id: str) -> tuple[Result, ...]:
    rows = tx.connection.execute(
        select(assessments)
        .where(assessments.c.case_id == case_id)
        .order_by(assessments.c.assessed_at.desc())
        .limit(HISTORY_DEPTH)
    )
    return tuple(reread(tx, csvc, row) for row in rows)


def assess(
    tx: Tx, csvc: Csvc, case_id: str, instrument_id: str, payload: Mapping[str, Any], source: str = "answers"
) -> tuple[str, Result, list[str]]:
    """Score and store one assessment confirmed by the acting user; returns its id, result and the ids of the
    actions its recommendations map to (new, or already in the case)."""
    tx.require_writable()
    require(tx.actor, "case.write")
    case = visible_case(tx.connection, tx.actor, case_id)
    if case.status != "open":
        raise OperationFailed(key="error.store.case_closed_assess", case=case_id)
    if not isinstance(payload, Mapping):
        raise BadInput(key="error.input.object_expected", where=source, got=type(payload).__name__)
    result = csvc.assess(
        instrument_id,
        _with_confirmer(payload, tx.actor.name),
        sector=tx.actor.sector,
        history=history_of(tx, csvc, case_id),
        source=source,
    )
    if result.level is None:
        raise BadInput(
            key="error.input.level_needed", where=f"{source}: $.override", instrument=instrument_id
        )
    assessment_id = new_id()
    scope = keyring.of_case(case_id)
    tx.connection.execute(
        insert(assessments).values(
            id=assessment_id,
            case_id=case_id,
            org_id=case.org_id,
            sector=tx.actor.sector,
            protagonist=result.input.protagonist,
            instrument_id=result.instrument.id,
            instrument_version=result.instrument.version,
            snapshot=snapshot(tx, result.instrument),
            assessed_at=result.assessed_at,
            score=result.score,
            computed_level=result.computed_level,
            level=result.level,
            compromission=result.compromission,
            overridden=result.override is not None,
            complete=result.complete,
            reassess_by=result.reassess_by,
            answers_ct=tx.seal_json(
                answers_to_json(result.input), assessments.c.answers_ct, assessment_id, scope=scope
            ),
            result_ct=tx.seal_json(result.to_json(), assessments.c.result_ct, assessment_id, scope=scope),
            confirmed_by=tx.actor.user_id,
            confirmed_at=tx.now,
        )
    )
    refresh_case(tx, case_id)
    action_ids = recommended.record(tx, case_id, case.org_id, assessment_id, result.actions)
    tx.audit(
        "assessment.add",
        case_id,
        assessment=assessment_id,
        instrument=result.instrument.id,
        version=result.instrument.version,
        actions=action_ids,
    )
    return assessment_id, result, action_ids


def assessment_row(tx: Tx, assessment_id: str, *, write: bool = False) -> Row:
    """The assessment, when its case may be read (``write``: changed) by the acting user."""
    row = tx.connection.execute(select(assessments).where(assessments.c.id == assessment_id)).first()
    if row is None:
        raise OperationFailed(key="error.store.assessment_not_found", id=assessment_id)
    if write:
        visible_case(tx.connection, tx.actor, row.case_id)
    else:
        readable_case(tx.connection, tx.actor, row.case_id, tx.now)
    return row


def close_assessment(tx: Tx, assessment_id: str, reason: str) -> None:
    """A professional's explicit decision that an assessment no longer stands (e.g. a higher level from
    another sector that a new situation answers). Append-only: the assessment itself is never changed."""
    tx.require_writable()
    require(tx.actor, "assessment.close")
    row = assessment_row(tx, assessment_id, write=True)
    if not reason.strip():
        raise BadInput(key="error.store.assessment_close_reason", field=Field("reason"))
    known = tx.connection.execute(
        select(assessment_closures.c.assessment_id).where(
            assessment_closures.c.assessment_id == assessment_id
        )
    ).first()
    if known is not None:
        raise OperationFailed(key="error.store.assessment_already_closed", id=assessment_id)
    tx.connection.execute(
        insert(assessment_closures).values(
            assessment_id=assessment_id,
            closed_by=tx.actor.user_id,
            closed_at=tx.now,
            reason_ct=tx.seal(
                reason.strip(),
                assessment_closures.c.reason_ct,
                assessment_id,
                scope=keyring.of_case(row.case_id),
            ),
        )
    )
    tx.audit("assessment.close", row.case_id, assessment=assessment_id)
    refresh_case(tx, row.case_id)


def reread_assessment(tx: Tx, assessment_id: str) -> Result:
    """A stored assessment evaluated again with the instrument definition it was made with (audited)."""
    row = assessment_row(tx, assessment_id)
    tx.audit("assessment.read", row.case_id, assessment=assessment_id)
    return reread(tx, tx.csvc, row)


def read_result(tx: Tx, assessment_id: str) -> dict[str, Any]:
    """The result object exactly as stored when the assessment was confirmed (audited)."""
    row = assessment_row(tx, assessment_id)
    tx.audit("assessment.read", row.case_id, assessment=assessment_id)
    return stored_result(tx, row)


def stored_result(tx: Tx, row: Row) -> dict[str, Any]:
    """The result object exactly as stored when the assessment was confirmed."""
    data = tx.unseal_json(row.result_ct, assessments.c.result_ct, row.id, scope=keyring.of_case(row.case_id))
    assert isinstance(data, dict)
    return data


def summary_of(tx: Tx, assessment_id: str) -> AssessmentSummary:
    """A stored assessment as listed in a case (its standing as of now)."""
    row = assessment_row(tx, assessment_id)
    state = level_state(tx, row.case_id)
    why = {aside.record.id: aside.why for aside in state.level.set_aside}
    return AssessmentSummary(
        id=row.id,
        case_id=row.case_id,
        instrument=row.instrument_id,
        instrument_version=row.instrument_version,
        protagonist=row.protagonist,
        sector=row.sector,
        level=row.level,
        computed_level=row.computed_level,
        compromission=row.compromission,
        overridden=row.overridden,
        assessed_at=row.assessed_at,
        reassess_by=row.reassess_by,
        by=user_names(tx, [row.confirmed_by]).get(row.confirmed_by, row.confirmed_by),
        confirmed_at=row.confirmed_at,
        standing=why.get(row.id, "standing"),
    )


def preview(
    tx: Tx, case_id: str, instrument_id: str, payload: Mapping[str, Any], source: str = "answers"
) -> Result:
    """What :func:`assess` would record now (same pipeline, sector, case history, confirmer), recording
    nothing."""
    csvc = tx.csvc
    require(tx.actor, "case.read")
    visible_case(tx.connection, tx.actor, case_id)
    if not isinstance(payload, Mapping):
        raise BadInput(key="error.input.object_expected", where=source, got=type(payload).__name__)
    result = csvc.assess(
        instrument_id,
        _with_confirmer(payload, tx.actor.name),
        sector=tx.actor.sector,
        history=history_of(tx, csvc, case_id),
        source=source,
    )
    tx.audit("assessment.preview", case_id, instrument=instrument_id)
    return result
