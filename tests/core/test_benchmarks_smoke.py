"""Each benchmark runs (tiny iteration counts, no time asserted): ``./dev bench`` stays usable."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_benchmarks_run_quickly_and_write_results(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "benchmarks", "--quick", "--out", str(tmp_path)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "throughput: pipeline, core only" in done.stdout
    assert "start-up: csvc assess, one file" in done.stdout
    for name in ("throughput", "startup"):
        result = json.loads((tmp_path / f"{name}.json").read_text(encoding="utf-8"))
        assert result["quick"] is True
        assert all(measure["baseline"] > 0 and measure["value"] > 0 for measure in result["measures"])
