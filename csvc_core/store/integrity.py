"""Integrity MACs on the rows that decide who sees what and how urgent a case is.

Each sealed row carries ``integrity = HMAC(audit key, canonical(table, meaningful columns))``, written in the
transaction that writes the row, where the audit chain is computed: here with the audit key on SQLite, by the
server's trigger on PostgreSQL (:mod:`csvc_core.store.pg_audit`). ``csvc store check`` recomputes every MAC
and names the first row that does not match; it also finds a disclosure whose row is gone while its
``disclosure.create`` entry stays (and its case was not purged).

On SQLite, temporary triggers of the store's own connection note which sealed rows a transaction inserts or
changes (the meaningful columns only); :func:`seal_pending` seals them just before the commit.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

import attrs
from sqlalchemy import Connection, Table, select, text, update

from csvc_core.store.schema import assessments, audit_log, cases, disclosures, users

#: table -> the columns its MAC covers, in order.
SEALED: dict[str, tuple[str, ...]] = {
    "cases": ("id", "org_id", "status", "compromission", "reassess_by"),
    "users": ("id", "org_id", "name", "role", "active"),
    "assessments": ("id", "case_id", "org_id", "level", "compromission"),
    # what was disclosed, to whom and when (sealed texts and their digest are re-sealed by a key rotation)
    "disclosures": ("id", "case_id", "org_id", "disclosed_at", "basis", "recipient_org_id", "fields"),
}
TABLES: dict[str, Table] = {
    "cases": cases,
    "users": users,
    "assessments": assessments,
    "disclosures": disclosures,
}


@attrs.frozen
class IntegrityProblem:
    """The first row that fails: its table and id, and whether it was ``altered`` or ``deleted``."""

    table: str
    row_id: str
    kind: str


def _value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def row_mac(key: bytes, table: str, values: tuple[Any, ...]) -> str:
    canonical = json.dumps([table, *map(_value, values)], separators=(",", ":"), ensure_ascii=True)
    return hmac.new(key, canonical.encode(), hashlib.sha256).hexdigest()


# -- SQLite: noting and sealing the rows a transaction writes --------------------------------------
def watch(connection: Connection) -> None:
    """Make sure this connection notes the sealed rows it writes (temporary: no other connection has them)."""
    connection.execute(
        text("CREATE TEMP TABLE IF NOT EXISTS integrity_pending (tbl TEXT, id TEXT, PRIMARY KEY (tbl, id))")
    )
    for table, columns in SEALED.items():
        note = f"BEGIN INSERT OR IGNORE INTO integrity_pending VALUES ('{table}', NEW.id); END"
        for name, event in (("insert", "INSERT"), ("update", f"UPDATE OF {', '.join(columns)}")):
            connection.execute(
                text(
                    f"CREATE TEMP TRIGGER IF NOT EXISTS integrity_{table}_{name} "
                    f"AFTER {event} ON main.{table} {note}"
                )
            )


def seal_pending(connection: Connection, key: bytes) -> None:
    """Seal the rows noted since the transaction began (those still there) and forget them."""
    noted = connection.execute(text("SELECT tbl, id FROM temp.integrity_pending")).all()
    if not noted:
        return
    by_table: dict[str, list[str]] = {}
    for row in noted:
        by_table.setdefault(row.tbl, []).append(row.id)
    for name, ids in by_table.items():
        _seal(connection, key, name, TABLES[name].c.id.in_(ids))
    connection.execute(text("DELETE FROM temp.integrity_pending"))


def seal_all(connection: Connection, key: bytes) -> None:
    """Seal every row (a store made before integrity MACs, at its upgrade)."""
    for name in SEALED:
        _seal(connection, key, name, None)


def _seal(connection: Connection, key: bytes, name: str, where: Any) -> None:
    table = TABLES[name]
    query = select(*(table.c[column] for column in SEALED[name]))
    if where is not None:
        query = query.where(where)
    values = [
        {"row": row.id, "mac": row_mac(key, name, tuple(row))} for row in connection.execute(query).all()
    ]
    for item in values:
        connection.execute(update(table).where(table.c.id == item["row"]).values(integrity=item["mac"]))


# -- checking (SQLite; PostgreSQL asks the server) -------------------------------------------------
def check(connection: Connection, key: bytes) -> IntegrityProblem | None:
    """The first sealed row whose MAC does not match, else the first disclosure deleted; None when sound."""
    for name, columns in SEALED.items():
        table = TABLES[name]
        rows = connection.execution_options(yield_per=5000).execute(
            select(table.c.integrity, *(table.c[column] for column in columns)).order_by(table.c.id)
        )
        for row in rows:
            values = tuple(row)[1:]
            if row.integrity is None or not hmac.compare_digest(row.integrity, row_mac(key, name, values)):
                return IntegrityProblem(name, row.id, "altered")
    return missing_disclosure(connection)


def missing_disclosure(connection: Connection) -> IntegrityProblem | None:
    """A disclosure its audit entry records but whose row is gone, its case not purged."""
    purged = {
        row.case_id
        for row in connection.execute(select(audit_log.c.case_id).where(audit_log.c.action == "case.purge"))
    }
    present = set(connection.execute(select(disclosures.c.id)).scalars())
    created = connection.execute(
        select(audit_log.c.case_id, audit_log.c.detail)
        .where(audit_log.c.action == "disclosure.create")
        .order_by(audit_log.c.seq)
    )
    for row in created:
        disclosure_id = json.loads(row.detail).get("disclosure")
        if disclosure_id not in present and row.case_id not in purged:
            return IntegrityProblem("disclosures", disclosure_id, "deleted")
    return None
