"""What a package carries: one case, read from the store for the acting user, by information category.

Categories (names of :mod:`csvc_core.sharing.categories`):

- ``assessment`` — every assessment whole: instrument snapshot, sector, levels, dates, answers and result
  (factors, flags, override and its reason), closures;
- ``safety_plan`` — the actions, their owner sector, due date, status and history;
- ``history`` — the events (new incident, separation, release, breach of conditions) and their notes;
- ``identity`` — the case's name and the protagonists' names;
- ``contact`` — the protagonists' contact details; ``safe_contact`` — whether it is safe to call, and
  whether the partner knows of the service.

Nothing outside the chosen categories is read. Names of staff travel as names (they sign what they did).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from csvc_core.errors import BadInput, Field
from csvc_core.store import keyring
from csvc_core.store.access import require, visible_case
from csvc_core.store.cases import user_names
from csvc_core.store.context import Tx
from csvc_core.store.schema import (
    action_history,
    actions,
    assessment_closures,
    assessments,
    case_events,
    cases,
    instrument_snapshots,
    organisations,
    protagonists,
)

CONTENT_VERSION = 1
CATEGORIES = ("assessment", "safety_plan", "history", "identity", "contact", "safe_contact")


def iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def check_categories(chosen: Iterable[str]) -> tuple[str, ...]:
    picked = tuple(dict.fromkeys(chosen))
    unknown = [name for name in picked if name not in CATEGORIES]
    if unknown:
        raise BadInput(
            key="error.exchange.unknown_category",
            field=Field("categories"),
            value=unknown[0],
            known=", ".join(CATEGORIES),
        )
    return picked or CATEGORIES


def case_content(tx: Tx, case_id: str, categories: tuple[str, ...]) -> dict[str, Any]:
    """The package content for ``case_id`` with only ``categories``; the read is the caller's to audit."""
    require(tx.actor, "case.read")
    case = visible_case(tx.connection, tx.actor, case_id)
    org = tx.connection.execute(select(organisations).where(organisations.c.id == case.org_id)).one()
    content: dict[str, Any] = {
        "content_version": CONTENT_VERSION,
        "categories": list(categories),
        "case": {
            "id": case.id,
            "status": case.status,
            "created_at": iso(case.created_at),
            "organisation": org.name,
            "sector": org.sector,
            "label": tx.unseal(case.label_ct, cases.c.label_ct, case.id, scope=keyring.of_case(case.id))
            if "identity" in categories
            else None,
        },
    }
    if "assessment" in categories:
        content["instruments"], content["assessments"] = _assessments(tx, case_id)
    if "safety_plan" in categories:
        content["actions"] = _actions(tx, case_id)
    if "history" in categories:
        content["events"] = _events(tx, case_id)
    if {"identity", "contact", "safe_contact"} & set(categories):
        content["protagonists"] = _protagonists(tx, case_id, categories)
    return content


def _assessments(tx: Tx, case_id: str) -> tuple[dict[str, str], list[dict[str, Any]]]:
    rows = tx.connection.execute(
        select(assessments).where(assessments.c.case_id == case_id).order_by(assessments.c.assessed_at)
    ).all()
    names = user_names(tx, [row.confirmed_by for row in rows])
    closures = {
        row.assessment_id: row
        for row in tx.connection.execute(
            select(assessment_closures).where(assessment_closures.c.assessment_id.in_([r.id for r in rows]))
        )
    }
    closers = user_names(tx, [row.closed_by for row in closures.values()])
    scope = keyring.of_case(case_id)
    digests = sorted({row.snapshot for row in rows})
    instruments = {
        row.digest: row.definition
        for row in tx.connection.execute(
            select(instrument_snapshots).where(instrument_snapshots.c.digest.in_(digests))
        )
    }
    found = []
    for row in rows:
        closure = closures.get(row.id)
        found.append(
            {
                "id": row.id,
                "sector": row.sector,
                "protagonist": row.protagonist,
                "instrument": row.instrument_id,
                "instrument_version": row.instrument_version,
                "snapshot": row.snapshot,
                "assessed_at": iso(row.assessed_at),
                "confirmed_at": iso(row.confirmed_at),
                "confirmed_by": names.get(row.confirmed_by, row.confirmed_by),
                "level": row.level,
                "computed_level": row.computed_level,
                "compromission": row.compromission,
                "reassess_by": iso(row.reassess_by),
                "answers": tx.unseal_json(row.answers_ct, assessments.c.answers_ct, row.id, scope=scope),
                "result": tx.unseal_json(row.result_ct, assessments.c.result_ct, row.id, scope=scope),
                "closure": None
                if closure is None
                else {
                    "at": iso(closure.closed_at),
                    "by": closers.get(closure.closed_by, closure.closed_by),
                    "reason": tx.unseal(
                        closure.reason_ct, assessment_closures.c.reason_ct, row.id, scope=scope
                    ),
                },
            }
        )
    return instruments, found


def _actions(tx: Tx, case_id: str) -> list[dict[str, Any]]:
    rows = tx.connection.execute(
        select(actions).where(actions.c.case_id == case_id).order_by(actions.c.created_at, actions.c.id)
    ).all()
    history: dict[str, list[Any]] = {}
    for change in tx.connection.execute(
        select(action_history)
        .where(action_history.c.action_id.in_([row.id for row in rows]))
        .order_by(action_history.c.at)
    ):
        history.setdefault(change.action_id, []).append(change)
    names = user_names(tx, [c.by for changes in history.values() for c in changes])
    return [
        {
            "id": row.id,
            "assessment": row.assessment_id,
            "action": row.action,
            "sector": row.sector,
            "label": json.loads(row.label) if row.label else None,
            "mandatory": row.mandatory,
            "due": iso(row.due),
            "status": row.status,
            "proposed_by": row.proposed_by,
            "created_at": iso(row.created_at),
            "history": [
                {
                    "at": iso(change.at),
                    "by": names.get(change.by, change.by),
                    "status": change.status,
                    "note": tx.unseal_optional(
                        change.note_ct, action_history.c.note_ct, change.id, scope=keyring.of_case(case_id)
                    ),
                }
                for change in history.get(row.id, [])
            ],
        }
        for row in rows
    ]


def _events(tx: Tx, case_id: str) -> list[dict[str, Any]]:
    rows = tx.connection.execute(
        select(case_events).where(case_events.c.case_id == case_id).order_by(case_events.c.recorded_at)
    ).all()
    names = user_names(tx, [row.recorded_by for row in rows])
    return [
        {
            "id": row.id,
            "kind": row.kind,
            "occurred_at": iso(row.occurred_at),
            "recorded_at": iso(row.recorded_at),
            "recorded_by": names.get(row.recorded_by, row.recorded_by),
            "note": tx.unseal_optional(
                row.note_ct, case_events.c.note_ct, row.id, scope=keyring.of_case(case_id)
            ),
        }
        for row in rows
    ]


def _protagonists(tx: Tx, case_id: str, categories: tuple[str, ...]) -> list[dict[str, Any]]:
    rows = tx.connection.execute(
        select(protagonists).where(protagonists.c.case_id == case_id).order_by(protagonists.c.created_at)
    ).all()
    found = []
    for row in rows:
        item: dict[str, Any] = {"id": row.id, "role": row.role}
        if "identity" in categories:
            item["name"] = tx.unseal_optional(
                row.name_ct, protagonists.c.name_ct, row.id, scope=keyring.of_case(case_id)
            )
        if "contact" in categories:
            contact = tx.unseal_optional(
                row.contact_ct, protagonists.c.contact_ct, row.id, scope=keyring.of_case(case_id)
            )
            item["contact"] = json.loads(contact) if contact else None
        if "safe_contact" in categories:
            item["safe_to_call"] = row.safe_to_call
            item["partner_knows"] = row.partner_knows
        found.append(item)
    return found
