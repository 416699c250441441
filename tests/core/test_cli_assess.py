"""``csvc assess`` through a real subprocess: the result JSON and the exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.cli import run_csvc


def test_assess_json_is_the_contract_object(tmp_path: Path) -> None:
    answers = tmp_path / "case.json"
    answers.write_text(
        json.dumps({"assessed_at": "2026-03-01T10:00:00-05:00", "answers": {"homicide_plan": "yes"}}),
        encoding="utf-8",
    )
    done = run_csvc("assess", "--instrument", "csvc-grid", "--answers", str(answers), "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["level"] == result["computed_level"] == "imminent"
    assert result["compromission"] == 4
    assert result["reassess_by"] == "2026-03-04T10:00:00-05:00"


def test_malformed_json_is_one_line_without_traceback() -> None:
    done = run_csvc("assess", "--instrument", "csvc-grid", "--answers", "-", "--json", stdin="{nope")
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1 and "<stdin>" in done.stderr
