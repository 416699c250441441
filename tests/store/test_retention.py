"""Retention and backups."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from csvc_core.errors import BadInput, OperationFailed
from csvc_core.framework import Csvc
from csvc_core.store import (
    AccessDenied,
    Contact,
    Store,
    StoreSession,
    casefile,
    cases,
    concertations,
    consents,
    open_store,
    people,
    retention,
)
from csvc_core.store.schema import assessments, protagonists
from csvc_core.store.schema import cases as cases_table
from csvc_core.testing import raises_worded
from tests.support.constants import CANARY, FAST_KDF, PASSPHRASE
from tests.support.stores import grid


def _sensitive_blobs(store: Store, case_id: str) -> list[bytes]:
    with store.engine.connect() as connection:
        blobs = [
            connection.execute(select(cases_table.c.label_ct).where(cases_table.c.id == case_id)).scalar_one()
        ]
        blobs += connection.execute(
            select(protagonists.c.name_ct).where(protagonists.c.case_id == case_id)
        ).scalars()
        for row in connection.execute(select(assessments).where(assessments.c.case_id == case_id)):
            blobs += [row.answers_ct, row.result_ct]
    return [bytes(blob) for blob in blobs]


def _files(store: Store) -> list[Path]:
    path = Path(str(store.location.path))
    return [
        Path(f"{path}{suffix}")
        for suffix in ("", "-wal", "-shm", "-journal")
        if Path(f"{path}{suffix}").exists()
    ]


def _found(store: Store, needles: list[bytes]) -> list[str]:
    return [f.name for f in _files(store) for needle in needles if needle in f.read_bytes()]


def test_purge_removes_every_trace_from_file_and_wal(
    sqlite_store: Store, sqlite_session: StoreSession
) -> None:
    store, session = sqlite_store, sqlite_session
    kept = session.run(cases.new_case, "Dossier ouvert")
    recent = session.run(cases.new_case, "Fermé récemment")
    case_id = session.run(cases.new_case, CANARY)
    session.run(cases.add_protagonist, case_id, "victim", name=CANARY, contact=Contact(phone="555-0199"))
    session.assess(case_id, "csvc-grid", grid(homicide_plan="yes"))
    session.run(cases.record_event, case_id, "separation", note="note")
    session.run(cases.close_case, case_id, "Fin des services")
    blobs = _sensitive_blobs(store, case_id)
    assert blobs and len(_found(store, blobs)) >= len(blobs)  # before: the sealed values are in the files
    later = datetime.now(UTC) + timedelta(days=store.retention_days + 1)
    session.run(cases.close_case, recent, "Fin des services")
    with pytest.raises(AccessDenied):
        retention.purge(_worker(session, store), later)
    report = retention.purge(session, later)
    assert report.cases == (case_id, recent)
    assert report.wal_truncated
    assert _found(store, blobs) == []
    with raises_worded(OperationFailed, "not visible"):
        session.run(casefile.case_detail, case_id)
    assert [c.id for c in session.run(cases.list_cases)] == [kept]
    assert store.verify_audit().ok
    assert retention.purge(session, later).cases == ()


def test_purge_respects_the_retention_period(session: StoreSession, store: Store) -> None:
    case_id = session.run(cases.new_case, "Dossier")
    session.run(cases.close_case, case_id, "Fin des services")
    assert retention.purge(session).cases == ()
    assert retention.purge(session, datetime.now(UTC) + timedelta(days=store.retention_days - 1)).cases == ()
    assert retention.purge(session, datetime.now(UTC) + timedelta(days=store.retention_days + 1)).cases == (
        case_id,
    )
    with pytest.raises(OperationFailed):
        session.run(casefile.case_detail, case_id)


def _worker(session: StoreSession, store: Store) -> StoreSession:
    session.run(people.add_user, "bruno", "worker", "phrase de bruno assez longue", kdf=FAST_KDF)
    return store.unlock("bruno", "phrase de bruno assez longue")


def test_backup_during_concurrent_writes(
    sqlite_store: Store,
    sqlite_session: StoreSession,
    tmp_path: Path,
    sqlite_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store, session = sqlite_store, sqlite_session
    case_id = session.run(cases.new_case, "Dossier")
    stop = threading.Event()
    written: list[str] = []
    errors: list[BaseException] = []

    def writer() -> None:
        other = open_store(sqlite_url, csvc=Csvc.load())
        try:
            writing = other.unlock("alice", PASSPHRASE)
            while not stop.is_set():
                written.append(writing.assess(case_id, "csvc-grid", grid(stalking="yes")).id)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            other.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 3:
            assert not errors, errors
            threading.Event().wait(0.01)
        destination = retention.backup(session, tmp_path / "copie.db")
        with raises_worded(BadInput, "already exists"):
            retention.backup(session, destination)
    finally:
        stop.set()
        thread.join()
    assert not errors, errors
    assert len(written) >= 3
    monkeypatch.setenv("CSVC_AUDIT_KEY", store.key_path.read_text().strip())
    copy = open_store(f"sqlite:///{destination}", csvc=Csvc.load())
    try:
        assert not copy.read_only
        assert copy.anchor_path == Path(f"{destination}.audit-anchor")
        assert copy.verify_audit().ok
        restored = copy.unlock("alice", PASSPHRASE)
        detail = restored.run(casefile.case_detail, case_id, reveal=True)
        assert detail.summary.label == "Dossier" and len(detail.assessments) >= 3
    finally:
        copy.close()


def test_backup_is_for_coordinators_and_admins(
    sqlite_session: StoreSession, sqlite_store: Store, tmp_path: Path
) -> None:
    worker = _worker(sqlite_session, sqlite_store)
    with pytest.raises(AccessDenied):
        retention.backup(worker, tmp_path / "copie.db")
    assert not (tmp_path / "copie.db").exists()


def test_purge_takes_the_partnership_rows_of_the_case(session: StoreSession, store: Store) -> None:
    from sqlalchemy import func

    from csvc_core.store.schema import consents as consents_table
    from csvc_core.store.schema import key_grants

    session.run(people.add_user, "wanda", "worker", PASSPHRASE, kdf=FAST_KDF)
    worker = store.unlock("wanda", PASSPHRASE)
    case_id = worker.run(cases.new_case, CANARY)
    worker.run(concertations.request, case_id, criteria=["escalation"], judgement=CANARY)
    worker.lock()
    session.run(
        consents.give_consent,
        case_id,
        person=CANARY,
        purpose="protection des enfants",
        categories=["children"],
        partner_sector="youth_protection",
        expires_at=datetime.now(UTC) + timedelta(days=30),
    )
    session.run(cases.close_case, case_id, "Fin des services")
    assert retention.purge(session, datetime.now(UTC) + timedelta(days=store.retention_days + 1)).cases == (
        case_id,
    )
    with store.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(consents_table)).scalar_one() == 0
        scopes = connection.execute(select(key_grants.c.scope)).scalars().all()
    assert scopes and all(scope.startswith("org:") for scope in scopes)  # the case's keys went with it
    assert store.verify_audit().ok


def test_a_disabled_user_session_ends_at_its_next_call(session: StoreSession, store: Store) -> None:
    from csvc_core.store.context import AccountDisabled

    session.run(people.add_user, "bruno", "worker", "phrase de bruno assez longue", kdf=FAST_KDF)
    bruno = store.unlock("bruno", "phrase de bruno assez longue")
    case_id = bruno.run(cases.new_case, "Dossier")
    session.run(people.set_user_active, "bruno", False)
    with raises_worded(AccountDisabled, "disabled"):
        bruno.run(casefile.case_detail, case_id)
    assert bruno.locked
    with raises_worded(OperationFailed, "locked"):
        bruno.run(cases.list_cases)


def test_a_store_on_a_network_file_system_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from csvc_core.store import engine, init_store

    mounts = f"/dev/vda / ext4 rw 0 0\nserver:/export {tmp_path} nfs4 rw 0 0\n"
    assert engine.filesystem_of(tmp_path / "csvc.db", mounts) == "nfs4"
    assert engine.filesystem_of(Path("/var/lib/x.db"), mounts) == "ext4"
    real_read_text = Path.read_text

    def fake_mounts(self: Path, *args: object, **kwargs: object) -> str:
        return mounts if str(self) == "/proc/self/mounts" else real_read_text(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "read_text", fake_mounts)
    with raises_worded(OperationFailed, "network file system"):
        init_store(
            f"sqlite:///{tmp_path / 'csvc.db'}",
            org="O",
            sector="police",
            user="u",
            passphrase=PASSPHRASE,
            kdf=FAST_KDF,
            csvc=Csvc.load(),
        )
    assert not (tmp_path / "csvc.db").exists()
    with raises_worded(OperationFailed, "network file system"):
        open_store(f"sqlite:///{tmp_path / 'csvc.db'}", csvc=Csvc.load())
