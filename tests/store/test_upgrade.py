"""``csvc store upgrade``: an administrator brings a store made by an older csvc to this schema, after a
checked copy (SQLite), audited, all or nothing (on a real SQLite file and a real PostgreSQL server)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from csvc_core.errors import OperationFailed
from csvc_core.framework import Csvc
from csvc_core.store import AccessDenied, Store, casefile, cases, migrate, open_store, people, rotation
from csvc_core.store.people import LoginRefused
from csvc_core.store.schema import audit_log, users
from csvc_core.store.upgrading import upgrade_store
from csvc_core.testing import raises_worded
from tests.support.cli import run_csvc
from tests.support.constants import FAST_KDF, PASSPHRASE

from .legacy import as_older_csvc

OLDER = "0003"


def make_older(store: Store) -> str:
    """A case and a worker, then the store as an older csvc left it (one data key, an older schema)."""
    session = store.unlock("alice", PASSPHRASE)
    case_id = session.run(cases.new_case, "Dossier d'avant")
    session.run(cases.add_protagonist, case_id, "victim", name="Zoé d'avant")
    session.run(people.add_user, "wanda", "worker", PASSPHRASE, kdf=FAST_KDF)
    session.lock()
    as_older_csvc(store, PASSPHRASE, OLDER)
    store.close()
    return case_id


def revision_of(url: str) -> str | None:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return migrate.current_revision(connection)
    finally:
        engine.dispose()


def test_an_administrator_upgrades_an_older_store_after_a_checked_copy(store: Store, store_url: str) -> None:
    case_id = make_older(store)
    with pytest.raises(OperationFailed, match="csvc store upgrade"):
        open_store(store_url, csvc=Csvc.load())
    with pytest.raises(LoginRefused):
        upgrade_store(store_url, "alice", "pas la bonne phrase")
    with pytest.raises(AccessDenied):
        upgrade_store(store_url, "wanda", PASSPHRASE)
    assert revision_of(store_url) == OLDER  # refused: nothing changed

    report = upgrade_store(store_url, "alice", PASSPHRASE)
    assert (report.before, report.after) == (OLDER, migrate.SCHEMA_HEAD)
    if store_url.startswith("sqlite"):
        assert report.backup is not None and report.backup.exists()
        assert stat.S_IMODE(os.stat(report.backup).st_mode) == 0o600
        assert revision_of(f"sqlite:///{report.backup}") == OLDER
    else:
        assert report.backup is None

    upgraded = open_store(store_url, csvc=Csvc.load())
    try:
        session = upgraded.unlock("alice", PASSPHRASE)
        assert session.run(casefile.case_detail, case_id, reveal=True).summary.label == "Dossier d'avant"
        assert session.verify_audit().ok
        session.lock()
        with upgraded.engine.connect() as connection:
            pending = dict(connection.execute(select(users.c.name, users.c.pending_key)).all())
        assert pending["alice"] is None and pending["wanda"] is not None  # until her first unlock
        session = upgraded.unlock("alice", PASSPHRASE)
        with raises_worded(OperationFailed, "wanda have not logged in since the upgrade"):
            session.run(rotation.rotate_org_key)  # her key still opens with the former store data key
        session.lock()
        wanda = upgraded.unlock("wanda", PASSPHRASE)  # her private key, now under her own passphrase
        [victim] = wanda.run(casefile.case_detail, case_id, reveal=True).protagonists
        assert victim.name == "Zoé d'avant"
        wanda.lock()
        session = upgraded.unlock("alice", PASSPHRASE)
        assert session.run(rotation.rotate_org_key)["cases"] == 1  # once everyone has logged in
        assert session.run(casefile.case_detail, case_id, reveal=True).summary.label == "Dossier d'avant"
        session.lock()
        with upgraded.engine.connect() as connection:
            assert (
                connection.execute(select(users.c.pending_key).where(users.c.name == "wanda")).scalar()
                is None
            )
        with upgraded.engine.connect() as connection:
            actions = list(connection.execute(select(audit_log.c.action).order_by(audit_log.c.seq)).scalars())
        assert "store.upgrade" in actions
    finally:
        upgraded.close()
    assert not upgrade_store(store_url, "alice", PASSPHRASE).changed


def test_the_command_line_upgrade(sqlite_store: Store, sqlite_url: str, tmp_path: Path) -> None:
    make_older(sqlite_store)
    env = {"CSVC_STORE": sqlite_url, "CSVC_USER": "alice", "CSVC_PASSPHRASE": PASSPHRASE}
    refused = run_csvc("case", "list", env=env)
    assert refused.returncode == 1 and "csvc store upgrade" in refused.stderr
    done = run_csvc("store", "upgrade", env=env)
    assert done.returncode == 0, done.stderr
    assert f"{OLDER} → {migrate.SCHEMA_HEAD}" in done.stdout and "Copie d'avant" in done.stdout
    again = run_csvc("store", "upgrade", "--lang", "en", env=env)
    assert again.returncode == 0 and "nothing to do" in again.stdout
    assert run_csvc("case", "list", env=env).returncode == 0


def test_every_migration_file_is_a_known_revision_and_the_head_is_the_newest() -> None:
    assert max(migrate.known_revisions()) == migrate.SCHEMA_HEAD
    assert OLDER in migrate.known_revisions()
