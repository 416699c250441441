"""Speed measurements of csvc, each against a baseline measured in the same run (``./dev bench``).

Every module ``bench_*.py`` of this package defines ``run(quick: bool) -> list[Measure]``;
``python -m benchmarks`` runs them all, prints a table and writes ``benchmarks/results/<name>.json``.
``--quick`` uses tiny iteration counts (the test suite's smoke test); figures then mean nothing.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Measure:
    """One measurement beside its baseline (``ratio``: ours over the baseline) and the goal it must meet."""

    name: str
    value: float
    unit: str
    baseline_name: str
    baseline: float
    goal: str
    met: bool | None
    notes: dict[str, float | str] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        return self.value / self.baseline if self.baseline else float("nan")


def best_rate(action: Callable[[], object], iterations: int, repeats: int) -> float:
    """Calls per second of ``action``: the best of ``repeats`` runs of ``iterations`` calls (least noise)."""
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(iterations):
            action()
        rates.append(iterations / (time.perf_counter() - start))
    return max(rates)


def median_seconds(action: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
