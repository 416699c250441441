"""Input an attacker chooses, through the real CLI in a subprocess: refused in one line, never a traceback."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from core_kit import run_csvc

from csvc_core import Csvc
from csvc_core.errors import BadInput
from csvc_core.jsonio import CLOCK_SKEW


def _one_line(done, code: int) -> str:  # type: ignore[no-untyped-def]
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, lines
    return str(lines[0])


def _later(delta: timedelta) -> str:
    return (datetime.now().astimezone() + delta).replace(microsecond=0).isoformat()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_assess_refuses_an_assessment_dated_in_the_future(tmp_path: Path, lang: str) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"assessed_at": "2099-01-01T10:00:00-05:00"}), encoding="utf-8")
    done = run_csvc("assess", "--instrument", "csvc-grid", "--answers", str(path), "--lang", lang)
    line = _one_line(done, 2)
    assert f"{path}: $.assessed_at" in line and "2099-01-01T10:00:00-05:00" in line
    assert ("future" if lang == "en" else "futur") in line
    assert done.stdout == ""


def test_the_clock_skew_is_allowed_and_no_more() -> None:
    csvc = Csvc.load()
    within = _later(CLOCK_SKEW - timedelta(seconds=30))
    assert csvc.assess("csvc-grid", {"assessed_at": within}).assessed_at.isoformat() == within
    with pytest.raises(BadInput, match=r"answers: \$\.assessed_at"):
        csvc.assess("csvc-grid", {"assessed_at": _later(CLOCK_SKEW + timedelta(seconds=30))})
