"""One unit of work: a database transaction, the acting user, her keys, the audit writer, the framework the
store was opened with, and the case events to tell the plugins once it has committed."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import attrs
from sqlalchemy import Column, Connection, text

from csvc_core.errors import OperationFailed
from csvc_core.events import CaseEvent, EventKind
from csvc_core.framework import Csvc
from csvc_core.store import crypto
from csvc_core.store.access import Actor
from csvc_core.store.audit import AuditWriter
from csvc_core.store.engine import CHANGE_LOCK
from csvc_core.store.keyring import Keyring
from csvc_core.store.sealed import place


class AccountDisabled(OperationFailed):
    """The acting user was disabled: her open sessions end at their next call."""


class ReadOnlyStore(OperationFailed):
    """The store failed its integrity check at open: it is read-only until restored."""


@attrs.define
class Tx:
    """Everything a service function needs; everything it writes commits or rolls back together."""

    connection: Connection
    actor: Actor
    keys: Keyring
    audit_writer: AuditWriter | None  # None when the store is read-only
    now: datetime
    read_only_reason: OperationFailed | None = None
    framework: Csvc | None = None  # None for the store's own upkeep (init, upgrade), which assesses nothing
    changing: bool = attrs.field(default=False, init=False)
    #: the case events of this transaction, told to the plugins after its commit (see :meth:`notify`)
    events: list[CaseEvent] = attrs.field(factory=list, init=False)
    _opened: dict[str, bytes] = attrs.field(factory=dict, init=False)  # scope keys opened in this transaction

    def audit(self, what: str, case_id: str | None = None, /, **detail: Any) -> None:
        """Add an audit entry in this transaction (ids and field-group names only, never sensitive values)."""
        if self.audit_writer is not None:
            self.audit_writer.append(
                what, user_id=self.actor.user_id, org_id=self.actor.org_id, case_id=case_id, detail=detail
            )

    @property
    def csvc(self) -> Csvc:
        """The framework (instruments, plugins, case tools) the store was opened with."""
        assert self.framework is not None, "a store opened without a framework assesses nothing"
        return self.framework

    def notify(self, kind: EventKind, subject: str, detail: str, case_id: str | None = None) -> None:
        """Queue a case event for the plugins (``csvc_case_event``): the session tells them after the commit,
        so a rolled-back change is never told and a failing plugin never undoes a committed one."""
        self.events.append(
            CaseEvent(kind=kind, subject=subject, detail=detail, at=self.now.astimezone(), case_id=case_id)
        )

    def require_writable(self) -> None:
        """Refuse a change to a read-only store; on PostgreSQL, wait for the other changes to commit first
        (the checks that follow see their rows, and no other change starts before this one commits)."""
        if self.read_only_reason is not None:
            raise ReadOnlyStore(key="error.store.read_only", reason=self.read_only_reason)
        if not self.changing and self.connection.dialect.name == "postgresql":
            self.connection.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": CHANGE_LOCK})
        self.changing = True

    def key(self, scope: str) -> bytes:
        """The key of ``scope`` (see :mod:`csvc_core.store.keyring`); :class:`AccessDenied` if not held."""
        if scope not in self._opened:
            self._opened[scope] = self.keys.key(self.connection, scope)
        return self._opened[scope]

    def open_scopes(self, scopes: list[str]) -> None:
        """Open at once the keys of many scopes she holds (a page of cases); the others stay unopened."""
        wanted = [scope for scope in dict.fromkeys(scopes) if scope not in self._opened]
        if wanted:
            self._opened.update(self.keys.granted(self.connection, wanted))

    # sealed fields, under the key of their scope, bound to their place (see :func:`.sealed.place`)
    def seal(self, text: str, column: Column[Any], row_id: str, *, scope: str) -> bytes:
        return crypto.seal_field(self.key(scope), text, place(column, row_id))

    def seal_optional(
        self, text: str | None, column: Column[Any], row_id: str, *, scope: str
    ) -> bytes | None:
        return None if text is None else self.seal(text, column, row_id, scope=scope)

    def unseal(self, blob: bytes, column: Column[Any], row_id: str, *, scope: str) -> str:
        return crypto.open_field(self.key(scope), blob, place(column, row_id))

    def unseal_optional(
        self, blob: bytes | None, column: Column[Any], row_id: str, *, scope: str
    ) -> str | None:
        return None if blob is None else self.unseal(blob, column, row_id, scope=scope)

    def seal_json(self, value: object, column: Column[Any], row_id: str, *, scope: str) -> bytes:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
        return self.seal(text, column, row_id, scope=scope)

    def unseal_json(self, blob: bytes, column: Column[Any], row_id: str, *, scope: str) -> Any:
        return json.loads(self.unseal(blob, column, row_id, scope=scope))
