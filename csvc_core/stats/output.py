"""Statistics written as CSV (one measure a line), JSON, or HTML with a chart. A suppressed cell is empty."""

from __future__ import annotations

import csv
import io
import json
from xml.sax.saxutils import escape

from csvc_core.i18n import t
from csvc_core.reports.chart import PALETTE
from csvc_core.reports.rendering import render
from csvc_core.stats.compute import LEVELS, Statistics, Table, to_json

FORMATS = ("csv", "json", "html")


def to_csv(stats: Statistics) -> str:
    """``table,sector,measure,value,suppressed`` lines; ``value`` is empty when suppressed."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["table", "sector", "measure", "value", "suppressed"])
    writer.writerow(["period", "", "from", stats.period_from.isoformat(), "false"])
    writer.writerow(["period", "", "to", stats.period_to.isoformat(), "false"])
    writer.writerow(["suppression", "", "threshold", stats.threshold, "false"])
    writer.writerow(["cases", "all", "cases", _value(stats.cases), str(stats.cases is None).lower()])
    for table in (stats.by_level, stats.overdue, stats.reassessment):
        for row in table.rows:
            for column in table.columns:
                cell = row.cells[column]
                writer.writerow(
                    [table.id, row.sector, column, _value(cell.value), str(cell.suppressed).lower()]
                )
    for row in stats.followed.rows:  # measure: <action kind>.<column>, then its share in percent
        shares = row.shares()
        for column in stats.followed.columns:
            cell = row.cells[column]
            measure = f"{row.action}.{column}"
            writer.writerow(
                [stats.followed.id, row.sector, measure, _value(cell.value), str(cell.suppressed).lower()]
            )
            if column in shares:
                share = shares[column]
                writer.writerow(
                    [
                        stats.followed.id,
                        row.sector,
                        f"{measure}.share",
                        _value(share),
                        str(share is None).lower(),
                    ]
                )
    for delay in stats.delays:
        for measure, value in (
            ("assessments", delay.assessments.value),
            ("taken", delay.taken.value),
            ("median_hours", delay.median_hours),
            ("p90_hours", delay.p90_hours),
        ):
            writer.writerow(
                ["delay_to_first_action", delay.sector, measure, _value(value), str(value is None).lower()]
            )
    return out.getvalue()


def _value(value: object) -> str:
    return "" if value is None else str(value)


def level_chart(table: Table, lang: str) -> str:
    """Stacked bars: each sector's cases by level; suppressed cells are left out (the bar says so)."""
    rows = [row for row in table.rows]
    width, bar, gap, left = 640, 18, 8, 160
    height = 30 + len(rows) * (bar + gap)
    totals = [sum(row.cells[level].value or 0 for level in LEVELS) for row in rows]
    scale = (width - left - 20) / max([*totals, 1])
    title = t("stats.chart_title", lang)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for index, row in enumerate(rows):
        y = 10 + index * (bar + gap)
        parts.append(
            f'<text x="{left - 6}" y="{y + 13}" text-anchor="end" font-size="12">{escape(row.sector)}</text>'
        )
        x = float(left)
        for level_index, level in enumerate(LEVELS):
            value = row.cells[level].value
            if not value:
                continue
            colour = PALETTE[level_index % len(PALETTE)]
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{value * scale:.1f}" height="{bar}" fill="{colour}">'
                f"<title>{escape(level)}: {value}</title></rect>"
            )
            x += value * scale
        if any(row.cells[level].suppressed for level in LEVELS):
            parts.append(
                f'<text x="{x + 4:.1f}" y="{y + 13}" font-size="11">{escape(t("stats.hidden", lang))}</text>'
            )
    parts.append("</svg>")
    return "\n".join(parts)


def write(stats: Statistics, fmt: str, lang: str = "fr") -> str:
    if fmt == "csv":
        return to_csv(stats)
    if fmt == "json":
        return json.dumps(to_json(stats), ensure_ascii=False, indent=2) + "\n"
    return render("stats", "html", lang=lang, stats=to_json(stats), chart=level_chart(stats.by_level, lang))
