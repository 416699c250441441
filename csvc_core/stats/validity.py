"""How well each instrument and each level anticipated what happened next, over assessments followed for a
whole window: the rate of each outcome by level (with its 95 % Wilson interval: the calibration by level),
the AUC of the level against any outcome (with a stratified bootstrap interval), and the agreement between
sectors that assessed the same case close in time (quadratic-weighted kappa).

Aggregates only, small cells suppressed as in :mod:`csvc_core.stats.compute`: a count and the count of the
rest of its row (those without the outcome) are each shown only at zero or from ``threshold`` on; an AUC
needs ``threshold`` assessments with and ``threshold`` without an outcome, a kappa ``threshold`` pairs.
A level informs; it never predicts what one person will do.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

import attrs
import numpy as np
from scipy import stats as scipy_stats

from csvc_core.stats.compute import ALL, protect
from csvc_core.stats.facts import CaseFacts
from csvc_core.store.records import OUTCOME_KINDS

LEVELS = (1, 2, 3, 4)
#: two sectors' assessments of one case at most this far apart are compared for agreement.
AGREEMENT_GAP = timedelta(days=14)
#: bootstrap resamples of the AUC's interval (fixed seed: the same store gives the same report).
RESAMPLES = 2000
#: values resampled at once (resamples per batch times the sample's size): bounds the memory of a large store.
BATCH_VALUES = 4_000_000
SEED = 20260301


def auc(positives: Sequence[float], negatives: Sequence[float]) -> float:
    """The area under the ROC curve: the Mann-Whitney U of the two groups over their product (ties: half)."""
    return float(scipy_stats.mannwhitneyu(positives, negatives).statistic) / (len(positives) * len(negatives))


def auc_interval(positives: Sequence[float], negatives: Sequence[float]) -> tuple[float, float]:
    """95 % percentile bootstrap interval of :func:`auc`, each group resampled on its own (stratified)."""

    def statistic(pos: np.ndarray, neg: np.ndarray, axis: int) -> np.ndarray:
        found = scipy_stats.mannwhitneyu(pos, neg, axis=axis).statistic
        return np.asarray(found) / (pos.shape[axis] * neg.shape[axis])

    result = scipy_stats.bootstrap(
        (np.asarray(positives, float), np.asarray(negatives, float)),
        statistic,
        n_resamples=RESAMPLES,
        batch=max(1, BATCH_VALUES // (len(positives) + len(negatives))),
        method="percentile",
        random_state=np.random.default_rng(SEED),
    )
    return float(result.confidence_interval.low), float(result.confidence_interval.high)


def weighted_kappa(first: Sequence[int], second: Sequence[int], categories: Sequence[int]) -> float:
    """Cohen's weighted kappa with quadratic disagreement weights over ordered ``categories``."""
    index = {category: position for position, category in enumerate(categories)}
    size = len(categories)
    observed = np.zeros((size, size))
    np.add.at(observed, ([index[a] for a in first], [index[b] for b in second]), 1)
    observed /= observed.sum()
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0))
    rows, columns = np.indices((size, size))
    weights = ((rows - columns) / (size - 1)) ** 2
    chance = (weights * expected).sum()
    return float(1 - (weights * observed).sum() / chance) if chance else float("nan")


def wilson(count: int, total: int) -> tuple[float, float]:
    interval = scipy_stats.binomtest(count, total).proportion_ci(method="wilson")
    return float(interval.low), float(interval.high)


@attrs.frozen
class Followed:
    """One assessment followed for the whole window: its level and the outcomes within the window."""

    instrument: str
    version: str
    level: int
    kinds: frozenset[str]


def followed(
    cases: Iterable[CaseFacts], start: datetime, end: datetime, window: timedelta, now: datetime
) -> list[Followed]:
    """Assessments with a level, made in ``[start, end)`` and followed for the whole ``window`` by ``now``."""
    found = []
    for case in cases:
        for a in case.assessments:
            if a.compromission is None or not start <= a.assessed_at < end or a.assessed_at + window > now:
                continue
            kinds = {o.kind for o in case.outcomes if a.assessed_at < o.occurred_at <= a.assessed_at + window}
            found.append(Followed(a.instrument, a.version, a.compromission, frozenset(kinds)))
    return found


def _shown(count: int, total: int, threshold: int) -> bool:
    return all(value == 0 or value >= threshold for value in (count, total - count))


def _ratio(count: int | None, total: int | None) -> float | None:
    return round(100 * count / total, 1) if count is not None and total else None


def _instrument(rows: list[Followed], threshold: int) -> dict[str, Any]:
    """The levels of one instrument and version: counts, rates, calibration, AUC."""
    grid = {
        str(level): {
            "outcome": sum(1 for r in rows if r.level == level and r.kinds),
            "no_outcome": sum(1 for r in rows if r.level == level and not r.kinds),
        }
        for level in LEVELS
    }
    for counts in grid.values():
        counts["total"] = counts["outcome"] + counts["no_outcome"]
    grid[ALL] = {
        column: sum(grid[str(level)][column] for level in LEVELS)
        for column in ("outcome", "no_outcome", "total")
    }
    hidden = protect(grid, threshold)

    def cell(row: str, column: str) -> int | None:
        return None if (row, column) in hidden else grid[row][column]

    levels = []
    for level in LEVELS:
        key, total = str(level), cell(str(level), "total")
        with_outcome = cell(key, "outcome")
        shown = total is not None and with_outcome is not None and total > 0
        kinds = {
            kind: (count if shown and _shown(count, grid[key]["total"], threshold) else None)
            for kind in OUTCOME_KINDS
            for count in [sum(1 for r in rows if r.level == level and kind in r.kinds)]
        }
        levels.append(
            {
                "level": level,
                "assessments": total,
                "with_outcome": with_outcome,
                "rate": _ratio(with_outcome, total) if shown else None,
                "rate_interval": [round(100 * x, 1) for x in wilson(grid[key]["outcome"], grid[key]["total"])]
                if shown
                else None,
                "kinds": {kind: _ratio(count, total) for kind, count in kinds.items()},
            }
        )
    positives = [r.level for r in rows if r.kinds]
    negatives = [r.level for r in rows if not r.kinds]
    enough = len(positives) >= threshold and len(negatives) >= threshold
    return {
        "assessments": cell(ALL, "total"),
        "with_outcome": cell(ALL, "outcome"),
        "levels": levels,
        "auc": round(auc(positives, negatives), 3) if enough else None,
        "auc_interval": [round(x, 3) for x in auc_interval(positives, negatives)] if enough else None,
    }


def _pairs(
    cases: Iterable[CaseFacts], start: datetime, end: datetime
) -> dict[tuple[str, str], list[tuple[int, int]]]:
    """For each pair of sectors, the levels they gave one case at most :data:`AGREEMENT_GAP` apart (the
    closest two of each case)."""
    found: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for case in cases:
        rated = [a for a in case.assessments if a.compromission is not None and start <= a.assessed_at < end]
        closest: dict[tuple[str, str], tuple[timedelta, int, int]] = {}
        for a in rated:
            for b in rated:
                if a.sector >= b.sector:
                    continue
                gap, key = abs(a.assessed_at - b.assessed_at), (a.sector, b.sector)
                if gap <= AGREEMENT_GAP and (key not in closest or gap < closest[key][0]):
                    closest[key] = (gap, a.compromission or 0, b.compromission or 0)
        for sectors, (_, first, second) in closest.items():
            found[sectors].append((first, second))
    return found


def validity(
    cases: Iterable[CaseFacts],
    start: datetime,
    end: datetime,
    window: timedelta,
    now: datetime,
    threshold: int,
) -> dict[str, Any]:
    """The whole report, as plain data (JSON, CSV and HTML are written from it)."""
    facts = list(cases)
    rows = followed(facts, start, end, window, now)
    groups: dict[tuple[str, str], list[Followed]] = defaultdict(list)
    for row in rows:
        groups[row.instrument, row.version].append(row)
    agreement = []
    for (first, second), pairs in sorted(_pairs(facts, start, end).items()):
        enough = len(pairs) >= threshold
        kappa = weighted_kappa([a for a, _ in pairs], [b for _, b in pairs], LEVELS) if enough else None
        agreement.append(
            {
                "sectors": [first, second],
                "pairs": len(pairs) if enough else None,
                "kappa": round(kappa, 3) if kappa is not None and not np.isnan(kappa) else None,
            }
        )
    return {
        "period": {"from": start.isoformat(), "to": end.isoformat()},
        "window_days": window.days,
        "threshold": threshold,
        "instruments": [
            {"instrument": instrument, "version": version, **_instrument(group, threshold)}
            for (instrument, version), group in sorted(groups.items())
        ],
        "agreement": agreement,
    }
