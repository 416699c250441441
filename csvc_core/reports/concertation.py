"""A concertation summary: only the minimum a meeting of partners needs, never a name or a free text.

Held: the case reference, its current level and since when, the criteria that bring it to concertation
(the flags raised and whether a professional raised a level, without her reason), the risk factors by
their shared vocabulary, the sectors involved, the open actions with their owner sector and due date, and
the next re-assessment date. Left out: the case's name, protagonists, contacts, answers, override
reasons, notes.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from csvc_core.framework import Csvc
from csvc_core.i18n import t
from csvc_core.reports.casefile import Labels
from csvc_core.reports.rendering import render


def concertation_context(
    case: Mapping[str, Any], csvc: Csvc, lang: str, generated_at: datetime
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
        "generated_at": generated_at,
    }


def concertation_report(
    case: Mapping[str, Any], csvc: Csvc, *, fmt: str = "html", lang: str = "fr", generated_at: datetime
) -> str:
    return render("concertation", fmt, **concertation_context(case, csvc, lang, generated_at))
