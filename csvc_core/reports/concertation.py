"""A concertation summary: only the minimum a meeting of partners needs, never a name or a free text.

Held: the case reference, its current level and since when, the criteria that bring it to concertation
(the flags raised and whether a professional raised a level, without her reason), the risk factors by
their shared vocabulary, the sectors involved, the open actions with their owner sector and due date, and
the next re-assessment date. Left out: the case's name, protagonists, contacts, answers, override
reasons, notes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from csvc_core.framework import Csvc
from csvc_core.i18n import t
from csvc_core.reports.casefile import Labels
from csvc_core.reports.rendering import render


def _cell(request: Mapping[str, Any], labels: Labels) -> dict[str, Any]:
    """A rapid-intervention-cell request as the meeting needs it: criteria, state, the plan's actions."""

    def owner(action: Mapping[str, Any]) -> str:
        return f"{action.get('owner_org') or ''} ({labels.sector(action.get('owner_sector') or '')})"

    return {
        "state": labels.word("cell_state", request.get("state")),
        "criteria": [labels.word("criterion", code) for code in request.get("criteria", [])],
        "actions": [
            {
                "description": action.get("description") or "",
                "owner": owner(action),
                "due": action.get("due"),
                "status": labels.word("status", action.get("status")),
            }
            for action in request.get("actions", [])
        ],
    }


def concertation_context(
    case: Mapping[str, Any],
    csvc: Csvc,
    lang: str,
    generated_at: datetime,
    cell: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    labels = Labels(csvc, lang)
    standing = [a for a in case.get("assessments", []) if a.get("standing", "standing") == "standing"]
    flags: dict[str, str] = {}
    factors: dict[str, str] = {}
    raised = False
    for assessment in standing:
        result = assessment.get("result") or {}
        for flag in result.get("flags", []):
            flags.setdefault(flag["id"], labels.text(flag.get("label"), flag["id"]))
        for factor in result.get("factors", []):
            factors.setdefault(factor["factor"], labels.factor(factor["factor"]))
        raised = raised or bool(assessment.get("overridden"))
    holders = [a for a in standing if a.get("compromission") == case.get("compromission")]
    return {
        "lang": lang,
        "case_id": case["id"],
        "level": labels.compromission(case.get("compromission")),
        "since": min((a["assessed_at"] for a in holders), default=None),
        "criteria": list(flags.values()) + ([t("report.concertation.raised", lang)] if raised else []),
        "factors": sorted(factors.values()),
        "sectors": sorted({labels.sector(a["sector"]) for a in standing}),
        "actions": [
            {
                "label": labels.text(a.get("label"), a["action"]),
                "sector": labels.sector(a["sector"]),
                "due": a.get("due"),
                "overdue": bool(a.get("overdue")),
            }
            for a in case.get("actions", [])
            if a.get("status") == "open"
        ],
        "reassess_by": case.get("reassess_by"),
        "cell": [_cell(request, labels) for request in cell],
        "generated_at": generated_at,
    }


def concertation_report(
    case: Mapping[str, Any],
    csvc: Csvc,
    *,
    fmt: str = "html",
    lang: str = "fr",
    generated_at: datetime,
    cell: Sequence[Mapping[str, Any]] = (),
) -> str:
    """The summary; ``cell`` holds the case's rapid-intervention-cell requests (the store's concertation
    records), whose criteria, state and concerted plan are added."""
    return render("concertation", fmt, **concertation_context(case, csvc, lang, generated_at, cell))
