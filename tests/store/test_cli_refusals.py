"""Input an attacker chooses, given to the store commands through the real CLI in a subprocess: refused in
one line naming what is wrong, never a traceback, nothing stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import CANARY, run_csvc
from .test_cli_store import _initialised


@pytest.fixture
def env(tmp_path: Path, sqlite_url: str) -> dict[str, str]:
    """A store on SQLite (the refusals happen before the engine matters) and its first user's environment."""
    return _initialised(tmp_path, sqlite_url, via_cli=False)


def _one_line(done, code: int) -> str:  # type: ignore[no-untyped-def]
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, lines
    return str(lines[0])


def _new_case(env: dict[str, str]) -> str:
    done = run_csvc("case", "new", "--label", CANARY, "--json", env=env)
    assert done.returncode == 0, done.stderr
    return str(json.loads(done.stdout)["id"])


def test_case_assess_refuses_a_future_assessment(env: dict[str, str], tmp_path: Path) -> None:
    case_id = _new_case(env)
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"assessed_at": "2099-01-01T10:00:00+00:00"}), encoding="utf-8")
    done = run_csvc(
        "case",
        "assess",
        case_id,
        "--instrument",
        "csvc-grid",
        "--answers",
        str(path),
        "--lang",
        "en",
        env=env,
    )
    assert "$.assessed_at" in _one_line(done, 2)
    shown = run_csvc("case", "show", case_id, "--json", env=env)
    assert json.loads(shown.stdout)["assessments"] == []


def test_purge_refuses_a_now_in_the_future(env: dict[str, str]) -> None:
    case_id = _new_case(env)
    closed = run_csvc("case", "close", case_id, "--reason", "fin du suivi", env=env)
    assert closed.returncode == 0, closed.stderr
    done = run_csvc(
        "store",
        "purge",
        "--now",
        "2099-01-01T00:00:00+00:00",
        "--lang",
        "en",
        env=env,
    )
    line = _one_line(done, 2)
    assert "--now" in line and "2099-01-01T00:00:00+00:00" in line
    shown = run_csvc("case", "show", case_id, "--json", env=env)
    assert shown.returncode == 0 and json.loads(shown.stdout)["id"] == case_id
