"""The store's commands (docs/interface.md) through the real command line (subprocesses)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.support.cli import initialised, run_csvc
from tests.support.constants import CANARY
from tests.support.stores import full_grid, grid


@pytest.fixture
def cli_env(tmp_path: Path, store_url: str) -> dict[str, str]:
    """A store created by ``csvc store init`` (SQLite, PostgreSQL), and the environment of its first user."""
    return initialised(tmp_path, store_url, via_cli=True)


@pytest.fixture
def quick_cli_env(tmp_path: Path, store_url: str) -> dict[str, str]:
    return initialised(tmp_path, store_url, via_cli=False)


@pytest.fixture
def sqlite_cli_env(tmp_path: Path, sqlite_url: str) -> dict[str, str]:
    """On SQLite only (the staff commands run the same service code, tested on both)."""
    return initialised(tmp_path, sqlite_url, via_cli=False)


def answers_file(tmp_path: Path, payload: dict) -> str:  # type: ignore[type-arg]
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    return str(path)


def test_contract_flow(cli_env: dict[str, str], tmp_path: Path) -> None:
    outputs: list[str] = []

    def csvc(*args: str, code: int = 0, env: dict[str, str] | None = None) -> str:
        done = run_csvc(*args, env={**cli_env, **(env or {})})
        outputs.extend([done.stdout, done.stderr])
        assert done.returncode == code, (args, done.stderr)
        assert "Traceback" not in done.stderr
        return done.stdout

    case_id = json.loads(csvc("case", "new", "--label", CANARY, "--json"))["id"]
    shown = json.loads(csvc("case", "show", case_id, "--json"))
    assert shown["id"] == case_id and shown["compromission"] is None
    assert shown["assessments"] == [] and shown["actions"] == []

    first = answers_file(
        tmp_path, {"assessed_at": "2026-03-01T10:00:00-05:00", "answers": {"separation": "yes"}}
    )
    out = json.loads(
        csvc("case", "assess", case_id, "--instrument", "csvc-grid", "--answers", first, "--json")
    )
    assert out["level"] == "elevated" and out["compromission"] == 3 and out["assessment_id"]
    assert out["instrument"] == {"id": "csvc-grid", "version": "1.0"}
    assert out["reassess_by"] == "2026-03-08T10:00:00-05:00"
    second = answers_file(
        tmp_path,
        {
            "assessed_at": "2026-03-02T10:00:00-05:00",
            "answers": {"homicide_plan": "yes"},
            "protagonist": "victim",
        },
    )
    out2 = json.loads(
        csvc("case", "assess", case_id, "--instrument", "csvc-grid", "--answers", second, "--json")
    )

    shown = json.loads(csvc("case", "show", case_id, "--json"))
    assert shown["compromission"] == 4
    assert [a["id"] for a in shown["assessments"]] == [out2["assessment_id"], out["assessment_id"]]
    for assessment in shown["assessments"]:
        assert set(assessment) >= {"id", "instrument", "level", "assessed_at", "by"}
        assert assessment["by"] == "alice" and assessment["instrument"] == "csvc-grid"
        datetime.fromisoformat(assessment["assessed_at"])
    assert {a["action"] for a in shown["actions"]} >= {"concertation", "emergency_concertation"}
    for action in shown["actions"]:
        assert set(action) >= {"id", "action", "sector", "due", "status"} and action["status"] == "open"

    queue = json.loads(csvc("followup", "--json"))
    assert queue == [
        {
            "case": case_id,
            "reassess_by": queue[0]["reassess_by"],
            "overdue": True,
            "compromission": 4,
            "overdue_actions": queue[0]["overdue_actions"],
        }
    ]
    assert queue[0]["overdue_actions"] > 0
    assert datetime.fromisoformat(queue[0]["reassess_by"]) == datetime.fromisoformat(
        "2026-03-05T10:00:00-05:00"
    )

    assert "intact" in csvc("audit", "verify", env={"CSVC_PASSPHRASE": ""})
    listing = csvc("case", "list", "--json")
    assert [c["id"] for c in json.loads(listing)] == [case_id]
    for text in outputs:
        assert CANARY not in text
    revealed = json.loads(csvc("case", "list", "--json", "--reveal"))
    assert revealed[0]["label"] == CANARY


def test_exit_codes_and_one_line_refusals(quick_cli_env: dict[str, str], tmp_path: Path) -> None:
    cli_env = quick_cli_env
    case_id = json.loads(run_csvc("case", "new", "--label", "Dossier", "--json", env=cli_env).stdout)["id"]

    def refused(*args: str, code: int, env: dict[str, str] | None = None, needle: str = "") -> None:
        done = run_csvc(*args, env={**cli_env, **(env or {})})
        assert done.returncode == code, (args, done.stdout, done.stderr)
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
        assert needle in done.stderr

    refused(
        "case",
        "show",
        case_id,
        "--json",
        code=1,
        env={"CSVC_PASSPHRASE": "la mauvaise phrase"},
        needle="utilisateur 'alice' inconnu ou désactivé, ou phrase de passe erronée : rien n'a changé",
    )
    refused(
        "case",
        "show",
        case_id,
        "--lang",
        "en",
        code=1,
        env={"CSVC_PASSPHRASE": "la mauvaise phrase"},
        needle="user 'alice' unknown or disabled, or wrong passphrase: nothing changed",
    )
    refused("case", "show", case_id, "--json", code=1, env={"CSVC_USER": "mallory"}, needle="mallory")
    hidden = "dossier '0000000000000000' introuvable, ou non visible pour l'utilisateur 'alice'"
    refused("case", "show", "0000000000000000", "--json", code=1, needle=hidden)
    hidden = "case '0000000000000000' not found, or not visible to user 'alice'"
    refused("case", "show", "0000000000000000", "--lang", "en", code=1, needle=hidden)
    bad = answers_file(tmp_path, {"answers": {"homicide_plan": "maybe"}})
    refused(
        "case",
        "assess",
        case_id,
        "--instrument",
        "csvc-grid",
        "--answers",
        bad,
        code=2,
        needle="homicide_plan",
    )
    refused("case", "assess", case_id, "--instrument", "nope", "--answers", bad, code=2, needle="nope")
    refused("case", "new", "--label", "x", code=2, env={"CSVC_USER": ""}, needle="--user")
    if cli_env["CSVC_STORE"].startswith("postgresql"):
        refused("store", "backup", str(tmp_path / "copie.db"), code=1, needle="pg_dump")
    refused(
        "case",
        "new",
        "--label",
        "x",
        "--store",
        f"sqlite:///{tmp_path / 'absent.db'}",
        code=1,
        needle="store init",
    )
    refused(
        "store",
        "init",
        "--org",
        "O",
        "--sector",
        "nowhere",
        "--user",
        "u",
        "--store",
        f"sqlite:///{tmp_path / 'other.db'}",
        code=2,
        needle="nowhere",
    )
    shown = json.loads(run_csvc("case", "show", case_id, "--json", env=cli_env).stdout)
    assert shown["assessments"] == []


def test_staff_commands(sqlite_cli_env: dict[str, str], tmp_path: Path) -> None:
    cli_env = sqlite_cli_env

    def ok(*args: str, env: dict[str, str] | None = None) -> str:
        done = run_csvc(*args, env={**cli_env, **(env or {})})
        assert done.returncode == 0, (args, done.stderr)
        return done.stdout

    ok(
        "user",
        "add",
        "bruno",
        "--role",
        "worker",
        env={"CSVC_NEW_PASSPHRASE": "phrase de bruno assez longue"},
    )
    users = json.loads(ok("user", "list", "--json"))
    assert [(u["name"], u["role"]) for u in users] == [("alice", "admin"), ("bruno", "worker")]
    bruno = {"CSVC_USER": "bruno", "CSVC_PASSPHRASE": "phrase de bruno assez longue"}
    case_id = json.loads(ok("case", "new", "--label", "Dossier", "--json", env=bruno))["id"]
    answers = answers_file(tmp_path, {"answers": {"homicide_plan": "yes"}})
    ok("case", "assess", case_id, "--instrument", "csvc-grid", "--answers", answers, env=bruno)
    listed = json.loads(ok("action", "list", "--json", env=bruno))
    [action] = [a for a in listed if a["action"] == "emergency_concertation"]
    assert action["case"] == case_id and listed[0]["mandatory"]
    assert all(a["overdue"] for a in json.loads(ok("action", "overdue", "--json")))
    due = json.loads(ok("action", "due", "--before", "2099-01-01T00:00:00+00:00", "--json"))
    assert action["id"] in [a["id"] for a in due]
    stale = run_csvc("action", "set", action["id"], "--status", "done", "--version", "0", env=cli_env)
    assert stale.returncode == 1 and "rechargez-la" in stale.stderr
    updated = json.loads(ok("action", "set", action["id"], "--status", "done", "--note", "Fait", "--json"))
    assert updated["status"] == "done" and [h["status"] for h in updated["history"]] == ["open", "done"]
    event = json.loads(ok("case", "event", case_id, "--kind", "breach_of_conditions", "--json"))
    assert event["id"]
    shown = json.loads(ok("case", "show", case_id, "--json"))
    assert shown["events"][0]["open"] is True
    ok("case", "protagonist", case_id, "--role", "child", "--name", "Enfant", "--safe-to-call")
    denied = run_csvc(
        "case", "close-assessment", shown["assessments"][0]["id"], "--reason", "x", env={**cli_env, **bruno}
    )
    assert denied.returncode == 1 and "n'a pas le droit" in denied.stderr
    ok("case", "close-assessment", shown["assessments"][0]["id"], "--reason", "Situation changée")
    assert json.loads(ok("case", "show", case_id, "--json"))["compromission"] is None
    backup = tmp_path / "copie.db"
    ok("store", "backup", str(backup))
    assert backup.exists() and Path(str(backup) + ".audit-anchor").exists()
    ok("store", "check")
    english = run_csvc("followup", "--lang", "en", env=cli_env)
    assert english.returncode == 0 and "OVERDUE" in english.stdout


def test_followup_puts_danger_first_and_an_action_due_now_is_not_overdue(
    quick_cli_env: dict[str, str], tmp_path: Path
) -> None:
    def csvc(*args: str) -> str:
        done = run_csvc(*args, env=quick_cli_env)
        assert done.returncode == 0, (args, done.stderr)
        return done.stdout

    def assessed(label: str, payload: dict, when: datetime) -> str:  # type: ignore[type-arg]
        case_id = str(json.loads(csvc("case", "new", "--label", label, "--json"))["id"])
        path = tmp_path / f"{case_id}.json"
        path.write_text(json.dumps({**payload, "assessed_at": when.isoformat()}), encoding="utf-8")
        csvc("case", "assess", case_id, "--instrument", "csvc-grid", "--answers", str(path), "--json")
        return case_id

    now = datetime.now(UTC)
    never = json.loads(csvc("case", "new", "--label", "Jamais évalué", "--json"))["id"]
    moderate = assessed("Niveau 2", full_grid(violence_history="yes"), now - timedelta(days=90))
    imminent = assessed("Niveau 4", grid(homicide_plan="yes"), now - timedelta(days=2))
    queue = json.loads(csvc("followup", "--json"))
    order = [(item["case"], item["compromission"]) for item in queue]
    assert order == [(imminent, 4), (never, None), (moderate, 2)]
    assert queue[0]["overdue_actions"] > 0

    fresh = assessed("Confirmée à l'instant", grid(homicide_plan="yes"), now - timedelta(minutes=1))
    actions = {a["action"]: a for a in json.loads(csvc("action", "list", "--case", fresh, "--json"))}
    assert (actions["shelter_offer"]["due_now"], actions["shelter_offer"]["overdue"]) == (True, False)
    listing = csvc("action", "list", "--case", fresh)
    assert "À FAIRE MAINTENANT" in listing and "EN RETARD" not in listing
    assert json.loads(csvc("action", "overdue", "--case", fresh, "--json")) == []
