"""A person may work cases and administer her organisation ("worker+admin"): the first person of a small
shelter shares and manages her colleagues; a pure administrator still does not share. A change of role is
made by an administrator of the person's organisation and the server follows it (a real SQLite file, a real
PostgreSQL server, the command line in a subprocess)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from csvc_core.errors import OperationFailed
from csvc_core.framework import Csvc
from csvc_core.sharing.reasons import Refused
from csvc_core.store import AccessDenied, Store, StoreSession, cases, consents, emergency, init_store, people
from csvc_core.testing import raises_worded
from tests.support.cli import run_csvc
from tests.support.constants import CANARY, FAST_KDF, PASSPHRASE

POLICE = "Police Rivière"


def share_a_case(session: StoreSession) -> str:
    """Open a case, record the victim's consent to tell the police, share her identity with them."""
    case_id = session.run(cases.new_case, CANARY)
    session.run(
        consents.give_consent,
        case_id,
        person=CANARY,
        purpose="protection",
        categories=["identity"],
        partner_sector="police",
        partner=POLICE,
        expires_at=datetime.now(UTC) + timedelta(days=30),
    )
    return session.run(consents.share, case_id, categories=["identity"], to=POLICE, purpose="protection")


@pytest.fixture
def first_both(store_url: str) -> Iterator[tuple[Store, StoreSession]]:
    """Maison Aurore, whose first person alice works cases and administers."""
    with (
        init_store(
            store_url,
            org="Maison Aurore",
            sector="shelter",
            user="alice",
            passphrase=PASSPHRASE,
            role="worker+admin",
            kdf=FAST_KDF,
            csvc=Csvc.load(),
        ) as store,
        store.unlock("alice", PASSPHRASE) as alice,
    ):
        yield store, alice


def test_the_first_person_both_administers_and_shares(first_both: tuple[Store, StoreSession]) -> None:
    store, alice = first_both
    assert (alice.actor.role, alice.actor.administers) == ("worker", True)
    alice.run(people.add_organisation, POLICE, "police", admin="pia", passphrase=PASSPHRASE, kdf=FAST_KDF)
    alice.run(people.add_user, "wanda", "worker", PASSPHRASE, kdf=FAST_KDF)
    assert share_a_case(alice)
    with store.unlock("pia", PASSPHRASE) as pia:  # a pure administrator still does not share
        assert (pia.actor.role, pia.actor.administers) == ("admin", True)
        pia.run(
            people.add_organisation,
            "Centre Hélios",
            "health",
            admin="hugo",
            passphrase=PASSPHRASE,
            kdf=FAST_KDF,
        )
    assert [(u.name, u.role) for u in alice.run(people.list_users)] == [
        ("alice", "worker+admin"),
        ("wanda", "worker"),
    ]


def test_a_pure_administrator_is_refused_sharing_in_words(session: StoreSession) -> None:
    session.run(people.add_organisation, POLICE, "police", admin="pia", passphrase=PASSPHRASE, kdf=FAST_KDF)
    with raises_worded(Refused, "le rôle « administration » ne communique pas", "fr"):
        share_a_case(session)
    with raises_worded(Refused, r"\(rôles permis : coordination, répondante, intervenante\)", "fr"):
        share_a_case(session)


def test_an_administrator_changes_a_colleagues_role_and_the_store_follows(
    store_url: str, session: StoreSession
) -> None:
    store = session.store
    session.run(people.add_organisation, POLICE, "police", admin="pia", passphrase=PASSPHRASE, kdf=FAST_KDF)
    session.run(people.add_user, "wanda", "worker", PASSPHRASE, kdf=FAST_KDF)
    refused = r"'wanda' \(intervenante\) n'a pas le droit : user.manage"
    with store.unlock("wanda", PASSPHRASE) as wanda, raises_worded(AccessDenied, refused, "fr"):
        wanda.run(people.add_user, "paul", "worker", PASSPHRASE, kdf=FAST_KDF)
    session.run(people.set_user_role, "wanda", "worker+admin")
    with store.unlock("wanda", PASSPHRASE) as wanda:  # the server lets her add people now
        wanda.run(people.add_user, "paul", "worker", PASSPHRASE, kdf=FAST_KDF)
        assert share_a_case(wanda)
        with raises_worded(OperationFailed, "on ne cesse pas soi-même d'administrer", "fr"):
            wanda.run(people.set_user_role, "wanda", "worker")
        wanda.run(people.set_user_role, "alice", "coordinator+admin")
    other = "'wanda' belongs to another organisation"  # separation between organisations holds
    with store.unlock("pia", PASSPHRASE) as pia, raises_worded(OperationFailed, other, "en"):
        pia.run(people.set_user_role, "wanda", "admin")
    session.run(people.set_user_role, "wanda", "worker")
    with store.unlock("wanda", PASSPHRASE) as wanda, pytest.raises(AccessDenied):
        wanda.run(people.add_user, "zoe", "worker", PASSPHRASE, kdf=FAST_KDF)
    assert [(u.name, u.role) for u in session.run(people.list_users)] == [
        ("alice", "coordinator+admin"),
        ("paul", "worker"),
        ("wanda", "worker"),
    ]


def test_the_command_line_sets_roles_in_words(tmp_path: Path, sqlite_url: str) -> None:
    env = {
        "CSVC_STORE": sqlite_url,
        "CSVC_USER": "alice",
        "CSVC_PASSPHRASE": PASSPHRASE,
        "CSVC_NEW_PASSPHRASE": PASSPHRASE,
        "XDG_DATA_HOME": str(tmp_path / "xdg-data"),
        "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
    }

    def csvc(*args: str, code: int = 0) -> str:
        done = run_csvc(*args, env=env)
        assert done.returncode == code, (args, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr
        return done.stderr if code else done.stdout

    init = ("store", "init", "--org", "Maison Aurore", "--sector", "shelter", "--user", "alice", "--role")
    refused = csvc(*init, "worker", code=2)
    assert "'worker' n'est pas l'une de ces valeurs : 'admin', 'worker+admin'" in refused
    csvc(*init, "worker+admin")
    assert "wanda (intervenante)" in csvc("user", "add", "wanda", "--role", "worker")
    assert "wanda (intervenante + administration)" in csvc("user", "role", "wanda", "--role", "worker+admin")
    listed = csvc("user", "list")
    assert "alice" in listed and "intervenante + administration" in listed
    assert [u["role"] for u in json.loads(csvc("user", "list", "--json"))] == ["worker+admin", "worker+admin"]
    assert "d'administrer" in csvc("user", "role", "alice", "--role", "worker", code=1)


def test_who_works_cases_and_administers_reviews_an_emergency_access(
    first_both: tuple[Store, StoreSession],
) -> None:
    store, alice = first_both
    alice.run(people.add_organisation, POLICE, "police", admin="pia", passphrase=PASSPHRASE, kdf=FAST_KDF)
    with store.unlock("pia", PASSPHRASE) as pia:
        pia.run(people.add_user, "paul", "worker", PASSPHRASE, kdf=FAST_KDF)
    case_id = alice.run(cases.new_case, CANARY)
    with store.unlock("paul", PASSPHRASE) as paul:
        opened = paul.break_glass(case_id, "Il arrive armé ce soir", PASSPHRASE)
    [alert] = alice.run(emergency.emergency_alerts)
    assert alert.id == opened["id"]
    alice.run(emergency.review_emergency, opened["id"])
    assert alice.run(emergency.emergency_alerts) == []
