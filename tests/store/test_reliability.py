"""SQLite settings, explicit transactions, integrity check at open, migrations."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, select

from csvc_core.errors import OperationFailed
from csvc_core.framework import Csvc
from csvc_core.store import ReadOnlyStore, Store, StoreSession, assessing, casefile, cases, open_store
from csvc_core.store.engine import sqlite_settings
from csvc_core.store.migrate import SCHEMA_HEAD, alembic_config
from csvc_core.store.pg_audit import SERVER_TABLES
from csvc_core.store.schema import actions, assessments, audit_log, metadata
from csvc_core.testing import raises_worded
from tests.support.constants import PASSPHRASE
from tests.support.stores import grid


def test_sqlite_settings_on_every_connection(sqlite_store: Store) -> None:
    settings = sqlite_settings(sqlite_store.engine)
    assert settings["journal_mode"] == "wal"
    assert settings["synchronous"] == "2"  # FULL
    assert settings["foreign_keys"] == "1"
    assert settings["secure_delete"] == "1"


def test_migrations_build_exactly_the_schema(store: Store) -> None:
    with store.engine.connect() as connection:
        config = alembic_config(connection)
        assert ScriptDirectory.from_config(config).get_current_head() == SCHEMA_HEAD
        context = MigrationContext.configure(
            connection, opts={"include_name": lambda name, kind, _parent: name not in SERVER_TABLES}
        )
        diff = compare_metadata(context, metadata)
    assert diff == []


def test_an_error_mid_write_leaves_no_partial_rows(
    store: Store, session: StoreSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = session.run(cases.new_case, "Dossier")

    def explode(tx, case_id):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk on fire")

    with store.engine.connect() as connection:
        before = connection.execute(select(func.count()).select_from(audit_log)).scalar_one()
    monkeypatch.setattr(assessing, "refresh_case", explode)
    with pytest.raises(RuntimeError):
        session.assess(case_id, "csvc-grid", grid(homicide_plan="yes"))
    with store.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(assessments)).scalar_one() == 0
        assert connection.execute(select(func.count()).select_from(actions)).scalar_one() == 0
        assert connection.execute(select(func.count()).select_from(audit_log)).scalar_one() == before
    assert store.verify_audit().ok


def test_a_damaged_file_opens_read_only_and_is_never_recreated(
    sqlite_store: Store, sqlite_session: StoreSession, sqlite_url: str
) -> None:
    store, session = sqlite_store, sqlite_session
    case_id = session.run(cases.new_case, "Dossier")
    session.lock()
    path = Path(str(store.location.path))
    store.close()
    with open_store(sqlite_url, csvc=Csvc.load()) as fresh:  # checkpoint the WAL into the file first
        fresh.engine.dispose()
    import sqlite3

    handle = sqlite3.connect(path)
    handle.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    root = handle.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'ix_cases_org_created'"
    ).fetchone()[0]
    page_size = handle.execute("PRAGMA page_size").fetchone()[0]
    handle.close()
    data = bytearray(path.read_bytes())
    offset = (root - 1) * page_size
    data[offset + 8 : offset + 64] = bytes(56)  # break the index page's cell pointers
    path.write_bytes(bytes(data))
    damaged = path.read_bytes()
    opened = open_store(sqlite_url, csvc=Csvc.load())
    try:
        assert opened.read_only and opened.read_only_reason is not None
        assert opened.read_only_reason.key == "error.store.damaged"
        assert "integrity check" in opened.read_only_reason.text("en")
        reader = opened.unlock("alice", PASSPHRASE)
        with raises_worded(ReadOnlyStore, "read-only"):
            reader.run(cases.new_case, "Autre")
        assert reader.run(casefile.case_detail, case_id).id == case_id
    finally:
        opened.close()
    assert path.read_bytes() == damaged


def test_not_a_database_is_refused_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "garbage.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with raises_worded(OperationFailed, "integrity check"):
        open_store(f"sqlite:///{path}", csvc=Csvc.load())
    assert path.read_bytes() == b"this is not sqlite" * 100


def test_no_store_yet_is_a_clear_refusal(tmp_path: Path) -> None:
    with raises_worded(OperationFailed, "store init"):
        open_store(f"sqlite:///{tmp_path / 'none.db'}", csvc=Csvc.load())
    assert not (tmp_path / "none.db").exists()


def test_init_never_overwrites(store: Store) -> None:
    from csvc_core.store import init_store

    with raises_worded(OperationFailed, "already"):
        init_store(
            store.location.url, org="X", sector="police", user="x", passphrase=PASSPHRASE, csvc=Csvc.load()
        )


def test_a_full_disk_refuses_the_write_and_keeps_the_store(
    sqlite_store: Store, sqlite_session: StoreSession
) -> None:
    """SQLite reports the disk full (max_page_count caps the file where it stands)."""
    from sqlalchemy import event

    store, session = sqlite_store, sqlite_session
    case_id = session.run(cases.new_case, "Dossier")
    with store.engine.connect() as connection:
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar_one()
        before = connection.execute(select(func.count()).select_from(audit_log)).scalar_one()
    store.engine.dispose()

    @event.listens_for(store.engine, "connect")
    def _cap(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    payload = grid(homicide_plan="yes")
    payload["context"] = {"padding": "x" * 200_000}  # more than the pages left
    with raises_worded(OperationFailed, r"full.*nothing was changed"):
        session.assess(case_id, "csvc-grid", payload)
    event.remove(store.engine, "connect", _cap)
    store.engine.dispose()
    with store.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(assessments)).scalar_one() == 0
        assert connection.execute(select(func.count()).select_from(audit_log)).scalar_one() == before
    assert store.verify_audit().ok
    assert session.assess(case_id, "csvc-grid", grid(homicide_plan="yes")).result.level == "imminent"


def test_a_session_ends_after_its_maximum_age(session: StoreSession) -> None:
    """Whatever its activity, a session ends after max_age (12 h by default)."""
    from datetime import timedelta

    from csvc_core.store.session import SessionExpired

    assert session.max_age == timedelta(hours=12)
    session.run(cases.new_case, "Dossier")
    session.max_age = timedelta(0)
    with raises_worded(SessionExpired, "expired"):
        session.run(cases.list_cases)
    assert session.locked
