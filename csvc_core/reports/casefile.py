"""The case report: every sector's assessments, the levels and their trend, factors, overrides and reasons,
actions and their status, events and re-assessment dates.

:func:`case_report` takes the JSON of ``csvc case show --json`` with each assessment's stored result (what
:func:`csvc_core.store` gives with ``results=True``) and turns ids into words with the framework's catalogue.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from csvc_core.explanation import explain
from csvc_core.framework import Csvc
from csvc_core.i18n import t
from csvc_core.model import Factor, Instrument
from csvc_core.reports.chart import Point, trend_svg
from csvc_core.reports.rendering import render
from csvc_core.scale import load_scale


class Labels:
    """Words for the ids a case holds, in one language; an id nobody knows stays as it is."""

    def __init__(self, csvc: Csvc, lang: str) -> None:
        self.csvc, self.lang = csvc, lang
        self.scale = {level.rank: level for level in load_scale()}

    def sector(self, sector_id: str) -> str:
        sector = self.csvc.sectors.get(sector_id)
        return sector.name.get(self.lang) if sector else sector_id

    def instrument(self, instrument_id: str) -> Instrument | None:
        return self.csvc.catalogue.instruments.get(instrument_id)

    def instrument_title(self, instrument_id: str) -> str:
        instrument = self.instrument(instrument_id)
        return instrument.title.get(self.lang) if instrument else instrument_id

    def level(self, instrument_id: str, level_id: str | None) -> str:
        if level_id is None:
            return t("report.none", self.lang)
        instrument = self.instrument(instrument_id)
        level = instrument.level(level_id) if instrument else None
        return level.label.get(self.lang) if level else level_id

    def item(self, instrument_id: str, item_id: str) -> str:
        instrument = self.instrument(instrument_id)
        item = instrument.item(item_id) if instrument else None
        return item.label.get(self.lang) if item else item_id

    def factor(self, code: str) -> str:
        text = self.csvc.vocabulary.get(code)
        return text.get(self.lang) if text else code

    def compromission(self, rank: int | None) -> str:
        if rank is None:
            return t("report.no_level", self.lang)
        level = self.scale.get(rank)
        return f"{rank}/4 — {level.label.get(self.lang)}" if level else f"{rank}/4"

    def text(self, label: Mapping[str, str] | None, fallback: str) -> str:
        return label.get(self.lang) or label.get("fr") or fallback if label else fallback

    def word(self, group: str, key: str | None) -> str:
        """A catalogue word such as ``report.status.open``; the key itself when the catalogue has none."""
        if key is None:
            return t("report.none", self.lang)
        full = f"report.{group}.{key}"
        text = t(full, self.lang)
        return key if text == full else text


def _assessment(data: Mapping[str, Any], labels: Labels) -> dict[str, Any]:
    instrument = data["instrument"]
    result = data.get("result") or {}
    override = result.get("override")
    return {
        "id": data["id"],
        "assessed_at": data["assessed_at"],
        "sector": labels.sector(data["sector"]),
        "instrument": labels.instrument_title(instrument),
        "version": data.get("instrument_version", ""),
        "protagonist": labels.word("protagonist", data.get("protagonist")),
        "computed_level": labels.level(instrument, data.get("computed_level")),
        "level": labels.level(instrument, data["level"]),
        "compromission": labels.compromission(data.get("compromission")),
        "overridden": bool(data.get("overridden") or override),
        "override": override,
        "score": result.get("score"),
        "explanation": _explanation(data, result, labels),
        "complete": result.get("complete", True),
        "missing": [labels.item(instrument, item) for item in result.get("missing", [])],
        "factors": [
            {
                "item": labels.item(instrument, f["item"]),
                "factor": labels.factor(f["factor"]),
                "contribution": f.get("contribution"),
            }
            for f in result.get("factors", [])
        ],
        "flags": [
            {
                "label": labels.text(flag.get("label"), flag["id"]),
                "about": [labels.item(instrument, item) for item in flag.get("items", [])],
            }
            for flag in result.get("flags", [])
        ],
        "reassess_by": data.get("reassess_by"),
        "by": _confirmed_by(data, result, labels.lang),
        "standing": labels.word("standing", data.get("standing")),
        "is_standing": data.get("standing", "standing") == "standing",
    }


def _explanation(data: Mapping[str, Any], result: Mapping[str, Any], labels: Labels) -> list[str]:
    """What the instrument's rule did, in sentences (none when the instrument is no longer known)."""
    instrument = labels.instrument(data["instrument"])
    if instrument is None or not result.get("rule"):
        return []
    factors = [Factor(f["item"], f["factor"], f.get("contribution") or 0) for f in result.get("factors", [])]
    score, computed = result.get("score"), data.get("computed_level")
    return explain(instrument, result["rule"], score, computed, factors, labels.lang).lines()


def _confirmed_by(data: Mapping[str, Any], result: Mapping[str, Any], lang: str) -> str | None:
    """Who confirmed it; for an assessment imported from a partner, who did there, and who imported it."""
    origin = result.get("imported_from")
    if not isinstance(origin, Mapping):
        return data.get("by")
    return t(
        "report.imported_by",
        lang,
        by=origin.get("by") or "?",
        organisation=origin.get("organisation") or "?",
        importer=data.get("by") or "?",
    )


def _action(data: Mapping[str, Any], labels: Labels) -> dict[str, Any]:
    return {
        "label": labels.text(data.get("label"), data["action"]),
        "sector": labels.sector(data["sector"]),
        "due": data.get("due"),
        "status": labels.word("status", data["status"]),
        "overdue": bool(data.get("overdue")),
        "mandatory": bool(data.get("mandatory")),
        "history": [
            {
                "at": change["at"],
                "by": change.get("by"),
                "status": labels.word("status", change["status"]),
                "note": change.get("note"),
            }
            for change in data.get("history", [])
        ],
    }


def _urgency(action: Mapping[str, Any]) -> tuple[bool, bool, bool, float, str, str]:
    """Open first, then mandatory, then the earliest due (undated last), then sector and action: stable."""
    due = action.get("due")
    return (
        action.get("status") != "open",
        not action.get("mandatory"),
        due is None,
        datetime.fromisoformat(due).timestamp() if due else 0.0,
        action["sector"],
        action["action"],
    )


def case_report_context(
    case: Mapping[str, Any], csvc: Csvc, lang: str, generated_at: datetime, generated_by: str
) -> dict[str, Any]:
    """Everything the case report templates show, in words of ``lang``."""
    labels = Labels(csvc, lang)
    assessments = [_assessment(a, labels) for a in case.get("assessments", [])]
    points = [
        Point(datetime.fromisoformat(a["assessed_at"]), a["compromission"], labels.sector(a["sector"]))
        for a in case.get("assessments", [])
        if a.get("compromission") is not None
    ]
    scale = [labels.scale[rank].label.get(lang) for rank in sorted(labels.scale)]
    trend = sorted(points, key=lambda point: point.at)
    chart = trend_svg(trend, scale, t("report.trend", lang), t("report.trend_desc", lang, count=len(trend)))
    return {
        "lang": lang,
        "case": {
            "id": case["id"],
            "label": case.get("label"),
            "organisation": case.get("organisation"),
            "status": labels.word("case_status", case.get("status")),
            "created_at": case.get("created_at"),
        },
        "level": {
            "compromission": labels.compromission(case.get("compromission")),
            "rank": case.get("compromission"),
            "reassess_by": case.get("reassess_by"),
            "overdue": bool(case.get("overdue")),
        },
        "assessments": assessments,
        "trend": [{"at": p.at, "sector": p.series, "compromission": p.compromission} for p in trend],
        "chart": chart,
        "scale": scale,
        "actions": [_action(a, labels) for a in sorted(case.get("actions", []), key=_urgency)],
        "events": [
            {
                "kind": labels.word("event", e["kind"]),
                "occurred_at": e["occurred_at"],
                "open": bool(e.get("open")),
            }
            for e in case.get("events", [])
        ],
        "generated_at": generated_at,
        "generated_by": generated_by,
    }


def case_report(
    case: Mapping[str, Any],
    csvc: Csvc,
    *,
    fmt: str = "html",
    lang: str = "fr",
    generated_at: datetime,
    generated_by: str,
) -> str:
    """The case report as HTML or Markdown."""
    return render("case", fmt, **case_report_context(case, csvc, lang, generated_at, generated_by))
