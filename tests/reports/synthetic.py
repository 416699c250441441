"""A synthetic case, in the shape of ``csvc case show --json`` with results, built from real pipeline results.

Fixed ids and times, so that reports made from it are byte-for-byte stable (golden files). No real person.
"""

from __future__ import annotations

from typing import Any

from csvc_core.framework import Csvc

CANARY = "Zébulonne Canarilla"


def assessment(
    csvc: Csvc,
    number: int,
    sector: str,
    payload: dict[str, Any],
    standing: str = "standing",
    by: str = "intervenante-12",
) -> dict[str, Any]:
    result = csvc.assess("csvc-grid", payload, sector=sector).to_json()
    return {
        "id": f"a{number:031d}",
        "instrument": result["instrument"]["id"],
        "instrument_version": result["instrument"]["version"],
        "protagonist": result["protagonist"],
        "sector": sector,
        "level": result["level"],
        "computed_level": result["computed_level"],
        "compromission": result["compromission"],
        "overridden": result["override"] is not None,
        "assessed_at": result["assessed_at"],
        "reassess_by": result["reassess_by"],
        "by": by,
        "confirmed_at": result["assessed_at"],
        "standing": standing,
        "result": result,
    }


def synthetic_case(csvc: Csvc, label: str | None = None) -> dict[str, Any]:
    """Three assessments by two sectors (one superseded, one raised by a professional), three actions."""
    first = assessment(
        csvc,
        1,
        "police",
        {
            "assessed_at": "2026-02-01T09:30:00-05:00",
            "answers": {
                "coercive_control": "yes",
                "homicide_plan": "no",
                "no_way_out": "no",
                "weapon_acquisition": "no",
            },
        },
        standing="superseded",
        by="agente-7",
    )
    second = assessment(
        csvc,
        2,
        "police",
        {
            "assessed_at": "2026-02-20T14:00:00-05:00",
            "answers": {
                "coercive_control": "yes",
                "separation": "yes",
                "stalking": "yes",
                "homicide_plan": "no",
                "no_way_out": "unknown",
                "weapon_acquisition": "no",
            },
        },
        by="agente-7",
    )
    third = assessment(
        csvc,
        3,
        "shelter",
        {
            "assessed_at": "2026-03-01T10:00:00-05:00",
            "answers": {
                "strangulation": "yes",
                "threats_to_kill": "yes",
                "homicide_plan": "no",
                "no_way_out": "no",
                "weapon_acquisition": "no",
            },
            "override": {
                "level": "imminent",
                "reason": "Elle dit qu'il l'attendra <b>ce soir</b> & qu'il a *tout* prévu.",
                "by": "intervenante-12",
            },
        },
    )
    actions = [
        {
            "id": "c" * 32,
            "case": "b" * 32,
            "assessment": third["id"],
            "action": "emergency_concertation",
            "sector": "csvc",
            "label": next(
                a["label"] for a in third["result"]["actions"] if a["id"] == "emergency_concertation"
            ),
            "mandatory": True,
            "due": "2026-03-03T10:00:00-05:00",
            "status": "done",
            "overdue": False,
            "proposed_by": "csvc_core",
            "version": 2,
            "history": [
                {"at": "2026-03-01T10:05:00-05:00", "by": "intervenante-12", "status": "open", "note": None},
                {"at": "2026-03-02T16:00:00-05:00", "by": "coordonnatrice-3", "status": "done", "note": None},
            ],
        },
        {
            "id": "d" * 32,
            "case": "b" * 32,
            "assessment": second["id"],
            "action": "concertation",
            "sector": "csvc",
            "label": {"fr": "Concertation intersectorielle", "en": "Intersectoral concertation"},
            "mandatory": False,
            "due": "2026-02-27T14:00:00-05:00",
            "status": "open",
            "overdue": True,
            "proposed_by": "csvc_core",
            "version": 1,
            "history": [
                {"at": "2026-02-20T14:05:00-05:00", "by": "agente-7", "status": "open", "note": None}
            ],
        },
    ]
    return {
        "id": "b" * 32,
        "label": label,
        "status": "open",
        "compromission": 4,
        "reassess_by": third["reassess_by"],
        "overdue": False,
        "created_at": "2026-02-01T09:00:00-05:00",
        "version": 3,
        "organisation": "Maison Synthétique",
        "compromission_holders": [third["id"]],
        "protagonists": [],
        "assessments": [third, second, first],
        "actions": actions,
        "events": [
            {
                "id": "e" * 32,
                "kind": "separation",
                "occurred_at": "2026-02-15T00:00:00-05:00",
                "recorded_at": "2026-02-16T09:00:00-05:00",
                "by": "agente-7",
                "note": None,
                "open": False,
            },
        ],
    }


def cell_requests() -> list[dict[str, Any]]:
    """A rapid-intervention-cell request in the store's shape, the canary in its judgement and notes."""
    return [
        {
            "id": "k1",
            "case": "b" * 32,
            "state": "follow_up",
            "criteria": ["professional_judgement", "visible_high_risk"],
            "judgement": f"jugement sur {CANARY}",
            "steps": [
                {
                    "state": "requested",
                    "at": "2026-03-01T11:00:00-05:00",
                    "by": "intervenante-12",
                    "note": f"note {CANARY}",
                }
            ],
            "actions": [
                {
                    "id": "p1",
                    "description": "Patrouille près du domicile",
                    "owner_org": "Police Boréale",
                    "owner_sector": "police",
                    "due": "2026-03-04T10:00:00-05:00",
                    "status": "open",
                    "note": f"note {CANARY}",
                }
            ],
        }
    ]
