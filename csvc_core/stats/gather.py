"""The facts of every case the acting user may see, read from plain columns only (nothing is decrypted)."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from sqlalchemy import select

from csvc_core.stats.facts import ActionFacts, AssessmentFacts, CaseFacts, OutcomeFacts
from csvc_core.store.access import case_scope, require
from csvc_core.store.context import Tx
from csvc_core.store.schema import action_history, actions, assessments, case_outcomes, cases

if TYPE_CHECKING:
    from csvc_core.store.session import StoreSession


def session_facts(session: StoreSession) -> list[CaseFacts]:
    """The de-identified facts of every case the session's user sees (nothing is decrypted), in one
    transaction."""
    with session.transaction() as tx:
        return gather(tx)


def gather(tx: Tx) -> list[CaseFacts]:
    """One :class:`CaseFacts` per visible case (assessments, actions, outcomes); no id, name, date of birth or
    free text is read."""
    require(tx.actor, "case.read")
    visible = select(cases.c.id).where(case_scope(tx.actor))
    found: dict[str, list[tuple[str, AssessmentFacts]]] = defaultdict(list)
    for row in tx.connection.execute(
        select(
            assessments.c.id,
            assessments.c.case_id,
            assessments.c.sector,
            assessments.c.instrument_id,
            assessments.c.instrument_version,
            assessments.c.protagonist,
            assessments.c.compromission,
            assessments.c.assessed_at,
            assessments.c.confirmed_at,
            assessments.c.reassess_by,
        )
        .where(assessments.c.case_id.in_(visible))
        .order_by(assessments.c.case_id, assessments.c.assessed_at)
    ):
        found[row.case_id].append(
            (
                row.id,
                AssessmentFacts(
                    row.sector,
                    row.instrument_id,
                    row.protagonist,
                    row.compromission,
                    row.assessed_at,
                    row.confirmed_at,
                    row.reassess_by,
                    row.instrument_version,
                ),
            )
        )
    changes: dict[str, list[tuple]] = defaultdict(list)
    for change in tx.connection.execute(
        select(action_history.c.action_id, action_history.c.at, action_history.c.status)
        .join(actions, actions.c.id == action_history.c.action_id)
        .where(actions.c.case_id.in_(visible))
        .order_by(action_history.c.at)
    ):
        changes[change.action_id].append((change.at, change.status))
    owned: dict[str, list[ActionFacts]] = defaultdict(list)
    positions = {case: {aid: index for index, (aid, _) in enumerate(rows)} for case, rows in found.items()}
    for action in tx.connection.execute(
        select(
            actions.c.id,
            actions.c.case_id,
            actions.c.assessment_id,
            actions.c.sector,
            actions.c.action,
            actions.c.created_at,
            actions.c.due,
        ).where(actions.c.case_id.in_(visible))
    ):
        owned[action.case_id].append(
            ActionFacts(
                action.sector,
                action.created_at,
                action.due,
                positions.get(action.case_id, {}).get(action.assessment_id),
                tuple(changes[action.id]),
                action.action,
            )
        )
    happened: dict[str, list[OutcomeFacts]] = defaultdict(list)
    for outcome in tx.connection.execute(
        select(case_outcomes.c.case_id, case_outcomes.c.kind, case_outcomes.c.occurred_at).where(
            case_outcomes.c.case_id.in_(visible)
        )
    ):
        happened[outcome.case_id].append(OutcomeFacts(outcome.kind, outcome.occurred_at))
    case_ids = [row.id for row in tx.connection.execute(visible)]
    facts = [
        CaseFacts(
            tuple(a for _, a in found.get(case_id, [])),
            tuple(owned.get(case_id, [])),
            tuple(happened.get(case_id, [])),
        )
        for case_id in case_ids
    ]
    tx.audit("stats.read", None, cases=len(facts))
    return facts
