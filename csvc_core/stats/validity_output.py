"""The validity report written as CSV (one measure a line), JSON, or HTML with a chart per instrument
(inline SVG, nothing fetched). A suppressed value is empty in CSV, ``null`` in JSON, ``*`` in HTML."""

from __future__ import annotations

import csv
import io
import json
from typing import Any
from xml.sax.saxutils import escape

from csvc_core.i18n import t
from csvc_core.reports.chart import PALETTE
from csvc_core.reports.rendering import render


def to_csv(report: dict[str, Any]) -> str:
    """``table,instrument,version,level,measure,value,suppressed`` lines; a suppressed ``value`` is empty."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["table", "instrument", "version", "level", "measure", "value", "suppressed"])

    def line(table: str, instrument: str, version: str, level: object, measure: str, value: object) -> None:
        shown = "" if value is None else value
        writer.writerow([table, instrument, version, level, measure, shown, str(value is None).lower()])

    line("period", "", "", "", "from", report["period"]["from"])
    line("period", "", "", "", "to", report["period"]["to"])
    line("window", "", "", "", "days", report["window_days"])
    line("suppression", "", "", "", "threshold", report["threshold"])
    for item in report["instruments"]:
        name, version = item["instrument"], item["version"]
        for measure in ("assessments", "with_outcome", "auc"):
            line("instrument", name, version, "all", measure, item[measure])
        interval = item["auc_interval"] or [None, None]
        line("instrument", name, version, "all", "auc_low", interval[0])
        line("instrument", name, version, "all", "auc_high", interval[1])
        for level in item["levels"]:
            for measure in ("assessments", "with_outcome", "rate"):
                line("level", name, version, level["level"], measure, level[measure])
            bounds = level["rate_interval"] or [None, None]
            line("level", name, version, level["level"], "rate_low", bounds[0])
            line("level", name, version, level["level"], "rate_high", bounds[1])
            for kind, rate in level["kinds"].items():
                line("level", name, version, level["level"], f"rate.{kind}", rate)
    for pair in report["agreement"]:
        sectors = "+".join(pair["sectors"])
        line("agreement", sectors, "", "", "pairs", pair["pairs"])
        line("agreement", sectors, "", "", "kappa", pair["kappa"])
    return out.getvalue()


def rate_chart(item: dict[str, Any], lang: str) -> str:
    """Bars: the outcome rate at each level (0 to 100 %), a whisker for its 95 % interval; a hidden rate is
    named, not drawn."""
    width, height, left, bottom, top = 420, 220, 50, 30, 20
    plot = height - bottom - top
    title = t("validity.chart_title", lang)
    step = (width - left - 10) / len(item["levels"])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot}" stroke="#333"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" font-size="11">100 %</text>',
        f'<text x="{left - 6}" y="{top + plot}" text-anchor="end" font-size="11">0</text>',
    ]

    def y(percent: float) -> float:
        return top + plot * (1 - percent / 100)

    for index, level in enumerate(item["levels"]):
        x = left + index * step + step * 0.2
        label_at = x + step * 0.3
        parts.append(
            f'<text x="{label_at:.1f}" y="{height - 10}" text-anchor="middle" font-size="12">'
            f"{level['level']}</text>"
        )
        rate = level["rate"]
        if rate is None:
            parts.append(
                f'<text x="{label_at:.1f}" y="{top + plot - 4}" text-anchor="middle" font-size="11">*</text>'
            )
            continue
        colour = PALETTE[index % len(PALETTE)]
        parts.append(
            f'<rect x="{x:.1f}" y="{y(rate):.1f}" width="{step * 0.6:.1f}" '
            f'height="{top + plot - y(rate):.1f}" '
            f'fill="{colour}"><title>{level["level"]}: {rate} %</title></rect>'
        )
        low, high = level["rate_interval"]
        parts.append(
            f'<line x1="{label_at:.1f}" y1="{y(high):.1f}" x2="{label_at:.1f}" y2="{y(low):.1f}" '
            'stroke="#000"/>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def write(report: dict[str, Any], fmt: str, lang: str = "fr") -> str:
    if fmt == "csv":
        return to_csv(report)
    if fmt == "json":
        return json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    charts = [rate_chart(item, lang) for item in report["instruments"]]
    return render("validity", "html", lang=lang, report=report, charts=charts)
