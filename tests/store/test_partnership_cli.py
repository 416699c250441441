"""The partnership through the real command line (subprocesses, the store commands' conventions).

A disclosure refused for a landlord and for a missing element, made to the police, read by the police, put in
the register; a consent given, shared under, withdrawn; a referral made and ended; the cell's steps out of
order refused. Every error is one clear line and writes nothing; no name reaches stderr or the register.
On SQLite (the service tests run the same rules on PostgreSQL too).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from csvc_core.store import Store, people
from tests.support.cli import run_csvc
from tests.support.constants import CANARY, FAST_KDF, PASSPHRASE
from tests.support.stores import grid, new_store

pytestmark = pytest.mark.slow  # about 45 subprocesses

DISCLOSURE = (
    "--recipient",
    "Poste de la Rivière",
    "--recipient-kind",
    "police",
    "--recipient-category",
    "able_to_help",
    "--recipient-org",
    "Police Rivière",
    "--harm",
    "death",
    "--exposed",
    CANARY,
    "--violence",
    "homicide conjugal",
    "--danger",
    "menaces de mort, arme",
    "--urgency",
    "départ ce soir",
    "--imminence",
    "hours",
)


def add_people(store: Store) -> None:
    """The partnership's organisations and users, made through the API at the minimum argon2id cost (the
    organisation and user commands are tested in test_organisation_admin.py, test_roles.py, test_keys.py)."""
    admins = {"alice": store.unlock("alice", PASSPHRASE)}
    try:
        for org, sector, admin in (
            ("Police Rivière", "police", "pia"),
            ("DPJ Nord", "youth_protection", "dora"),
            ("Cellule Nord", "csvc", "cassandre"),
        ):
            admins["alice"].run(
                people.add_organisation, org, sector, admin=admin, passphrase=PASSPHRASE, kdf=FAST_KDF
            )
            admins[admin] = store.unlock(admin, PASSPHRASE)
        for name, role, admin in (
            ("wanda", "worker", "alice"),
            ("rita", "repondant", "alice"),
            ("paul", "worker", "pia"),
            ("cora", "coordinator", "cassandre"),
        ):
            admins[admin].run(people.add_user, name, role, PASSPHRASE, kdf=FAST_KDF)
    finally:
        for session in admins.values():
            session.lock()
        store.close()


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """One store for the module's scenarios (each works on its own case), its people made through the API."""
    tmp_path = tmp_path_factory.mktemp("partnership-cli")
    env = {
        "CSVC_STORE": f"sqlite:///{tmp_path / 'csvc.db'}",
        "CSVC_PASSPHRASE": PASSPHRASE,
        "CSVC_NEW_PASSPHRASE": PASSPHRASE,
        "XDG_DATA_HOME": str(tmp_path / "xdg-data"),
        "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
    }
    outputs: list[str] = []

    def csvc(*args: str, user: str = "alice", code: int = 0) -> str:
        done = run_csvc(*args, env={**env, "CSVC_USER": user})
        outputs.extend([done.stdout, done.stderr])
        assert done.returncode == code, (args, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr
        if code:
            assert done.stderr.startswith("csvc: ") and done.stderr.count("\n") == 1, done.stderr
        return done.stdout if code == 0 else done.stderr

    with pytest.MonkeyPatch.context() as environment:  # its audit key and anchor: where the CLI looks
        for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME"):
            environment.setenv(name, env[name])
        add_people(new_store(env["CSVC_STORE"]))
    csvc.outputs = outputs  # type: ignore[attr-defined]
    return csvc


def test_disclosure_guards_register_and_recipient_reading(cli, tmp_path: Path) -> None:  # type: ignore
    case_id = json.loads(cli("case", "new", "--label", CANARY, "--json", user="wanda"))["id"]
    cli(
        "case",
        "protagonist",
        case_id,
        "--role",
        "victim",
        "--name",
        CANARY,
        "--phone",
        "555-0142",
        user="wanda",
    )
    offered = json.loads(cli("disclose", "fields", case_id, "--json", user="wanda"))
    assert {"field": "victim.1.contact", "category": "contact"} in offered
    landlord = cli(
        "disclose",
        "create",
        case_id,
        *DISCLOSURE[6:],
        "--recipient",
        "Propriétaire",
        "--recipient-kind",
        "landlord",
        "--recipient-category",
        "able_to_help",
        "--reasonable-cause",
        "menaces",
        "--field",
        "victim.1.contact",
        user="wanda",
        code=1,
    )
    assert "landlord" in landlord and "porter secours" in landlord
    missing = cli(
        "disclose", "create", case_id, *DISCLOSURE, "--field", "victim.1.contact", user="wanda", code=2
    )
    assert "reasonable_cause" in missing
    english = cli(
        "disclose",
        "create",
        case_id,
        *DISCLOSURE,
        "--field",
        "victim.1.contact",
        "--lang",
        "en",
        user="wanda",
        code=2,
    )
    assert "is missing" in english
    none_ticked = cli(
        "disclose", "create", case_id, *DISCLOSURE, "--reasonable-cause", "menaces", user="wanda", code=2
    )
    assert "coché" in none_ticked
    assert json.loads(cli("disclose", "list", "--json", user="wanda")) == []
    made = json.loads(
        cli(
            "disclose",
            "create",
            case_id,
            *DISCLOSURE,
            "--reasonable-cause",
            "Il a dit hier qu'il la tuerait.",
            "--field",
            "victim.1.contact",
            "--json",
            user="wanda",
        )
    )["id"]
    assert json.loads(cli("case", "shared", "--json", user="paul")) == [
        {"case": case_id, "bases": ["disclosure"], "full": False, "compromission": None}
    ]
    received = json.loads(cli("case", "shared", case_id, "--json", user="paul"))
    assert received["bases"] == ["disclosure"] and received["fields"] == ["victim.1.contact"]
    assert received["received"][0]["sent"] == {"victim.1.contact": {"phone": "555-0142", "address": None}}
    cli("case", "show", case_id, "--json", user="paul", code=1)
    entry = json.loads(cli("disclose", "show", made, "--json", user="paul"))
    assert entry["recipient_category"] == "able_to_help" and entry["fields"] == ["victim.1.contact"]
    cli("disclose", "annotate", made, "--text", "Police avisée à 15 h.", user="wanda")
    now = datetime.now(UTC)
    period = (
        "--from",
        (now - timedelta(hours=1)).isoformat(),
        "--to",
        (now + timedelta(hours=1)).isoformat(),
    )
    register = cli("disclose", "register", *period, user="wanda")
    assert CANARY not in register
    rows = list(csv.DictReader(io.StringIO(register)))
    assert [(r["kind"], r["reference"], r["recipient"], r["information"]) for r in rows] == [
        ("disclosure", made, "Police Rivière", "victim.1.contact")
    ]
    output = tmp_path / "registre.json"
    cli("disclose", "register", *period, "--format", "json", "--output", str(output), user="wanda")
    assert json.loads(output.read_text(encoding="utf-8"))[0]["reference"] == made
    assert output.stat().st_mode & 0o077 == 0
    cli(
        "disclose",
        "register",
        "--from",
        now.isoformat(),
        "--to",
        "2020-01-01T00:00:00+00:00",
        user="wanda",
        code=2,
    )
    errors = cli.outputs[1::2]  # type: ignore[attr-defined]
    assert errors and all(CANARY not in text for text in errors)


def test_consent_share_withdraw_and_referral(cli) -> None:  # type: ignore[no-untyped-def]
    case_id = json.loads(cli("case", "new", "--label", "Dossier consentement", "--json", user="wanda"))["id"]
    expires = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    missing = cli(
        "consent",
        "give",
        case_id,
        "--person",
        " ",
        "--purpose",
        "protection",
        "--partner-sector",
        "youth_protection",
        "--expires",
        expires,
        user="wanda",
        code=2,
    )
    assert "person" in missing and "catégorie" in missing
    consent_id = json.loads(
        cli(
            "consent",
            "give",
            case_id,
            "--person",
            "la victime",
            "--purpose",
            "protection",
            "--category",
            "risk_level",
            "--partner-sector",
            "youth_protection",
            "--partner",
            "DPJ Nord",
            "--expires",
            expires,
            "--json",
            user="wanda",
        )
    )["id"]
    allowed = json.loads(
        cli(
            "consent",
            "check",
            case_id,
            "--category",
            "risk_level",
            "--to",
            "DPJ Nord",
            "--json",
            user="wanda",
        )
    )
    assert allowed["allowed"] and allowed["consents"] == [consent_id]
    cli("consent", "check", case_id, "--category", "health", "--to", "DPJ Nord", user="wanda", code=1)
    share_risk_level = ("consent", "share", case_id, "--category", "risk_level", "--to", "DPJ Nord")
    cli(*share_risk_level, "--purpose", "protection", user="wanda")
    cli("consent", "withdraw", consent_id, user="wanda")
    refused = cli(*share_risk_level, "--purpose", "protection", user="wanda", code=1)
    assert "retiré" in refused
    [listed] = json.loads(cli("consent", "list", case_id, "--json", user="wanda"))
    assert listed["status"] == "withdrawn"
    cli(
        "case",
        "refer",
        case_id,
        "--to",
        "Police Rivière",
        "--reason",
        "suivi",
        "--basis",
        "rumour",
        user="wanda",
        code=2,
    )
    cli(
        "case",
        "refer",
        case_id,
        "--to",
        "Police Rivière",
        "--reason",
        "suivi",
        "--basis",
        "law:A-2.1 s. 59.1",
        user="paul",
        code=1,
    )
    referral = json.loads(
        cli(
            "case",
            "refer",
            case_id,
            "--to",
            "Police Rivière",
            "--reason",
            "suivi",
            "--basis",
            "law:A-2.1 s. 59.1",
            "--json",
            user="wanda",
        )
    )["id"]
    assert json.loads(cli("case", "show", case_id, "--json", user="paul"))["id"] == case_id
    cli("case", "end-referral", referral, user="wanda")
    cli("case", "show", case_id, "--json", user="paul", code=1)


def test_the_cell_steps_out_of_order_are_refused(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    case_id = json.loads(cli("case", "new", "--label", "Dossier cellule", "--json", user="wanda"))["id"]
    cli("concertation", "request", case_id, "--criterion", "professional_judgement", user="wanda", code=2)
    request = json.loads(
        cli("concertation", "request", case_id, "--criterion", "visible_high_risk", "--json", user="wanda")
    )["id"]
    early = cli("concertation", "committee", request, user="cora", code=1)
    assert "« requested »" in early and "submitted" in early
    cli("concertation", "submit", request, "--note", "grille", user="wanda", code=1)
    unassessed = cli("concertation", "submit", request, "--note", "grille : aggravé", user="rita", code=2)
    assert "aucun niveau de compromission confirmé" in unassessed
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(grid(homicide_plan="yes")), encoding="utf-8")
    cli("case", "assess", case_id, "--instrument", "csvc-grid", "--answers", str(answers), user="wanda")
    cli("concertation", "submit", request, "--note", "grille : aggravé", user="rita")
    [sent] = json.loads(cli("concertation", "list", "--json", user="cora"))
    assert (sent["compromission"], sent["level"]["instrument"], sent["level"]["confirmed_by"]) == (
        4,
        "csvc-grid",
        "wanda",
    )
    assert cli("concertation", "list", user="cora").startswith("[4 Imminent]  " + request)
    assert "Carried level: 4 Imminent" in cli("concertation", "show", request, "--lang", "en", user="cora")
    assert "Niveau porté : 4 Imminent — csvc-grid" in cli("concertation", "show", request, user="cora")
    cli(
        "concertation",
        "decide",
        request,
        "--member",
        "a",
        "--member",
        "b",
        "--member",
        "c",
        "--concerted-action",
        "--reason",
        "x",
        user="cora",
        code=1,
    )
    cli("concertation", "committee", request, user="cora")
    cli(
        "concertation",
        "decide",
        request,
        "--member",
        "a",
        "--member",
        "b",
        "--concerted-action",
        "--reason",
        "x",
        user="cora",
        code=2,
    )
    cli(
        "concertation",
        "decide",
        request,
        "--member",
        "Coord.",
        "--member",
        "Sgt",
        "--member",
        "Interv.",
        "--concerted-action",
        "--reason",
        "menaces de mort",
        user="cora",
    )
    meeting = tmp_path / "meeting.json"
    meeting.write_text(
        json.dumps(
            {
                "at": datetime.now(UTC).isoformat(),
                "kind": "emergency",
                "chair": "Coord.",
                "attendees": [{"name": "Sgt Roy", "organisation": "Police Rivière", "sector": "police"}],
                "actions": [
                    {
                        "description": "patrouilles",
                        "owner_org": "Police Rivière",
                        "due": (datetime.now(UTC) + timedelta(days=2)).isoformat(),
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    cli("concertation", "meeting", request, "--file", str(meeting), user="cora")
    shown = json.loads(cli("concertation", "show", request, "--json", user="paul"))
    [action] = shown["actions"]
    assert shown["state"] == "follow_up" and action["owner_org"] == "Police Rivière"
    assert (shown["view"], shown["compromission"], shown["steps"][1]["note"]) == ("own_actions", 4, None)
    assert "minimum nécessaire" in cli("concertation", "show", request, user="paul")
    cli("concertation", "close", request, "--reason", "plan_completed", user="cora", code=1)
    cli("concertation", "done", request, action["id"], "--note", "faites", user="paul")
    cli("concertation", "close", request, "--reason", "risk_reduced", user="cora")
    listed = json.loads(cli("concertation", "list", "--json", user="rita"))
    assert [(item["id"], item["state"]) for item in listed] == [(request, "closed")]


def test_break_glass_and_its_review_by_a_supervisor(cli) -> None:  # type: ignore[no-untyped-def]
    case_id = json.loads(cli("case", "new", "--label", CANARY, "--json", user="wanda"))["id"]
    cli("case", "show", case_id, user="paul", code=1)
    refused = cli("case", "break-glass", case_id, "--reason", " ", user="paul", code=2)
    assert "pourquoi" in refused
    told = cli("case", "break-glass", case_id, "--reason", "il arrive armé ce soir", user="paul")
    assert "superviseurs" in told
    sealed = cli("case", "show", case_id, "--reveal", user="paul", code=1)  # recorded, but grants no key
    assert CANARY not in sealed and "ne détient pas la clé" in sealed
    assert "À EXAMINER" in cli("emergency", "list", user="rita")
    [alert] = json.loads(cli("emergency", "list", "--json", user="rita"))
    assert alert["user"] == "paul" and alert["reason"] == "il arrive armé ce soir"
    cli("emergency", "list", user="wanda", code=1)  # a worker reviews nothing
    cli("emergency", "review", alert["id"], user="rita")
    assert "Aucun accès" in cli("emergency", "list", user="rita")
