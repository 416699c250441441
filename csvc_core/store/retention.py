"""Retention and backups.

Purge: a closed case whose retention period (``retention_days`` of the store, counted from its closing) has
passed is deleted with everything that hangs from it. On SQLite, ``secure_delete`` zeroes the freed content,
then ``VACUUM`` rewrites the file and ``wal_checkpoint(TRUNCATE)`` empties the WAL, so nothing of the record
remains in the database or its WAL. The audit trail keeps that the case was purged (its random id only).

Backup: SQLite's ``VACUUM INTO`` makes a consistent copy even while others write (never a raw file copy);
sensitive fields stay encrypted in it. An anchor file beside the copy records its audit chain head.

:func:`purge` and :func:`backup` take the session (like statistics and exchange): each runs a transaction as
its user and then works on the store's file outside it.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, delete, select, text
from sqlalchemy.exc import DBAPIError

from csvc_core.errors import BadInput, OperationFailed
from csvc_core.store import audit, keyring
from csvc_core.store.access import require
from csvc_core.store.context import Tx
from csvc_core.store.records import PurgeReport
from csvc_core.store.schema import (
    action_history,
    actions,
    assessment_closures,
    assessments,
    case_events,
    case_outcomes,
    case_tool_versions,
    cases,
    concertations,
    drafts,
    plan_actions,
    protagonists,
)

if TYPE_CHECKING:
    from csvc_core.store.session import StoreSession


def purge(session: StoreSession, now: datetime | None = None) -> PurgeReport:
    """Delete the closed cases of the session's organisation past the retention period, then scrub the
    file."""
    store = session.store
    with session.transaction() as tx:
        require(tx.actor, "store.purge")
        if now is not None:
            tx.now = now
        expired = expired_cases(tx, store.retention_days)
        purge_cases(tx, expired)
    truncated = True
    if expired:
        with session.engine.connect() as connection:
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            truncated = scrub(connection, store.location.kind)
    return PurgeReport(cases=tuple(expired), retention_days=store.retention_days, wal_truncated=truncated)


def backup(session: StoreSession, destination: Path | str) -> Path:
    """A consistent copy of an SQLite store (``VACUUM INTO``), checked, with its own audit anchor."""
    store = session.store
    if store.location.kind != "sqlite":
        raise OperationFailed(key="error.store.backup_postgresql")
    destination = check_destination(Path(destination))
    with session.transaction() as tx:
        require(tx.actor, "store.backup")
        tx.audit("store.backup", None)
    with store.engine.connect() as connection:
        vacuum_into(connection.execution_options(isolation_level="AUTOCOMMIT"), destination)
    head = check_backup(destination, store.audit_key)
    audit.Anchor(destination.with_name(destination.name + ".audit-anchor"), store.audit_key).write(head)
    return destination


def expired_cases(tx: Tx, retention_days: int) -> list[str]:
    cutoff = tx.now - timedelta(days=retention_days)
    query = select(cases.c.id).where(
        cases.c.org_id == tx.actor.org_id, cases.c.status == "closed", cases.c.closed_at <= cutoff
    )
    return list(tx.connection.execute(query.order_by(cases.c.closed_at)).scalars())


def purge_cases(tx: Tx, case_ids: list[str]) -> None:
    """Delete the cases and every row that hangs from them (one transaction, one audit entry each)."""
    tx.require_writable()
    require(tx.actor, "store.purge")
    connection = tx.connection
    for case_id in case_ids:
        action_ids = select(actions.c.id).where(actions.c.case_id == case_id).scalar_subquery()
        assessment_ids = select(assessments.c.id).where(assessments.c.case_id == case_id).scalar_subquery()
        connection.execute(delete(action_history).where(action_history.c.action_id.in_(action_ids)))
        connection.execute(delete(actions).where(actions.c.case_id == case_id))
        connection.execute(
            delete(assessment_closures).where(assessment_closures.c.assessment_id.in_(assessment_ids))
        )
        connection.execute(delete(assessments).where(assessments.c.case_id == case_id))
        connection.execute(delete(case_events).where(case_events.c.case_id == case_id))
        connection.execute(delete(case_tool_versions).where(case_tool_versions.c.case_id == case_id))
        connection.execute(delete(case_outcomes).where(case_outcomes.c.case_id == case_id))
        connection.execute(delete(protagonists).where(protagonists.c.case_id == case_id))
        connection.execute(delete(drafts).where(drafts.c.case_id == case_id))
        for scope in case_scopes(connection, case_id):  # its keys go with it
            keyring.revoke(connection, scope)
        connection.execute(delete(cases).where(cases.c.id == case_id))
        tx.audit("case.purge", case_id)


def case_scopes(connection: Connection, case_id: str) -> list[str]:
    """The key scopes of a case: its own, its concertation requests' and their plan actions'."""
    requests = list(
        connection.execute(select(concertations.c.id).where(concertations.c.case_id == case_id)).scalars()
    )
    plan = connection.execute(select(plan_actions.c.id).where(plan_actions.c.concertation_id.in_(requests)))
    return [
        keyring.of_case(case_id),
        *(keyring.of_concertation(request) for request in requests),
        *(keyring.of_plan_action(action) for action in plan.scalars()),
    ]


def scrub(connection: Connection, kind: str) -> bool:
    """After a purge: rewrite the file and empty the WAL (SQLite). On PostgreSQL the server's autovacuum
    reclaims the deleted rows: a user's role does not own the tables, and only their owner may vacuum them.

    ``connection`` must be outside any transaction. Returns whether the WAL was emptied (SQLite)."""
    if kind != "sqlite":
        return True
    connection.exec_driver_sql("VACUUM")
    busy, _, _ = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
    return busy == 0


def vacuum_into(connection: Connection, destination: Path) -> None:
    """Copy the store into ``destination``, created empty and private (0600) first; a failure (disk full, ...)
    removes what was written and is :class:`OperationFailed`."""
    try:
        os.close(os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        connection.execute(text("VACUUM INTO :path"), {"path": str(destination)})
    except (OSError, DBAPIError) as exc:
        destination.unlink(missing_ok=True)
        original = getattr(exc, "orig", None) or exc
        problem = getattr(original, "strerror", None) or str(original).strip().splitlines()[0]
        raise OperationFailed(key="error.store.backup_failed", path=destination, problem=problem) from None


def check_backup(destination: Path, key: bytes) -> audit.Head:
    """Open the copy read-only: integrity_check must pass, its audit chain must verify; returns its head."""
    uri = f"file:{destination}?mode=ro"
    handle = sqlite3.connect(uri, uri=True)
    try:
        rows = [row[0] for row in handle.execute("PRAGMA integrity_check").fetchall()]
    finally:
        handle.close()
    if rows != ["ok"]:
        raise OperationFailed(key="error.store.backup_damaged", path=destination, problem="; ".join(rows[:3]))
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{uri}&uri=true")
    try:
        with engine.connect() as connection:
            report = audit.verify(connection, key, None)
            head = connection.execute(text("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")).one()
    finally:
        engine.dispose()
    if not report.ok:
        raise OperationFailed(key="error.store.backup_audit", path=destination, problem=report.problem)
    return audit.Head(head.seq, head.hash)


def check_destination(destination: Path) -> Path:
    destination = destination.expanduser().resolve()
    if destination.exists():
        raise BadInput(key="error.store.backup_exists", path=destination)
    if not destination.parent.is_dir():
        raise BadInput(key="error.file.not_a_folder", path=destination.parent)
    return destination
