"""A case as named fields, each in one category of information: what a share or a disclosure can carry.

Field names say what they hold, never a value: ``label``, ``compromission``, ``assessments``,
``assessment_factors``, ``actions``, ``events``, and for each protagonist ``<role>.<n>.name``,
``<role>.<n>.contact`` and ``<role>.<n>.safe_contact`` (children's fields are in the ``children`` category).
"""

from __future__ import annotations

from typing import Any

from csvc_core.store.records import CaseDetail

CASE_FIELDS: dict[str, str] = {
    "label": "identity",
    "compromission": "risk_level",
    "assessments": "risk_level",
    "assessment_factors": "assessment",
    "actions": "safety_plan",
    "events": "history",
}
PROTAGONIST_FIELDS: dict[str, str] = {
    "name": "identity",
    "contact": "contact",
    "safe_contact": "safe_contact",
}


def _protagonist_fields(detail: CaseDetail) -> dict[str, tuple[str, Any]]:
    found: dict[str, tuple[str, Any]] = {}
    counts: dict[str, int] = {}
    for person in detail.protagonists:
        counts[person.role] = counts.get(person.role, 0) + 1
        prefix = f"{person.role}.{counts[person.role]}"
        contact = person.contact.to_json() if person.contact else None
        values = {
            "name": person.name,
            "contact": {key: contact[key] for key in ("phone", "address")} if contact else None,
            "safe_contact": {
                "safe_to_call": person.safe_to_call,
                "partner_knows": person.partner_knows,
                "safe_times": contact["safe_times"] if contact else None,
                "channels": contact["channels"] if contact else [],
            },
        }
        for field, category in PROTAGONIST_FIELDS.items():
            found[f"{prefix}.{field}"] = ("children" if person.role == "child" else category, values[field])
    return found


def case_fields(detail: CaseDetail) -> dict[str, tuple[str, Any]]:
    """Field name -> (category, value), from a case read with ``reveal`` and ``results``."""
    factors = [
        {
            "instrument": a.instrument,
            "assessed_at": a.to_json()["assessed_at"],
            "factors": [f["factor"] for f in (a.result or {}).get("factors", [])],
        }
        for a in detail.assessments
    ]
    values: dict[str, Any] = {
        "label": detail.summary.label,
        "compromission": detail.compromission,
        "assessments": [
            {
                key: a.to_json()[key]
                for key in ("instrument", "sector", "level", "compromission", "assessed_at")
            }
            for a in detail.assessments
        ],
        "assessment_factors": factors,
        "actions": [a.to_json() for a in detail.actions],
        "events": [e.to_json() for e in detail.events],
    }
    fields = {name: (category, values[name]) for name, category in CASE_FIELDS.items()}
    fields.update(_protagonist_fields(detail))
    return fields


def field_names(detail: CaseDetail) -> dict[str, str]:
    """Field name -> category (no value), in the order they are offered."""
    return {name: category for name, (category, _) in case_fields(detail).items()}
