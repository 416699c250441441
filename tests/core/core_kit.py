"""Helpers of the core tests: small synthetic instrument tables and the real CLI in a subprocess."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

from tests.support.cli import csvc_process

FACTORS = ("violence_history", "stalking", "strangulation", "threats_to_kill", "separation", "escalation")


def label(text: str) -> dict[str, str]:
    return {"fr": f"{text} (fr)", "en": f"{text} (en)"}


def count_table() -> dict[str, Any]:
    """A count instrument: six yes/no items (the third critical), three levels, bands 0-1, 2-3, 4+."""
    return {
        "id": "test-count",
        "version": "1.0",
        "title": label("Count"),
        "sectors": ["csvc"],
        "items": [
            {
                "id": f"q{n}",
                "factor": factor,
                "type": "yes_no",
                "label": label(f"Question {n}"),
                "critical": n == 3,
            }
            for n, factor in enumerate(FACTORS, start=1)
        ],
        "rule": {
            "kind": "count",
            "bands": [
                {"level": "low", "min": 0, "max": 1},
                {"level": "mid", "min": 2, "max": 3},
                {"level": "high", "min": 4},
            ],
        },
        "levels": [
            {"id": "low", "rank": 1, "compromission": 1, "label": label("Low"), "reassess_after": "P30D"},
            {"id": "mid", "rank": 2, "compromission": 2, "label": label("Mid"), "reassess_after": "P7D"},
            {"id": "high", "rank": 3, "compromission": 3, "label": label("High"), "reassess_after": "PT72H"},
        ],
        "actions": [
            {
                "id": "call_back",
                "sector": "csvc",
                "levels": ["high"],
                "mandatory": True,
                "due_after": "PT24H",
                "label": label("Call back"),
            }
        ],
    }


def sum_table() -> dict[str, Any]:
    """A weighted sum: two weighted yes/no items, an ordinal 1-5 and a count 0-10; bands over 1..22."""
    table = count_table()
    table.update(
        id="test-sum",
        items=[
            {"id": "y1", "factor": "stalking", "type": "yes_no", "weight": 3, "label": label("Y1")},
            {"id": "y2", "factor": "separation", "type": "yes_no", "weight": 2, "label": label("Y2")},
            {"id": "o1", "factor": "escalation", "type": "ordinal", "min": 1, "max": 5, "label": label("O1")},
            {"id": "c1", "factor": "violence_history", "type": "count", "max": 10, "label": label("C1")},
        ],
        rule={
            "kind": "sum",
            "bands": [
                {"level": "low", "min": 0, "max": 5},
                {"level": "mid", "min": 6, "max": 10},
                {"level": "high", "min": 11},
            ],
        },
    )
    return table


def tiered_table() -> dict[str, Any]:
    """Two tiers: a yes in group ``b`` gives high, two yes in group ``a`` give mid, else low."""
    table = count_table()
    groups = ["a", "a", "a", "b", "b", "b"]
    for item, group in zip(table["items"], groups, strict=True):
        item["group"] = group
    table.update(
        id="test-tiered",
        rule={
            "kind": "tiered",
            "default_level": "low",
            "tiers": [{"group": "a", "level": "mid", "min_yes": 2}, {"group": "b", "level": "high"}],
        },
    )
    return table


def judgement_table() -> dict[str, Any]:
    table = count_table()
    table.update(id="test-judgement", rule={"kind": "judgement"}, override={"direction": "any"})
    return table


def run_csvc(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """The real CLI in its own process (``python -m csvc_core``), with exactly ``env`` (else the test's)."""
    return csvc_process(list(args), os.environ if env is None else env, stdin=stdin, cwd=cwd)
