"""The audit trail: every read and change in the same transaction, keyed hash chain, anchored head."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import delete, update

from csvc_core.errors import OperationFailed
from csvc_core.framework import Csvc
from csvc_core.store import Store, StoreSession, casefile, cases, followup, open_store
from csvc_core.store.schema import audit_log
from csvc_core.testing import raises_worded
from tests.support.cli import run_csvc
from tests.support.constants import CANARY, PASSPHRASE
from tests.support.stores import entries, grid


def busy_store(session: StoreSession) -> str:
    case_id = session.run(cases.new_case, CANARY)
    stored = session.assess(case_id, "csvc-grid", grid(homicide_plan="yes", stalking="yes"))
    session.run(followup.set_action_status, stored.actions[0].id, "done", "Concertation tenue le jour même")
    session.run(cases.record_event, case_id, "new_incident", note="Appel au 911")
    session.run(casefile.case_detail, case_id, reveal=True)
    session.run(followup.followup)
    return case_id


def test_every_read_and_change_is_an_entry_without_sensitive_values(
    store: Store, session: StoreSession
) -> None:
    case_id = busy_store(session)
    rows = entries(store)
    actions = [row.action for row in rows]
    for expected in (
        "store.init",
        "user.add",
        "login",
        "case.create",
        "assessment.add",
        "action.update",
        "event.add",
        "case.read",
        "followup.list",
    ):
        assert expected in actions
    reads = [row for row in rows if row.action == "case.read"]
    assert reads[-1].case_id == case_id and "label" in json.loads(reads[-1].detail)["fields"]
    text = json.dumps([tuple(row) for row in rows], default=str)
    for secret in (CANARY, "Concertation tenue", "Appel au 911"):
        assert secret not in text
    assert all(row.at.tzinfo is not None and row.at.utcoffset().total_seconds() == 0 for row in rows)
    assert {row.user_id for row in rows if row.action != "login.failed"} == {session.actor.user_id}
    assert store.verify_audit().ok


def _tamper(store: Store, statement) -> None:  # type: ignore[no-untyped-def]
    """A raw change; on PostgreSQL as a superuser who switches the triggers off (the worst case)."""
    with store.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SET LOCAL session_replication_role = replica")
        connection.execute(statement)


def test_an_altered_entry_is_named(store: Store, session: StoreSession) -> None:
    busy_store(session)
    _tamper(store, update(audit_log).where(audit_log.c.seq == 5).values(detail='{"count":0}'))
    report = store.verify_audit()
    assert not report.ok and report.first_bad == 5 and "entry 5" in (report.problem or "")


def test_a_rewritten_entry_with_a_recomputed_plain_hash_is_still_caught(
    store: Store, session: StoreSession
) -> None:
    import hashlib

    busy_store(session)
    row = entries(store)[3]
    forged = hashlib.sha256(f"{row.detail}{row.prev_hash}".encode()).hexdigest()
    _tamper(store, update(audit_log).where(audit_log.c.seq == row.seq).values(action="login", hash=forged))
    report = store.verify_audit()
    assert report.first_bad == row.seq


def test_a_deleted_entry_is_named(store: Store, session: StoreSession) -> None:
    busy_store(session)
    _tamper(store, delete(audit_log).where(audit_log.c.seq == 6))
    report = store.verify_audit()
    assert not report.ok and report.first_bad == 6 and "missing" in (report.problem or "")


def test_reordered_entries_are_caught(store: Store, session: StoreSession) -> None:
    busy_store(session)
    rows = entries(store)
    a, b = rows[4], rows[5]
    _tamper(store, update(audit_log).where(audit_log.c.seq == a.seq).values(seq=-1))
    _tamper(store, update(audit_log).where(audit_log.c.seq == b.seq).values(seq=a.seq))
    _tamper(store, update(audit_log).where(audit_log.c.seq == -1).values(seq=b.seq))
    report = store.verify_audit()
    assert not report.ok and report.first_bad == a.seq


@pytest.mark.parametrize("k", [1, 3])
def test_a_truncated_tail_is_caught_by_the_checkpoint(store: Store, session: StoreSession, k: int) -> None:
    busy_store(session)
    last = entries(store)[-1].seq
    _tamper(store, delete(audit_log).where(audit_log.c.seq > last - k))
    report = store.verify_audit()
    assert not report.ok and report.first_bad == last - k + 1
    assert f"checkpoint at entry {last}" in (report.problem or "")


def test_an_altered_anchor_is_caught(store: Store, session: StoreSession) -> None:
    busy_store(session)
    anchor = store.anchor_path
    data = json.loads(anchor.read_text())
    data["seq"] = data["seq"] - 2
    anchor.write_text(json.dumps(data))
    assert "anchor" in (store.verify_audit().problem or "")


def test_the_key_file_is_private_and_outside_the_database(sqlite_store: Store) -> None:
    path = sqlite_store.key_path
    assert path.stat().st_mode & 0o777 == 0o600
    key_hex = path.read_text().strip()
    assert key_hex.encode() not in Path(str(sqlite_store.location.path)).read_bytes()
    assert bytes.fromhex(key_hex) not in Path(str(sqlite_store.location.path)).read_bytes()


def test_a_missing_or_loose_key_is_refused(sqlite_store: Store, sqlite_url: str) -> None:
    path = sqlite_store.key_path
    sqlite_store.close()
    path.chmod(0o644)
    opened = open_store(sqlite_url, csvc=Csvc.load())
    with raises_worded(OperationFailed, "readable by others"):
        opened.unlock("alice", PASSPHRASE)
    opened.close()
    path.unlink()
    opened = open_store(sqlite_url, csvc=Csvc.load())
    with raises_worded(OperationFailed, r"audit key .* is missing"):
        opened.verify_audit()
    opened.close()


def test_cli_audit_verify_exit_codes(store: Store, session: StoreSession) -> None:
    busy_store(session)
    ok = run_csvc("audit", "verify", "--store", store.location.url)
    assert ok.returncode == 0, ok.stderr
    _tamper(store, update(audit_log).where(audit_log.c.seq == 4).values(case_id="0" * 16))
    bad = run_csvc("audit", "verify", "--store", store.location.url)
    assert bad.returncode == 1
    assert "entry 4" in bad.stderr and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr
