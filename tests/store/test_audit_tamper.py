"""Attacks on the trail and on the rows that decide who sees what, by someone with raw database access and the
files of her own workstation: each is written as the attack first, then what csvc reports (both engines)."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import delete, insert, select, text, update

from csvc_core.errors import OperationFailed
from csvc_core.framework import Csvc
from csvc_core.sharing.disclosure import Grounds, Recipient
from csvc_core.store import Store, StoreSession, casefile, cases, disclosures, followup, open_store, people
from csvc_core.store.engine import CHANGE_LOCK, login_engine
from csvc_core.store.pg_logins import database_password, role_name
from csvc_core.store.schema import (
    audit_checkpoints,
    audit_log,
    store_meta,
    users,
    utcnow,
)
from csvc_core.store.schema import (
    cases as cases_table,
)
from csvc_core.store.schema import (
    disclosures as disclosures_table,
)
from csvc_core.testing import raises_worded
from tests.support.cli import run_csvc
from tests.support.constants import FAST_KDF, PASSPHRASE
from tests.support.stores import grid


def tamper(store: Store, *statements) -> None:  # type: ignore[no-untyped-def]
    """Raw changes; on PostgreSQL as a superuser who switches the triggers off (the worst case)."""
    with store.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
        for statement in statements:
            connection.execute(statement)


def some_work(session: StoreSession) -> str:
    case_id = session.run(cases.new_case, "Dossier fictif")
    session.assess(case_id, "csvc-grid", grid(homicide_plan="yes"))
    session.run(cases.list_cases)
    return case_id


def last_seq(store: Store) -> int:
    with store.engine.connect() as connection:
        return int(connection.execute(select(audit_log.c.seq).order_by(audit_log.c.seq.desc())).scalar() or 0)


# -- the anchor, the checkpoints ---------------------------------------------------------------------
def test_a_store_with_entries_and_no_anchor_is_not_intact(store: Store, session: StoreSession) -> None:
    some_work(session)
    store.anchor_path.unlink()
    report = store.verify_audit()
    assert not report.ok and "no anchor" in (report.problem or "")
    cli = run_csvc("audit", "verify", "--store", store.location.url, "--lang", "en")
    assert cli.returncode == 1 and "no anchor" in cli.stderr and cli.stderr.count("\n") == 1


@pytest.mark.parametrize("k", [1, 4])
def test_a_truncated_tail_with_the_anchor_deleted_is_caught_by_the_checkpoint(
    store: Store, session: StoreSession, k: int
) -> None:
    some_work(session)
    last = last_seq(store)
    store.anchor_path.unlink()
    tamper(store, delete(audit_log).where(audit_log.c.seq > last - k))
    report = store.verify_audit()
    assert not report.ok and report.first_bad == last - k + 1
    assert f"checkpoint at entry {last}" in (report.problem or "")


def test_an_emptied_trail_with_its_checkpoints_and_anchor_deleted_is_caught(
    store: Store, session: StoreSession
) -> None:
    some_work(session)
    store.anchor_path.unlink()
    tamper(store, delete(audit_log), delete(audit_checkpoints))
    report = store.verify_audit()
    assert not report.ok and report.first_bad == 1 and "trail is empty" in (report.problem or "")
    cli = run_csvc("audit", "verify", "--store", store.location.url, "--lang", "en")
    assert cli.returncode == 1 and "trail is empty" in cli.stderr


def test_a_truncated_tail_with_its_checkpoints_deleted_is_caught(store: Store, session: StoreSession) -> None:
    some_work(session)
    last = last_seq(store)
    store.anchor_path.unlink()
    tamper(store, delete(audit_log).where(audit_log.c.seq > last - 2), delete(audit_checkpoints))
    report = store.verify_audit()
    assert not report.ok and "no checkpoint" in (report.problem or "")


def test_a_checkpoint_rolled_back_to_an_earlier_true_one_is_caught(
    store: Store, session: StoreSession
) -> None:
    some_work(session)
    with store.engine.connect() as connection:
        saved = connection.execute(select(audit_checkpoints)).all()
    first_end = last_seq(store)
    some_work(session)
    store.anchor_path.unlink()
    tamper(
        store,
        delete(audit_log).where(audit_log.c.seq > first_end),
        delete(audit_checkpoints),
        insert(audit_checkpoints).values([row._asdict() for row in saved]),
    )
    report = store.verify_audit()
    assert not report.ok  # the rollback keeps a consistent trail; the anchor is the witness outside
    assert "no anchor" in (report.problem or "")


def test_a_forged_checkpoint_is_caught(store: Store, session: StoreSession) -> None:
    some_work(session)
    tamper(store, update(audit_checkpoints).values(seq=1))
    report = store.verify_audit()
    assert not report.ok and "checkpoint of organisation" in (report.problem or "")


# -- a wrong audit key (SQLite: the workstation computes the chain) --------------------------------
def test_a_wrong_key_is_refused_before_any_write(
    sqlite_store: Store, sqlite_session: StoreSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    some_work(sqlite_session)
    sqlite_session.lock()
    before = last_seq(sqlite_store)
    url = sqlite_store.location.url
    sqlite_store.close()
    wrong = "ab" * 32
    monkeypatch.setenv("CSVC_AUDIT_KEY", wrong)
    opened = open_store(url, csvc=Csvc.load())
    with raises_worded(OperationFailed, "not this store's"):
        opened.unlock("alice", PASSPHRASE)
    opened.close()
    env = {"CSVC_STORE": url, "CSVC_USER": "alice", "CSVC_PASSPHRASE": PASSPHRASE, "CSVC_AUDIT_KEY": wrong}
    cli = run_csvc("case", "new", "--label", "Dossier", "--lang", "en", env=env)
    assert cli.returncode == 1 and "not this store's" in cli.stderr
    assert cli.stderr.count("\n") == 1 and "Traceback" not in cli.stderr
    monkeypatch.delenv("CSVC_AUDIT_KEY")
    with open_store(url, csvc=Csvc.load()) as reopened:
        assert last_seq(reopened) == before
        assert reopened.verify_audit().ok


def test_an_older_store_gets_the_key_check_on_its_first_write_with_the_right_key(
    sqlite_store: Store, sqlite_session: StoreSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    some_work(sqlite_session)
    with sqlite_store.engine.begin() as connection:
        connection.execute(delete(store_meta).where(store_meta.c.key == "audit_key_check"))
    monkeypatch.setenv("CSVC_AUDIT_KEY", "cd" * 32)
    wrong = open_store(sqlite_store.location.url, csvc=Csvc.load())
    with raises_worded(OperationFailed, "does not verify"):
        wrong.unlock("alice", PASSPHRASE)
    wrong.close()
    monkeypatch.delenv("CSVC_AUDIT_KEY")
    sqlite_session.run(cases.list_cases)  # the right key: verified, then recorded
    with sqlite_store.engine.connect() as connection:
        assert connection.execute(
            select(store_meta.c.value).where(store_meta.c.key == "audit_key_check")
        ).scalar()
    assert sqlite_store.verify_audit().ok


# -- rows changed behind csvc's back ---------------------------------------------------------------
def check_line(store: Store) -> str:
    result = run_csvc("store", "check", "--store", store.location.url, "--lang", "en")
    assert result.returncode == 1, result.stdout
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    return result.stderr


def test_a_sound_store_passes_the_check(store: Store, session: StoreSession) -> None:
    some_work(session)
    session.run(people.add_user, "wanda", "worker", PASSPHRASE, kdf=FAST_KDF)
    result = run_csvc("store", "check", "--store", store.location.url, "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert store.check_integrity() is None


def test_a_lowered_level_is_named(store: Store, session: StoreSession) -> None:
    case_id = some_work(session)
    tamper(store, update(cases_table).where(cases_table.c.id == case_id).values(compromission=0))
    assert f"cases {case_id}: changed outside csvc" in check_line(store)


def test_a_case_moved_to_another_organisation_is_named(store: Store, session: StoreSession) -> None:
    case_id = some_work(session)
    other = session.run(
        people.add_organisation, "CISSS Nord", "health", admin="hugo", passphrase=PASSPHRASE, kdf=FAST_KDF
    )
    tamper(store, update(cases_table).where(cases_table.c.id == case_id).values(org_id=other))
    assert f"cases {case_id}: changed outside csvc" in check_line(store)


def test_a_raised_role_is_named(store: Store, session: StoreSession) -> None:
    session.run(people.add_user, "wanda", "worker", PASSPHRASE, kdf=FAST_KDF)
    tamper(store, update(users).where(users.c.name == "wanda").values(role="admin"))
    with store.engine.connect() as connection:
        wanda = connection.execute(select(users.c.id).where(users.c.name == "wanda")).scalar_one()
    assert f"users {wanda}: changed outside csvc" in check_line(store)


def test_a_deleted_disclosure_is_named(store: Store, session: StoreSession) -> None:
    session.run(people.add_user, "wanda", "worker", PASSPHRASE, kdf=FAST_KDF)
    worker = store.unlock("wanda", PASSPHRASE)
    case_id = some_work(worker)
    grounds = Grounds(
        reasonable_cause="Menaces de mort répétées hier soir.",
        harms=frozenset({"death"}),
        exposed="la personne et son enfant",
        violence="homicide conjugal",
        danger="menaces de mort, arme à feu",
        urgency="ce soir",
        imminence="hours",
    )
    disclosure_id = worker.run(
        disclosures.disclose,
        case_id,
        recipient=Recipient("Poste de la Rivière", "police", "able_to_help"),
        grounds=grounds,
        fields=["compromission"],
    )
    assert store.check_integrity() is None
    tamper(store, delete(disclosures_table).where(disclosures_table.c.id == disclosure_id))
    assert f"disclosures {disclosure_id}: deleted outside csvc" in check_line(store)


# -- PostgreSQL: the server keeps the chain ----------------------------------------------------------
def staff_engine(store: Store, role: str):  # type: ignore[no-untyped-def]
    """A login role with every right on the data and the trail a careless grant could give (not the key)."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    database = store.location.database
    with store.engine.begin() as connection:
        connection.exec_driver_sql(f"CREATE ROLE \"{role}\" LOGIN PASSWORD 'mallory passphrase'")
        connection.exec_driver_sql(f'GRANT CONNECT ON DATABASE "{database}" TO "{role}"')
        connection.exec_driver_sql(
            f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{role}"'
        )
        connection.exec_driver_sql(f'REVOKE ALL ON audit_server_key FROM "{role}"')
        connection.exec_driver_sql(f'REVOKE ALL ON audit_checkpoints FROM "{role}"')
    url = make_url(store.location.sqlalchemy_url).set(username=role, password="mallory passphrase")
    return create_engine(url)


@pytest.mark.postgres
def test_a_workstation_cannot_rewrite_the_server_chain(postgres_url: str) -> None:
    from tests.support.stores import new_store

    store = new_store(postgres_url)
    session = store.unlock("alice", PASSPHRASE)
    some_work(session)
    engine = staff_engine(store, "staff_mallory")
    try:
        for statement in (
            "UPDATE audit_log SET detail = '{}' WHERE seq = 3",
            "DELETE FROM audit_log WHERE seq > 3",
            "TRUNCATE audit_log",
        ):
            with (
                engine.connect() as connection,
                pytest.raises(Exception, match=r"append-only|permission denied"),
            ):
                connection.exec_driver_sql(statement)
        for statement in ("SELECT key FROM audit_server_key", "DELETE FROM audit_checkpoints"):
            with engine.connect() as connection, pytest.raises(Exception, match="permission denied"):
                connection.exec_driver_sql(statement)
        # an entry written by hand is numbered, dated and signed by the server, whatever it claims
        with engine.begin() as connection:
            forged = connection.execute(
                insert(audit_log)
                .values(seq=1, at=utcnow(), action="login", detail="{}", prev_hash="0" * 64, hash="f" * 64)
                .returning(audit_log.c.seq, audit_log.c.hash)
            ).one()
        assert forged.seq == last_seq(store) > 1 and forged.hash != "f" * 64
        assert store.verify_audit().ok  # a new entry, chained by the server: nothing was rewritten
        # a staff member's own login writes entries in her own name only
        database = store.location.database
        own = login_engine(
            store.location,
            role_name("user", database, "alice"),
            database_password(database, "alice", PASSPHRASE),
        )
        try:
            with own.begin() as connection, pytest.raises(Exception, match="names the user who writes it"):
                connection.execute(
                    insert(audit_log).values(
                        at=utcnow(),
                        user_id="someone-else",
                        action="case.read",
                        detail="{}",
                        seq=0,
                        prev_hash="0" * 64,
                        hash="0" * 64,
                    )
                )
        finally:
            own.dispose()
    finally:
        engine.dispose()
        session.lock()
        store.close()


@pytest.mark.postgres
def test_a_second_workstation_needs_no_audit_key(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.support.stores import new_store

    store = new_store(postgres_url)
    store.close()
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "other-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "other-data"))
    with open_store(postgres_url, csvc=Csvc.load()) as other:
        session = other.unlock("alice", PASSPHRASE)
        some_work(session)
        session.lock()
        assert other.verify_audit().ok
        assert other.check_integrity() is None


# -- reads run side by side; changes one at a time -----------------------------------------------------
@pytest.mark.postgres
def test_reads_do_not_wait_for_a_change_in_progress(postgres_url: str) -> None:
    from tests.support.stores import new_store

    store = new_store(postgres_url)
    session = store.unlock("alice", PASSPHRASE)
    case_id = some_work(session)
    done: dict[str, float] = {}

    def change() -> None:
        session.run(cases.new_case, "Dossier écrit pendant le verrou")
        done["change"] = time.monotonic()

    try:
        with store.engine.connect() as holder:  # a change in progress elsewhere
            holder.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": CHANGE_LOCK})
            assert (
                session.run(casefile.case_detail, case_id).id == case_id
                and session.run(followup.followup) is not None
            )
            writer = threading.Thread(target=change)
            writer.start()
            writer.join(1.0)
            assert "change" not in done  # the change waits for the other one to commit
            released = time.monotonic()
            holder.rollback()
        writer.join(30)
        assert done["change"] >= released
        assert store.verify_audit().ok
    finally:
        session.lock()
        store.close()


@pytest.mark.postgres
def test_sessions_reading_and_writing_at_once_leave_one_unbroken_chain(postgres_url: str) -> None:
    from tests.support.stores import new_store

    store = new_store(postgres_url)
    admin = store.unlock("alice", PASSPHRASE)
    case_id = some_work(admin)
    failures: list[BaseException] = []

    def work(index: int) -> None:
        try:
            with open_store(postgres_url, csvc=Csvc.load()) as own:
                session = own.unlock("alice", PASSPHRASE)
                for round_ in range(4):
                    session.run(casefile.case_detail, case_id)
                    session.run(followup.followup)
                    if (index + round_) % 2:
                        session.run(cases.record_event, case_id, "new_incident")
                session.lock()
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(index,)) for index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    try:
        assert not failures, failures[0]
        report = store.verify_audit()
        assert report.ok, report.problem
        assert report.entries == last_seq(store)
        assert store.check_integrity() is None
        level = admin.run(casefile.case_detail, case_id)
        assert level.summary.compromission == level.level.level
    finally:
        admin.lock()
        store.close()


@pytest.mark.postgres
def test_init_on_postgresql_says_the_server_keeps_the_key(postgres_url: str) -> None:
    env = {"CSVC_PASSPHRASE": PASSPHRASE}
    args = ("store", "init", "--store", postgres_url, "--org", "Maison Aurore", "--sector", "shelter")
    done = run_csvc(*args, "--user", "alice", "--json", env=env)
    assert done.returncode == 0, done.stderr
    created = json.loads(done.stdout)
    assert created["audit_key"] is None and created["anchor_key"].endswith(".key")
