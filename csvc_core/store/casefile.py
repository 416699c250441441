"""One case read in full: its level with provenance, protagonists, assessments, actions, events and
outcomes."""

from __future__ import annotations

from collections.abc import Collection

import attrs
from sqlalchemy import select

from csvc_core.errors import BadInput
from csvc_core.store.access import readable_case, require
from csvc_core.store.assessing import stored_result
from csvc_core.store.cases import case_protagonists, event_records, level_state, summary, user_names
from csvc_core.store.context import Tx
from csvc_core.store.followup import case_actions
from csvc_core.store.outcomes import case_outcome_records
from csvc_core.store.records import REVEAL_GROUPS, AssessmentSummary, CaseDetail
from csvc_core.store.schema import assessments, organisations


def reveal_groups(reveal: bool | Collection[str]) -> list[str]:
    """``True``: every group of :data:`REVEAL_GROUPS`; ``False``: none; else the groups named."""
    if isinstance(reveal, bool):
        return list(REVEAL_GROUPS) if reveal else []
    unknown = [group for group in reveal if group not in REVEAL_GROUPS]
    if unknown:
        groups = ", ".join(REVEAL_GROUPS)
        raise BadInput(key="error.store.reveal_group_unknown", group=unknown[0], groups=groups)
    return [group for group in REVEAL_GROUPS if group in reveal]


def case_detail(
    tx: Tx, case_id: str, *, reveal: bool | Collection[str] = False, results: bool = False
) -> CaseDetail:
    """The case as its reader may see it. ``reveal`` decrypts the label, names, contacts and notes (all of
    them, or the groups named: ``{"label", "names", "notes"}`` leaves safe contacts sealed); ``results``
    adds each assessment's stored result (factors, flags, override and its reason). Both are audited."""
    shown = reveal_groups(reveal)
    require(tx.actor, "case.read")
    row = readable_case(tx.connection, tx.actor, case_id, tx.now)
    stored = {
        a.id: stored_result(tx, a)
        for a in tx.connection.execute(
            select(assessments.c.id, assessments.c.case_id, assessments.c.result_ct).where(
                assessments.c.case_id == case_id
            )
        )
    }
    factors = {
        key: tuple(dict.fromkeys(f["factor"] for f in data.get("factors", [])))
        for key, data in stored.items()
    }
    state = level_state(tx, case_id, factors)
    why = {aside.record.id: aside.why for aside in state.level.set_aside}
    names = user_names(tx, [a.confirmed_by for a in state.assessment_rows])
    summaries = tuple(
        AssessmentSummary(
            id=a.id,
            case_id=case_id,
            instrument=a.instrument_id,
            instrument_version=a.instrument_version,
            protagonist=a.protagonist,
            sector=a.sector,
            level=a.level,
            computed_level=a.computed_level,
            compromission=a.compromission,
            overridden=a.overridden,
            assessed_at=a.assessed_at,
            reassess_by=a.reassess_by,
            by=names.get(a.confirmed_by, a.confirmed_by),
            confirmed_at=a.confirmed_at,
            standing=why.get(a.id, "standing"),
            result=stored.get(a.id) if results else None,
        )
        for a in state.assessment_rows
    )
    organisation = tx.connection.execute(
        select(organisations.c.name).where(organisations.c.id == row.org_id)
    ).scalar_one()
    actions = tuple(case_actions(tx, case_id, "notes" in shown))
    overdue_actions = sum(1 for action in actions if action.overdue)
    detail = CaseDetail(
        summary=attrs.evolve(summary(tx, row, "label" in shown), overdue_actions=overdue_actions),
        organisation=organisation,
        level=state.level,
        protagonists=case_protagonists(tx, case_id, "names" in shown, "contacts" in shown),
        assessments=summaries,
        actions=actions,
        events=event_records(tx, state, "notes" in shown),
        outcomes=case_outcome_records(tx, case_id, "notes" in shown),
    )
    groups = (
        ["level", "assessments", "actions", "events", "outcomes"] + (["results"] if results else []) + shown
    )
    tx.audit("case.read", case_id, fields=groups)
    return detail


def record_print(tx: Tx, case_id: str, *, kind: str, fmt: str, fields: list[str]) -> None:
    """Audit a printout of a case: which report, which format, which field groups (never a value)."""
    require(tx.actor, "case.read")
    readable_case(tx.connection, tx.actor, case_id, tx.now)
    tx.audit("case.print", case_id, kind=kind, format=fmt, fields=fields)
