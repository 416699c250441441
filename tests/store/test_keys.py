"""Keys per organisation: a staff member of one organisation, with raw SQL on the store and every key her own
passphrase opens, reads nothing of another organisation's victims but what was shared with hers (on a real
SQLite file and a real PostgreSQL server)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs
import pytest
from sqlalchemy import Connection, func, select, update

from csvc_core.errors import OperationFailed
from csvc_core.sharing.disclosure import Grounds, Recipient
from csvc_core.sharing.handover import Basis
from csvc_core.store import (
    AccessDenied,
    Contact,
    Store,
    StoreSession,
    casefile,
    cases,
    casetools,
    consents,
    crypto,
    disclosures,
    handovers,
    keyring,
    people,
    received,
    rotation,
)
from csvc_core.store.people import LoginRefused, private_key_of
from csvc_core.store.schema import audit_log, key_grants, metadata, organisations, users
from csvc_core.store.schema import cases as cases_table
from csvc_core.testing import raises_worded
from tests.support.cli import run_csvc
from tests.support.constants import FAST_KDF, PASSPHRASE

POLICE = "Police Rivière"
LAW = Basis("law", "A-2.1 s. 59.1")
GROUNDS = Grounds(
    reasonable_cause="menaces répétées, arme au domicile",
    harms=frozenset({"death"}),
    exposed="la personne suivie",
    violence="homicide conjugal",
    danger="menaces de mort",
    urgency="départ ce soir",
    imminence="hours",
)


@attrs.frozen
class Victim:
    label: str
    name: str
    phone: str
    address: str

    @property
    def secrets(self) -> tuple[str, ...]:
        return (self.label, self.name, self.phone, self.address)


def open_case(session: StoreSession, tag: str) -> tuple[str, Victim]:
    victim = Victim(f"Dossier {tag}", f"Zoé {tag}", f"555-01{len(tag):02d}", f"{len(tag)} rue {tag}")
    case_id = session.run(cases.new_case, victim.label)
    session.run(
        cases.add_protagonist,
        case_id,
        "victim",
        name=victim.name,
        contact=Contact(phone=victim.phone, address=victim.address, safe_times="9h-11h"),
        safe_to_call=True,
    )
    return case_id, victim


def _place(table_name: str, column: str, row: object, keys: list[str]) -> str:
    return f"{table_name}.{column}:{'.'.join(str(getattr(row, key)) for key in keys)}"


def harvest(connection: Connection, name: str, passphrase: str) -> str:
    """Everything ``name`` decrypts with raw SQL: her private key, every key a grant opens to her (and to the
    organisation keys she gets that way), the keys derived from them, tried on every sealed column."""
    me = connection.execute(select(users).where(users.c.name == name)).one()
    private = private_key_of(me, passphrase)
    assert private is not None
    org_ids = [row.id for row in connection.execute(select(metadata.tables["organisations"].c.id))]
    privates, symmetric = {private}, {keyring.self_key(private, me.id)}
    grants = connection.execute(select(key_grants)).all()
    grown = True
    while grown:
        grown = False
        for grant in grants:
            for key in list(privates):
                opened = crypto.open_sealed(key, grant.wrapped, keyring.grant_aad(grant.scope, grant.holder))
                if opened is None or opened in privates | symmetric:
                    continue
                grown = True
                if grant.scope.startswith("org:"):
                    privates.add(opened)
                    symmetric.update(keyring.records_key(opened, org_id) for org_id in org_ids)
                else:
                    symmetric.add(opened)
    found = []
    for table in metadata.sorted_tables:
        sealed = [column.name for column in table.c if column.name.endswith("_ct")]
        keys = [column.name for column in table.primary_key.columns]
        for row in connection.execute(select(table)).all() if sealed else []:
            for column in sealed:
                blob = getattr(row, column)
                if blob is None:
                    continue
                place = _place(table.name, column, row, keys)
                for key in symmetric:
                    with contextlib.suppress(Exception):
                        found.append(crypto.open_field(key, blob, place))
                for key in privates:
                    opened = crypto.open_sealed(key, blob, place.encode())
                    if opened is not None:
                        found.append(opened.decode("utf-8"))
    return "\n".join(found)


def opens(key: bytes, blob: bytes, place: str) -> bool:
    """Whether ``key`` opens ``blob`` at ``place``, as a scope key or as a private key."""
    try:
        crypto.open_field(key, blob, place)
    except Exception:
        return crypto.open_sealed(key, blob, place.encode()) is not None
    return True


@pytest.fixture
def pair(store: Store, session: StoreSession) -> Iterator[tuple[StoreSession, StoreSession]]:
    """Maison Aurore's worker and the police's worker, each added by her own organisation's administrator."""
    session.run(people.add_organisation, POLICE, "police", admin="paula", passphrase=PASSPHRASE, kdf=FAST_KDF)
    session.run(people.add_user, "sophie", "worker", PASSPHRASE, kdf=FAST_KDF)
    police_admin = store.unlock("paula", PASSPHRASE)
    police_admin.run(people.add_user, "bruno", "worker", PASSPHRASE, kdf=FAST_KDF)
    police_admin.lock()
    shelter, police = store.unlock("sophie", PASSPHRASE), store.unlock("bruno", PASSPHRASE)
    yield shelter, police
    shelter.lock()
    police.lock()


def seen_by(store: Store, name: str) -> str:
    with store.engine.connect() as connection:
        return harvest(connection, name, PASSPHRASE)


def test_another_organisation_decrypts_only_what_was_shared_with_it(
    store: Store, pair: tuple[StoreSession, StoreSession]
) -> None:
    shelter, police = pair
    case_id, victim = open_case(shelter, "Aurore")
    assert victim.name in seen_by(store, "sophie")  # the attack reads what its user may read
    assert not any(secret in seen_by(store, "bruno") for secret in victim.secrets)

    consent = shelter.run(
        consents.give_consent,
        case_id,
        person=victim.name,
        purpose="protection",
        categories=["identity"],
        partner_sector="police",
        partner=POLICE,
        expires_at=datetime.now(UTC) + timedelta(days=30),
    )
    shelter.run(consents.share, case_id, categories=["identity"], to=POLICE, purpose="protection")
    seen = seen_by(store, "bruno")
    assert victim.label in seen and victim.name in seen  # exactly the shared fields
    assert victim.phone not in seen and victim.address not in seen
    shelter.run(consents.withdraw_consent, consent)  # the recipient's copy goes with it
    assert not any(secret in seen_by(store, "bruno") for secret in victim.secrets)

    other_id, other = open_case(shelter, "Boréale")
    shelter.run(
        disclosures.disclose,
        other_id,
        recipient=Recipient("Poste de la Rivière", "police", "able_to_help"),
        recipient_org=POLICE,
        grounds=GROUNDS,
        fields=["victim.1.contact"],
    )
    seen = seen_by(store, "bruno")
    assert other.phone in seen and other.address in seen
    assert other.label not in seen and other.name not in seen
    [got] = police.run(received.shared_with_me, other_id)["received"]
    assert got["sent"] == {"victim.1.contact": {"phone": other.phone, "address": other.address}}

    referral = shelter.run(handovers.refer, case_id, to=POLICE, why="suivi des conditions", basis=LAW)
    assert police.run(casefile.case_detail, case_id, reveal=True).summary.label == victim.label
    shelter.run(handovers.end_referral, referral)
    with store.engine.connect() as connection:
        held = connection.execute(
            select(key_grants.c.holder).where(key_grants.c.scope == keyring.of_case(case_id))
        ).scalars()
        assert set(held) == {keyring.of_org(shelter.actor.org_id)}
    assert not any(secret in seen_by(store, "bruno") for secret in victim.secrets)
    with pytest.raises(AccessDenied):
        police.run(casefile.case_detail, case_id, reveal=True)


def test_claiming_another_organisation_in_the_session_opens_nothing(
    store: Store, pair: tuple[StoreSession, StoreSession]
) -> None:
    shelter, police = pair
    case_id, _victim = open_case(shelter, "Aurore")
    police.actor = attrs.evolve(police.actor, org_id=shelter.actor.org_id)  # code run beside csvc
    with pytest.raises(AccessDenied):  # no key; on PostgreSQL the server does not even show the row
        police.run(casefile.case_detail, case_id, reveal=True)
    if store.location.kind == "postgresql":
        # the server shows her her own organisation's rows, and refuses an audit entry in another's name
        with raises_worded(OperationFailed, "names the user who writes it"):
            police.run(cases.list_cases, reveal=True)
        return
    with raises_worded(AccessDenied, "does not hold the key"):
        police.run(cases.list_cases, reveal=True)
    assert [summary.label for summary in police.run(cases.list_cases)] == [
        None
    ]  # ids only: nothing decrypted


def test_a_disabled_user_unwraps_no_key_with_her_old_passphrase(
    store: Store, session: StoreSession, pair: tuple[StoreSession, StoreSession]
) -> None:
    shelter, _police = pair
    case_id, victim = open_case(shelter, "Aurore")
    session.run(people.set_user_active, "sophie", False)
    with store.engine.connect() as connection:
        copied = connection.execute(select(users).where(users.c.name == "sophie")).one()
        grants = connection.execute(select(key_grants)).all()
    private = private_key_of(copied, PASSPHRASE)  # her row, copied after she was disabled
    assert private is not None
    assert not any(
        crypto.open_sealed(private, g.wrapped, keyring.grant_aad(g.scope, g.holder)) for g in grants
    )
    assert not any(secret in seen_by(store, "sophie") for secret in victim.secrets)
    with pytest.raises(LoginRefused):
        store.unlock("sophie", PASSPHRASE)

    session.run(people.set_user_active, "sophie", True, "une toute nouvelle phrase", kdf=FAST_KDF)
    with pytest.raises(LoginRefused):
        store.unlock("sophie", PASSPHRASE)
    again = store.unlock("sophie", "une toute nouvelle phrase")
    assert again.run(casefile.case_detail, case_id, reveal=True).summary.label == victim.label
    again.lock()


def test_after_a_rotation_keys_copied_before_open_nothing(
    store: Store, session: StoreSession, pair: tuple[StoreSession, StoreSession]
) -> None:
    shelter, police = pair
    case_id, victim = open_case(shelter, "Aurore")
    plan = {"sections": {"at_home": {"ready_bag": {"answer": victim.address, "status": "in_place"}}}}
    shelter.run(casetools.save_tool, case_id, "safety-plan", plan)
    shelter.run(handovers.refer, case_id, to=POLICE, why="suivi", basis=LAW)
    with store.engine.connect() as connection:
        me = connection.execute(select(users).where(users.c.name == "sophie")).one()
        private = private_key_of(me, PASSPHRASE)
        assert private is not None
        before = connection.execute(select(key_grants)).all()
    held = {  # every key she held before leaving: her organisation's, then what it holds
        g.scope: opened
        for g in before
        if (opened := crypto.open_sealed(private, g.wrapped, keyring.grant_aad(g.scope, g.holder)))
    }
    org_private = held[keyring.of_org(shelter.actor.org_id)]
    held.update(
        {
            g.scope: opened
            for g in before
            if (opened := crypto.open_sealed(org_private, g.wrapped, keyring.grant_aad(g.scope, g.holder)))
        }
    )
    assert keyring.of_case(case_id) in held
    copied = [*held.values(), keyring.records_key(org_private, shelter.actor.org_id)]

    session.run(people.set_user_active, "sophie", False)
    counts = session.run(rotation.rotate_org_key)
    assert counts["cases"] == 1 and counts["members"] == 1 and counts["values"] >= 3
    with store.engine.connect() as connection:
        after = connection.execute(select(key_grants)).all()
        for table in metadata.sorted_tables:
            sealed = [column.name for column in table.c if column.name.endswith("_ct")]
            keys = [column.name for column in table.primary_key.columns]
            for row in connection.execute(select(table)).all() if sealed else []:
                for column in sealed:
                    blob, place = getattr(row, column), _place(table.name, column, row, keys)
                    if blob is not None:
                        assert not any(opens(key, blob, place) for key in copied), place
        entry = connection.execute(select(audit_log).where(audit_log.c.action == "org.rotate_key")).one()
    for g in after:
        assert crypto.open_sealed(org_private, g.wrapped, keyring.grant_aad(g.scope, g.holder)) is None
    assert victim.name not in entry.detail and json.loads(entry.detail)["cases"] == 1
    assert (
        session.run(casefile.case_detail, case_id, reveal=True).summary.label == victim.label
    )  # the admin reads on
    kept = session.run(casetools.read_tool, case_id, "safety-plan").content["sections"]["at_home"][
        "ready_bag"
    ]
    assert kept["answer"] == victim.address  # the plan was re-sealed with the case
    assert (
        police.run(casefile.case_detail, case_id, reveal=True).summary.label == victim.label
    )  # the referee too


def test_the_command_line_adds_an_organisation_with_its_admin_rotates_and_enables(
    sqlite_store: Store, sqlite_url: str, tmp_path: Path
) -> None:
    env = {"CSVC_STORE": sqlite_url, "CSVC_USER": "alice", "CSVC_PASSPHRASE": PASSPHRASE}
    fresh = {**env, "CSVC_NEW_PASSPHRASE": "la phrase de paula, longue"}
    added = run_csvc("org", "add", POLICE, "--sector", "police", "--admin", "paula", "--json", env=fresh)
    assert added.returncode == 0, added.stderr
    paula = {**env, "CSVC_USER": "paula", "CSVC_PASSPHRASE": "la phrase de paula, longue"}
    worker = {**paula, "CSVC_NEW_PASSPHRASE": "la phrase de bruno, longue"}
    assert run_csvc("user", "add", "bruno", "--role", "worker", env=worker).returncode == 0
    other = run_csvc(
        "user",
        "add",
        "carl",
        "--role",
        "worker",
        "--org",
        POLICE,
        env={**env, **{"CSVC_NEW_PASSPHRASE": "la phrase de carl, longue"}},
    )
    assert other.returncode == 1 and "paula" not in other.stderr and len(other.stderr.splitlines()) == 1
    made = run_csvc("case", "new", "--label", "Dossier police", "--json", env=paula)
    assert made.returncode == 0, made.stderr

    assert run_csvc("user", "disable", "bruno", env=paula).returncode == 0
    rotated = run_csvc("org", "rotate-key", "--json", env=paula)
    assert rotated.returncode == 0, rotated.stderr
    assert '"cases": 1' in rotated.stdout and '"members": 1' in rotated.stdout
    enabled = run_csvc(
        "user", "enable", "bruno", env={**paula, "CSVC_NEW_PASSPHRASE": "bruno, de retour ici"}
    )
    assert enabled.returncode == 0, enabled.stderr
    bruno = {**env, "CSVC_USER": "bruno", "CSVC_PASSPHRASE": "bruno, de retour ici"}
    listed = run_csvc("case", "list", "--reveal", "--json", env=bruno)
    assert listed.returncode == 0 and "Dossier police" in listed.stdout
    old = run_csvc("case", "list", env={**bruno, "CSVC_PASSPHRASE": "la phrase de bruno, longue"})
    assert old.returncode == 1


def test_a_public_key_put_in_place_of_her_organisation_s_is_refused(
    store: Store, pair: tuple[StoreSession, StoreSession]
) -> None:
    shelter, police = pair
    with store.engine.begin() as connection:  # the police's key in place of the shelter's: new case keys
        theirs = connection.execute(  # would be sealed to the police
            select(organisations.c.public_key).where(organisations.c.id == police.actor.org_id)
        ).scalar_one()
        connection.execute(
            update(organisations).where(organisations.c.id == shelter.actor.org_id).values(public_key=theirs)
        )
    with raises_worded(OperationFailed, "no longer matches its private key"):
        shelter.run(cases.new_case, "Dossier détourné")
    with store.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(cases_table)).scalar_one() == 0
