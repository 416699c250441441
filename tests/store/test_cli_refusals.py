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


SECRET = "s3cr3t-Canari"


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://csvc:{SECRET}@127.0.0.1:1/csvc",  # nothing listens: the driver's own message
        f"postgresql://csvc:{SECRET}@127.0.0.1:notaport/csvc",
        f"postgresql://csvc:{SECRET}@127.0.0.1:1",
        f"mysql://csvc:{SECRET}@127.0.0.1/csvc",
        f"postgresql://csvc:{SECRET}@x@127.0.0.1:1/csvc",  # an @ left unencoded in the password
        f"://csvc:{SECRET}@127.0.0.1/csvc",
    ],
)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_store_password_never_appears_in_a_message(url: str, lang: str) -> None:
    done = run_csvc(
        "case", "list", "--store", url, "--user", "alice", "--lang", lang, env={"CSVC_PASSPHRASE": "x"}
    )
    line = _one_line(done, 1 if ":1/" in url and "@x@" not in url else 2)
    for part in (SECRET, SECRET[:6], "Canari"):
        assert part not in line
    assert "***" in line


@pytest.mark.postgres
def test_store_init_shows_the_server_url_without_its_password(tmp_path: Path, postgres_url: str) -> None:
    with_password = postgres_url.replace("postgres@", f"postgres:{SECRET}@")
    done = run_csvc(
        "store",
        "init",
        "--org",
        "Maison Aurore",
        "--sector",
        "shelter",
        "--user",
        "alice",
        "--store",
        with_password,
        "--json",
        env={"CSVC_PASSPHRASE": "une phrase de passe assez longue", "XDG_DATA_HOME": str(tmp_path / "xdg")},
    )
    assert done.returncode == 0, done.stderr
    assert SECRET not in done.stdout + done.stderr
    assert json.loads(done.stdout)["store"] == postgres_url.replace("postgres@", "postgres:***@")
