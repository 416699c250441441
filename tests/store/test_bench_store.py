"""The store benchmark's quick scale runs to the end on a real PostgreSQL server and prints how reads per
second grow from 1 to 16 sessions (no timing is asserted: the figures depend on the machine)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.postgres
@pytest.mark.slow
def test_the_quick_store_benchmark_prints_the_concurrency_ratios(pg_server: object, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "benchmarks", "--quick", "--out", str(tmp_path), "store"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    for count in ("1 session:", "4 sessions:", "16 sessions:"):
        for read in ("case list (median)", "follow-up queue (p95)", "one case (p95)", "reads per second"):
            assert f"store postgresql, {count} {read}" in done.stdout
    assert "store postgresql: reads per second, 16 sessions over 1 session" in done.stdout
    measures = json.loads((tmp_path / "store.json").read_text(encoding="utf-8"))["measures"]
    ratio = next(m for m in measures if m["name"].endswith("16 sessions over 1 session"))
    assert ratio["value"] > 0 and ratio["baseline"] > 0
