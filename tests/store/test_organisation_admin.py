"""An administrator manages her own organisation's people only; a new organisation gets its first
administrator when it is created (on a real SQLite file and a real PostgreSQL server; the command line in a
subprocess)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from csvc_core.errors import BadInput, OperationFailed
from csvc_core.store import AccessDenied, Store, StoreSession, cases, people
from csvc_core.store.people import LoginRefused
from csvc_core.store.schema import audit_log, organisations, users
from csvc_core.testing import raises_worded
from tests.support.cli import run_csvc
from tests.support.constants import CANARY, FAST_KDF, PASSPHRASE
from tests.support.stores import new_store


def count(store: Store, table) -> int:  # type: ignore[no-untyped-def]
    with store.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


@pytest.fixture
def police_admin(store: Store, session: StoreSession) -> StoreSession:
    """Maison Aurore (alice, admin; wanda, worker, with one case) and Police Rivière, created with pia as its
    admin."""
    session.run(people.add_user, "wanda", "worker", PASSPHRASE, kdf=FAST_KDF)
    with store.unlock("wanda", PASSPHRASE) as wanda:
        wanda.run(cases.new_case, CANARY)
    session.run(
        people.add_organisation, "Police Rivière", "police", admin="pia", passphrase=PASSPHRASE, kdf=FAST_KDF
    )
    return store.unlock("pia", PASSPHRASE)


def test_an_admin_may_not_add_people_to_another_organisation(
    store: Store, police_admin: StoreSession
) -> None:
    before = (count(store, users), count(store, audit_log))
    with raises_worded(OperationFailed, "'Maison Aurore' is not your organisation", "en"):
        police_admin.run(
            people.add_user, "mole", "coordinator", PASSPHRASE, organisation="Maison Aurore", kdf=FAST_KDF
        )
    with raises_worded(BadInput, "unknown organisation 'Nulle Part'", "en"):
        police_admin.run(
            people.add_user, "mole", "coordinator", PASSPHRASE, organisation="Nulle Part", kdf=FAST_KDF
        )
    assert (count(store, users), count(store, audit_log)) == before
    with pytest.raises(LoginRefused):
        store.unlock("mole", PASSPHRASE)
    police_admin.run(
        people.add_user, "paul", "worker", PASSPHRASE, organisation="Police Rivière", kdf=FAST_KDF
    )
    with store.unlock("paul", PASSPHRASE) as paul:
        assert paul.actor.org_name == "Police Rivière" and paul.run(cases.list_cases) == []


def test_an_admin_may_not_disable_or_enable_another_organisations_people(
    store: Store, session: StoreSession, police_admin: StoreSession
) -> None:
    with raises_worded(OperationFailed, "'wanda' belongs to another organisation than yours", "en"):
        police_admin.run(people.set_user_active, "wanda", False)
    store.unlock("wanda", PASSPHRASE).lock()
    session.run(people.set_user_active, "wanda", False)
    with raises_worded(OperationFailed, "'Police Rivière'", "en"):
        police_admin.run(people.set_user_active, "wanda", True)
    with pytest.raises(LoginRefused):
        store.unlock("wanda", PASSPHRASE)
    with raises_worded(OperationFailed, "'pia' belongs to another organisation"):
        session.run(people.set_user_active, "pia", False)
    police_admin.run(people.add_user, "paul", "worker", PASSPHRASE, kdf=FAST_KDF)
    police_admin.run(people.set_user_active, "paul", False)
    with pytest.raises(LoginRefused):
        store.unlock("paul", PASSPHRASE)


def test_an_admin_lists_her_own_organisations_people(
    session: StoreSession, police_admin: StoreSession
) -> None:
    assert [(u.name, u.organisation) for u in session.run(people.list_users)] == [
        ("alice", "Maison Aurore"),
        ("wanda", "Maison Aurore"),
    ]
    assert [(u.name, u.role, u.organisation) for u in police_admin.run(people.list_users)] == [
        ("pia", "admin", "Police Rivière")
    ]


def test_a_new_organisation_is_created_with_its_first_admin(store: Store, session: StoreSession) -> None:
    before = (count(store, organisations), count(store, users))
    with raises_worded(BadInput, "^administrator: a new organisation gets its first administrator", "en"):
        session.run(
            people.add_organisation,
            "Police Rivière",
            "police",
            admin=" ",
            passphrase=PASSPHRASE,
            kdf=FAST_KDF,
        )
    with raises_worded(OperationFailed, "'alice' already exists", "en"):
        session.run(
            people.add_organisation,
            "Police Rivière",
            "police",
            admin="alice",
            passphrase=PASSPHRASE,
            kdf=FAST_KDF,
        )
    with raises_worded(BadInput, "passphrase", "en"):
        session.run(
            people.add_organisation, "Police Rivière", "police", admin="pia", passphrase="court", kdf=FAST_KDF
        )
    assert (count(store, organisations), count(store, users)) == before
    session.run(people.add_user, "wanda", "worker", PASSPHRASE, kdf=FAST_KDF)
    with store.unlock("wanda", PASSPHRASE) as wanda, pytest.raises(AccessDenied):
        wanda.run(
            people.add_organisation,
            "Police Rivière",
            "police",
            admin="pia",
            passphrase=PASSPHRASE,
            kdf=FAST_KDF,
        )
    session.run(
        people.add_organisation, "Police Rivière", "police", admin="pia", passphrase=PASSPHRASE, kdf=FAST_KDF
    )
    with store.unlock("pia", PASSPHRASE) as pia:
        assert (pia.actor.role, pia.actor.org_name, pia.actor.sector) == ("admin", "Police Rivière", "police")
    with store.engine.connect() as connection:
        actions = list(connection.execute(select(audit_log.c.action).order_by(audit_log.c.seq)).scalars())
    assert actions[-3:] == ["org.add", "user.add", "login"]


def test_the_command_line_keeps_an_admin_to_her_own_organisation(tmp_path: Path, sqlite_url: str) -> None:
    with (
        new_store(sqlite_url) as store,
        store.unlock("alice", PASSPHRASE) as alice,
    ):
        alice.run(people.add_user, "wanda", "worker", PASSPHRASE, kdf=FAST_KDF)
    env = {
        "CSVC_STORE": sqlite_url,
        "CSVC_PASSPHRASE": PASSPHRASE,
        "CSVC_NEW_PASSPHRASE": PASSPHRASE,
        "XDG_DATA_HOME": str(tmp_path / "xdg-data"),
        "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
    }

    def csvc(*args: str, user: str, code: int = 0) -> str:
        done = run_csvc(*args, "--lang", "en", env={**env, "CSVC_USER": user})
        assert done.returncode == code, (args, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr
        if code == 1:
            assert done.stderr.count("\n") == 1, done.stderr
        return done.stderr if code else done.stdout

    missing = csvc("org", "add", "Police Rivière", "--sector", "police", user="alice", code=2)
    assert "Missing option '--admin'" in missing
    added = csvc(
        "org", "add", "Police Rivière", "--sector", "police", "--admin", "pia", "--json", user="alice"
    )
    assert json.loads(added)["admin"] == "pia"
    refused = csvc(
        "user", "add", "mole", "--role", "coordinator", "--org", "Maison Aurore", user="pia", code=1
    )
    assert "'Maison Aurore' is not your organisation" in refused
    assert "'wanda' belongs to another organisation" in csvc("user", "disable", "wanda", user="pia", code=1)
    assert "'wanda' belongs to another organisation" in csvc("user", "enable", "wanda", user="pia", code=1)
    assert [u["name"] for u in json.loads(csvc("user", "list", "--json", user="pia"))] == ["pia"]
    csvc("user", "add", "paul", "--role", "worker", user="pia")
    assert [u["name"] for u in json.loads(csvc("user", "list", "--json", user="pia"))] == ["paul", "pia"]
    assert [u["name"] for u in json.loads(csvc("user", "list", "--json", user="alice"))] == ["alice", "wanda"]
    assert "unknown or disabled" in csvc("case", "list", user="mole", code=1)
    csvc("case", "list", user="wanda")
