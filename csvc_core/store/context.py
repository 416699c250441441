"""One unit of work: a database transaction, the acting user, the field cipher and the audit writer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs
from sqlalchemy import Connection, text

from csvc_core.errors import OperationFailed
from csvc_core.store.access import Actor
from csvc_core.store.audit import AuditWriter
from csvc_core.store.crypto import FieldCipher
from csvc_core.store.engine import CHANGE_LOCK


class AccountDisabled(OperationFailed):
    """The acting user was disabled: her open sessions end at their next call."""


class ReadOnlyStore(OperationFailed):
    """The store failed its integrity check at open: it is read-only until restored."""


@attrs.define
class Tx:
    """Everything a service function needs; everything it writes commits or rolls back together."""

    connection: Connection
    actor: Actor
    cipher: FieldCipher
    audit_writer: AuditWriter | None  # None when the store is read-only
    now: datetime
    read_only_reason: OperationFailed | None = None
    changing: bool = attrs.field(default=False, init=False)

    def audit(self, what: str, case_id: str | None = None, /, **detail: Any) -> None:
        """Add an audit entry in this transaction (ids and field-group names only, never sensitive values)."""
        if self.audit_writer is not None:
            self.audit_writer.append(
                what, user_id=self.actor.user_id, org_id=self.actor.org_id, case_id=case_id, detail=detail
            )

    def require_writable(self) -> None:
        """Refuse a change to a read-only store; on PostgreSQL, wait for the other changes to commit first
        (the checks that follow see their rows, and no other change starts before this one commits)."""
        if self.read_only_reason is not None:
            raise ReadOnlyStore(key="error.store.read_only", reason=self.read_only_reason)
        if not self.changing and self.connection.dialect.name == "postgresql":
            self.connection.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": CHANGE_LOCK})
        self.changing = True

    # shorthands for sealed fields, bound to table.column:row
    def seal(self, text: str, table: str, column: str, row_id: str) -> bytes:
        return self.cipher.encrypt(text, f"{table}.{column}:{row_id}")

    def seal_optional(self, text: str | None, table: str, column: str, row_id: str) -> bytes | None:
        return None if text is None else self.seal(text, table, column, row_id)

    def unseal(self, blob: bytes, table: str, column: str, row_id: str) -> str:
        return self.cipher.decrypt(blob, f"{table}.{column}:{row_id}")

    def unseal_optional(self, blob: bytes | None, table: str, column: str, row_id: str) -> str | None:
        return None if blob is None else self.unseal(blob, table, column, row_id)
