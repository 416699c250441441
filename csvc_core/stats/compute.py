"""The aggregates, with small cells suppressed.

A count from 1 to ``threshold - 1`` (default: below 5) is suppressed: it could point at a person. When a row
shows its total and only one of its cells is suppressed, the next smallest cell is suppressed too, so that
nobody can get it back by subtraction. A delay (median, 90th percentile) is given only when it summarises at
least ``threshold`` assessments. Zero is shown: it names nobody.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

import attrs

from csvc_core.stats.facts import ActionFacts, AssessmentFacts, CaseFacts
from csvc_core.store.due import due_state, past_due

THRESHOLD = 5
#: what names a row of a table: a sector, or a sector and an action kind.
RowKey = TypeVar("RowKey", bound=Hashable)
LEVELS = ("1", "2", "3", "4", "none")
#: the row that sums up every sector.
ALL = "all"
#: an action counts as taken when its status first leaves "open" for one of these.
TAKEN = ("done",)
CLOSED = ("done", "impossible", "not_done")
ACTION_COLUMNS = ("closed", "open", "overdue", "total")
#: how each action created in the period was followed, as it stands at the period's end.
FOLLOWED_COLUMNS = ("on_time", "late", "impossible", "not_done", "still_open", "total")


@attrs.frozen
class Cell:
    """A count, or None when suppressed."""

    value: int | None

    @property
    def suppressed(self) -> bool:
        return self.value is None

    def to_json(self) -> int | None:
        return self.value


@attrs.frozen
class Row:
    sector: str
    cells: dict[str, Cell]
    action: str | None = None  # the action kind, in the table of actions followed

    def shares(self) -> dict[str, float | None]:
        """Each shown count as a percentage of the row's shown total (None when either is suppressed)."""
        total = self.cells["total"].value
        return {
            column: round(100 * cell.value / total, 1) if total and cell.value is not None else None
            for column, cell in self.cells.items()
            if column != "total"
        }


@attrs.frozen
class Table:
    id: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]


@attrs.frozen
class Delay:
    sector: str
    assessments: Cell  # assessments that proposed at least one action
    taken: Cell  # of those, how many had an action taken
    median_hours: float | None
    p90_hours: float | None


@attrs.frozen
class Statistics:
    period_from: datetime
    period_to: datetime
    threshold: int
    cases: int | None
    by_level: Table
    overdue: Table
    reassessment: Table
    delays: tuple[Delay, ...]
    followed: Table


def protect(
    grid: Mapping[RowKey, dict[str, int]],
    threshold: int,
    row_total: str | None = "total",
    total_row: Hashable | None = ALL,
) -> set[tuple[RowKey, str]]:
    """The cells of ``grid`` (row -> column -> count) to hide.

    First every count from 1 to ``threshold - 1``; then, until nothing changes, a second cell in any row (or
    column) where the total is shown and only one part is hidden, since the total would give it back.
    """
    hidden = {(r, c) for r, row in grid.items() for c, value in row.items() if 0 < value < threshold}
    lines: list[tuple[list[tuple[RowKey, str]], tuple[RowKey, str] | None]] = []
    for r, row in grid.items():
        parts = [(r, c) for c in row if c != row_total]
        lines.append((parts, (r, row_total) if row_total in row else None))
    for every in [r for r in grid if r == total_row]:
        for c in grid[every]:
            parts = [(r, c) for r in grid if r != every and c in grid[r]]
            lines.append((parts, (every, c)))
    changed = True
    while changed:
        changed = False
        for parts, total in lines:
            if total is None or total in hidden or len(hidden.intersection(parts)) != 1:
                continue
            shown = sorted((grid[r][c], (r, c)) for r, c in parts if (r, c) not in hidden and grid[r][c] > 0)
            hidden.add(shown[0][1] if shown else total)
            changed = True
    return hidden


def _table(
    table_id: str,
    columns: tuple[str, ...],
    grid: dict[str, dict[str, int]],
    threshold: int,
    row_total: str | None = "total",
) -> Table:
    hidden = protect(grid, threshold, row_total)
    rows = tuple(
        Row(sector, {c: Cell(None if (sector, c) in hidden else grid[sector][c]) for c in columns})
        for sector in sorted(grid, key=lambda s: (s == ALL, s))
    )
    return Table(table_id, columns, rows)


def _in(moment: datetime, start: datetime, end: datetime) -> bool:
    return start <= moment < end


def _status_at(action: ActionFacts, moment: datetime) -> str:
    status = "open"
    for at, new in action.changes:
        if at <= moment:
            status = new
    return status


def _by_level(cases: Sequence[CaseFacts], start: datetime, end: datetime, threshold: int) -> Table:
    """Cases assessed in the period by the highest level each sector gave them (and overall, row ``all``)."""
    grid: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys((*LEVELS, "total"), 0))
    for case in cases:
        period = [a for a in case.assessments if _in(a.assessed_at, start, end)]
        if not period:
            continue
        levels: dict[str, list[int]] = {ALL: []}
        for a in period:
            levels.setdefault(a.sector, [])
            if a.compromission is not None:
                levels[a.sector].append(a.compromission)
                levels[ALL].append(a.compromission)
        for sector, found in levels.items():
            grid[sector][str(max(found)) if found else "none"] += 1
            grid[sector]["total"] += 1
    return _table("cases_by_level", (*LEVELS, "total"), dict(grid), threshold)


def _overdue(cases: Sequence[CaseFacts], start: datetime, end: datetime, threshold: int) -> Table:
    """Actions created in the period, by owner sector, as they stand at the period's end: closed, open and not
    yet due (or due at its assessment's time, within its grace), open and overdue (the rule of ``due.py``)."""
    grid: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(ACTION_COLUMNS, 0))
    for case in cases:
        for action in case.actions:
            if not _in(action.created_at, start, end):
                continue
            status = _status_at(action, end)
            if status in CLOSED:
                state = "closed"
            else:
                source = case.assessments[action.assessment] if action.assessment is not None else None
                assessed = source.assessed_at if source is not None else None
                state = "overdue" if due_state(status, action.due, assessed, end) == "overdue" else "open"
            for sector in (action.sector, ALL):
                grid[sector][state] += 1
                grid[sector]["total"] += 1
    return _table("overdue_actions", ACTION_COLUMNS, dict(grid), threshold)


def _followed_state(case: CaseFacts, action: ActionFacts, end: datetime) -> str:
    """``on_time``, ``late`` (done past its due date, by the store's one rule), ``impossible``, ``not_done``
    or ``still_open``, at ``end``."""
    status = _status_at(action, end)
    if status != "done":
        return status if status in CLOSED else "still_open"
    done_at = max(at for at, new in action.changes if new == "done" and at <= end)
    assessed_at = case.assessments[action.assessment].assessed_at if action.assessment is not None else None
    return "late" if past_due(action.due, assessed_at, done_at) else "on_time"


def _followed(cases: Sequence[CaseFacts], start: datetime, end: datetime, threshold: int) -> Table:
    """Actions created in the period, by owner sector and action kind: done on time, late, impossible, not
    done, still open at the period's end (row ``all``: every sector and kind)."""
    every = (ALL, ALL)
    grid: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(FOLLOWED_COLUMNS, 0))
    for case in cases:
        for action in case.actions:
            if not _in(action.created_at, start, end):
                continue
            state = _followed_state(case, action, end)
            for key in ((action.sector, action.kind), every):
                grid[key][state] += 1
                grid[key]["total"] += 1
    hidden = protect(grid, threshold, "total", every)
    rows = tuple(
        Row(
            sector,
            {
                c: Cell(None if ((sector, kind), c) in hidden else grid[sector, kind][c])
                for c in FOLLOWED_COLUMNS
            },
            kind,
        )
        for sector, kind in sorted(grid, key=lambda key: (key == every, key))
    )
    return Table("actions_followed", FOLLOWED_COLUMNS, rows)


def _same_kind(a: AssessmentFacts, b: AssessmentFacts) -> bool:
    return (a.sector, a.instrument, a.protagonist) == (b.sector, b.instrument, b.protagonist)


def _reassessment(cases: Sequence[CaseFacts], start: datetime, end: datetime, threshold: int) -> Table:
    """Re-assessments due in the period, by sector: made on time, late, or not made by the period's end."""
    counts: dict[str, dict[str, int]] = defaultdict(
        lambda: {"on_time": 0, "late": 0, "missing": 0, "total": 0}
    )
    for case in cases:
        for a in case.assessments:
            if a.reassess_by is None or not _in(a.reassess_by, start, end):
                continue
            later = sorted(
                b.assessed_at for b in case.assessments if _same_kind(a, b) and b.assessed_at > a.assessed_at
            )
            outcome = (
                "missing"
                if not later or later[0] >= end
                else "on_time"
                if later[0] <= a.reassess_by
                else "late"
            )
            for sector in (a.sector, ALL):
                counts[sector][outcome] += 1
                counts[sector]["total"] += 1
    return _table("reassessments", ("on_time", "late", "missing", "total"), dict(counts), threshold)


def _percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def _delays(cases: Sequence[CaseFacts], start: datetime, end: datetime, threshold: int) -> tuple[Delay, ...]:
    """From an assessment's confirmation to the first of its actions marked done, by the assessing sector."""
    proposed: dict[str, int] = defaultdict(int)
    hours: dict[str, list[float]] = defaultdict(list)
    for case in cases:
        for index, a in enumerate(case.assessments):
            if not _in(a.assessed_at, start, end):
                continue
            mine = [action for action in case.actions if action.assessment == index]
            if not mine:
                continue
            taken = [at for action in mine for at, status in action.changes if status in TAKEN and at < end]
            for sector in (a.sector, ALL):
                proposed[sector] += 1
                if taken:
                    hours[sector].append(max(0.0, (min(taken) - a.confirmed_at).total_seconds() / 3600))
    grid = {sector: {"assessments": proposed[sector], "taken": len(hours[sector])} for sector in proposed}
    hidden = protect(grid, threshold, row_total=None)
    delays = []
    for sector in sorted(proposed, key=lambda s: (s == ALL, s)):
        values = hours[sector]
        enough = len(values) >= threshold and (sector, "taken") not in hidden
        delays.append(
            Delay(
                sector=sector,
                assessments=Cell(None if (sector, "assessments") in hidden else proposed[sector]),
                taken=Cell(None if (sector, "taken") in hidden else len(values)),
                median_hours=round(statistics.median(values), 1) if enough else None,
                p90_hours=round(_percentile(values, 0.9), 1) if enough else None,
            )
        )
    return tuple(delays)


def compute(
    cases: Iterable[CaseFacts], start: datetime, end: datetime, threshold: int = THRESHOLD
) -> Statistics:
    """Every aggregate for the period ``[start, end)``."""
    facts = list(cases)
    counted = sum(1 for case in facts if any(_in(a.assessed_at, start, end) for a in case.assessments))
    return Statistics(
        period_from=start,
        period_to=end,
        threshold=threshold,
        cases=None if 0 < counted < threshold else counted,
        by_level=_by_level(facts, start, end, threshold),
        overdue=_overdue(facts, start, end, threshold),
        reassessment=_reassessment(facts, start, end, threshold),
        delays=_delays(facts, start, end, threshold),
        followed=_followed(facts, start, end, threshold),
    )


def to_json(stats: Statistics) -> dict[str, Any]:
    def table(table: Table) -> dict[str, Any]:
        return {
            "columns": list(table.columns),
            "rows": [
                {"sector": row.sector, **{k: c.to_json() for k, c in row.cells.items()}} for row in table.rows
            ],
        }

    def followed(data: dict[str, Any]) -> dict[str, Any]:
        for row, source in zip(data["rows"], stats.followed.rows, strict=True):
            row["action"] = source.action
            row["shares"] = source.shares()
        return data

    return {
        "period": {"from": stats.period_from.isoformat(), "to": stats.period_to.isoformat()},
        "suppression": {"threshold": stats.threshold, "suppressed_value": None},
        "cases": stats.cases,
        "cases_by_level": table(stats.by_level),
        "overdue_actions": table(stats.overdue),
        "reassessments": table(stats.reassessment),
        "actions_followed": followed(table(stats.followed)),
        "delay_to_first_action": [
            {
                "sector": d.sector,
                "assessments": d.assessments.to_json(),
                "taken": d.taken.to_json(),
                "median_hours": d.median_hours,
                "p90_hours": d.p90_hours,
            }
            for d in stats.delays
        ],
    }
