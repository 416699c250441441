"""Creating and opening a store: schema, integrity check at open, audit key and anchor, unlocking.

>>> from csvc_core.framework import Csvc
>>> from csvc_core.store import open_store
>>> store = open_store("sqlite:////home/me/csvc.db", csvc=Csvc.load())  # None: $CSVC_STORE, else the default
>>> session = store.unlock("alice", passphrase)          # a StoreSession acting as alice, assessing with it
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, insert, select
from sqlalchemy.exc import DBAPIError, OperationalError

from csvc_core.errors import BadInput, Field, OperationFailed
from csvc_core.store import audit, crypto, integrity, keyring, migrate, pg_audit, pg_security
from csvc_core.store.access import ADMIN, ROLE_CHOICES, Actor, read_role
from csvc_core.store.context import AccountDisabled, Tx
from csvc_core.store.engine import Location, check_local_disk, make_engine, resolve
from csvc_core.store.people import check_passphrase, known_sectors, user_row
from csvc_core.store.pg_logins import login_verifier
from csvc_core.store.schema import organisations, store_meta, users, utcnow

if TYPE_CHECKING:
    from csvc_core.framework import Csvc
    from csvc_core.store.session import StoreSession

DEFAULT_RETENTION_DAYS = 5 * 365 + 1


class Store:
    """An open store; :meth:`unlock` gives a :class:`~csvc_core.store.session.StoreSession` for one user."""

    def __init__(
        self,
        location: Location,
        engine: Engine,
        read_only_reason: OperationFailed | None = None,
        *,
        csvc: Csvc | None = None,
    ) -> None:
        self.location = location
        self.engine = engine
        #: the framework its sessions assess with, given by whoever opens it (None: never unlocked)
        self.csvc = csvc
        self.read_only_reason = read_only_reason
        #: what time a transaction takes for the rules (a consent's expiry, an action falling due, a case due
        #: for re-assessment): the system's clock; a test moves it forward instead of waiting. The audit log
        #: keeps the system's time whatever this says.
        self.clock: Callable[[], datetime] = utcnow
        self._meta: dict[str, str] | None = None
        self._key: bytes | None = None
        #: PostgreSQL computes the chain and the row seals itself; SQLite's are computed here, with the key.
        self.server_chain = location.kind == "postgresql"
        if not location.anonymous:
            with engine.connect() as connection:
                self.read_meta(connection)
                connection.rollback()

    def read_meta(self, connection: Connection) -> None:
        """The store's id and settings (a workstation's PostgreSQL store: at unlock, as the user's role)."""
        self._meta = {
            row.key: row.value for row in connection.execute(select(store_meta.c.key, store_meta.c.value))
        }

    @property
    def meta(self) -> dict[str, str]:
        if self._meta is None:
            raise OperationFailed(key="error.store.locked")
        return self._meta

    @property
    def store_id(self) -> str:
        return self.meta["store_id"]

    @property
    def retention_days(self) -> int:
        return int(self.meta.get("retention_days", DEFAULT_RETENTION_DAYS))

    # -- files beside the database ---------------------------------------------------------------------
    @property
    def key_path(self) -> Path:
        return key_path(self.location, self.store_id)

    @property
    def anchor_path(self) -> Path:
        return anchor_path(self.location, self.store_id)

    @property
    def audit_key(self) -> bytes:
        """SQLite: the key of the chain. PostgreSQL: this workstation's own key for its anchor (the chain's
        key stays on the server), created on first use."""
        if self._key is None:
            if self.server_chain:
                audit.create_key_file(self.key_path)
            self._key = audit.load_key(self.key_path)
        return self._key

    @property
    def anchor(self) -> audit.Anchor:
        return audit.Anchor(self.anchor_path, self.audit_key)

    def audit_writer(self, connection: Connection) -> audit.AuditWriter:
        """The transaction's audit writer (on SQLite, the connection also starts noting the rows to seal)."""
        if self.server_chain:
            return audit.AuditWriter(connection, None)
        integrity.watch(connection)
        return audit.AuditWriter(connection, self.audit_key)

    def finish(self, writer: audit.AuditWriter) -> None:
        """Just before the commit: seal the rows written (SQLite) and append the entries to the chain."""
        if not self.server_chain:
            integrity.seal_pending(writer.connection, self.audit_key)
        writer.flush()

    @property
    def read_only(self) -> bool:
        return self.read_only_reason is not None

    # -- transactions ------------------------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self, actor: Actor, keys: keyring.Keyring, engine: Engine | None = None) -> Iterator[Tx]:
        """One explicit transaction (on ``engine``: a PostgreSQL session's own login); the audit anchor moves
        forward after the commit.

        A database error (disk full, I/O error, lost server, ...) rolls everything back and becomes one
        :class:`OperationFailed` line: the store stays as it was. A login the server refuses (the user was
        disabled) ends the session."""
        try:
            with (engine or self.engine).begin() as connection:
                active = connection.execute(
                    select(users.c.active).where(users.c.id == actor.user_id)
                ).scalar()
                if not active:
                    keys.lock()
                    raise AccountDisabled(key="error.store.user_disabled", user=actor.name)
                keys.check_org_public(connection)
                writer = None if self.read_only else self.audit_writer(connection)
                tx = Tx(connection, actor, keys, writer, self.clock(), self.read_only_reason, self.csvc)
                yield tx
                if writer is not None:
                    self.finish(writer)
        except DBAPIError as exc:
            if login_refused(exc):
                keys.lock()
                raise AccountDisabled(key="error.store.user_disabled", user=actor.name) from None
            raise OperationFailed(
                key="error.store.database_failed",
                store=self.location.display,
                problem=self.location.scrub(first_line(exc)),
            ) from None
        if writer is not None and writer.head is not None:
            self.anchor.advance(writer.head)

    def record_failed_login(self, user_name: str, user_id: str | None, org_id: str | None) -> None:
        """A failed login, as its own committed audit entry (the staff name tried, never the passphrase)."""
        if self.read_only or self.location.anonymous:
            return  # a workstation's PostgreSQL store: the server logs the refused connection
        with self.engine.begin() as connection:
            writer = self.audit_writer(connection)
            writer.append("login.failed", user_id=user_id, org_id=org_id, detail={"user": user_name})
            self.finish(writer)
        assert writer.head is not None
        self.anchor.advance(writer.head)

    def unlock(self, user_name: str, passphrase: str) -> StoreSession:
        """A session acting as ``user_name``; a wrong passphrase or unknown user: :class:`OperationFailed`."""
        from csvc_core.store.session import unlock

        return unlock(self, user_name, passphrase)

    def verify_audit(self, engine: Engine | None = None) -> audit.AuditReport:
        """Check the whole audit trail (HMAC chain, sequence, checkpoints, this workstation's anchor);
        PostgreSQL's server recomputes the chain and the checkpoints."""
        if engine is None and self.location.anonymous:
            raise OperationFailed(key="error.store.no_user_in_url", store=self.location.display)
        with (engine or self.engine).connect() as connection:
            if self.server_chain:
                report = pg_audit.verify_with_anchor(connection, self.anchor)
            else:
                report = audit.verify(connection, self.audit_key, self.anchor, anchor_required=True)
            connection.rollback()
        return report

    def check_integrity(self) -> integrity.IntegrityProblem | None:
        """The first sealed row changed, or disclosure deleted, outside csvc; None when every row is sound."""
        with self.engine.connect() as connection:
            if self.server_chain:
                found = pg_audit.integrity_check(connection)
                problem = None if found is None else integrity.IntegrityProblem(*found)
            else:
                problem = integrity.check(connection, self.audit_key)
            connection.rollback()
        return problem

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def key_path(location: Location, store_id: str) -> Path:
    """SQLite: ``PATH.audit-key`` beside the file; PostgreSQL: ``audit-<store id>.key`` in the config dir."""
    if location.path is not None:
        return location.path.with_name(location.path.name + ".audit-key")
    from platformdirs import user_config_path

    return user_config_path("csvc", appauthor=False) / f"audit-{store_id}.key"


def anchor_path(location: Location, store_id: str) -> Path:
    if location.path is not None:
        return location.path.with_name(location.path.name + ".audit-anchor")
    from platformdirs import user_data_path

    return user_data_path("csvc", appauthor=False) / f"audit-{store_id}.anchor"


def quick_check(location: Location) -> str | None:
    """None when SQLite's quick_check passes, else what it says (the file is never changed here)."""
    assert location.path is not None
    try:
        connection = sqlite3.connect(f"file:{location.path}?mode=ro", uri=True)
        try:
            rows = [row[0] for row in connection.execute("PRAGMA quick_check").fetchall()]
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return None if rows == ["ok"] else "; ".join(rows[:3])


def open_store(url: str | None = None, *, csvc: Csvc | None) -> Store:
    """Open an existing store, whose sessions assess with ``csvc`` (None: a store only checked, never
    unlocked). A damaged SQLite file opens read-only, with the reason; never recreated."""
    location = resolve(url)
    read_only_reason: OperationFailed | None = None
    if location.kind == "sqlite":
        assert location.path is not None
        check_local_disk(location.path)
        if not location.path.exists():
            raise OperationFailed(key="error.store.no_store", path=location.path)
        problem = quick_check(location)
        if problem is not None:
            read_only_reason = OperationFailed(key="error.store.damaged", path=location.path, problem=problem)
    engine = make_engine(location, read_only=read_only_reason is not None)
    if location.anonymous:  # a workstation: reached as the user's own role, at unlock
        return Store(location, engine, csvc=csvc)
    try:
        with engine.connect() as connection:
            check_schema(location, connection)
            connection.rollback()
    except (OperationalError, DBAPIError) as exc:
        engine.dispose()
        if read_only_reason is not None:
            raise read_only_reason from None
        raise OperationFailed(
            key="error.store.cannot_open", store=location.display, problem=location.scrub(first_line(exc))
        ) from None
    except OperationFailed:
        engine.dispose()
        raise
    return Store(location, engine, read_only_reason, csvc=csvc)


def check_schema(location: Location, connection: Connection) -> None:
    """Refuse what is not a store of this csvc's schema."""
    revision = migrate.current_revision(connection)
    if revision is None:
        raise OperationFailed(key="error.store.not_a_store", store=location.display)
    if revision != migrate.SCHEMA_HEAD:
        raise OperationFailed(
            key="error.store.schema", store=location.display, revision=revision, head=migrate.SCHEMA_HEAD
        )


def login_refused(exc: DBAPIError) -> bool:
    """Whether the server refused a login: a wrong password (or no such role), a role not permitted to log
    in, a role without CONNECT. libpq gives no SQLSTATE for a failed connection: its message tells."""
    if getattr(exc.orig, "sqlstate", None) in ("28000", "28P01"):
        return True
    message = str(exc.orig)
    return message.startswith("connection failed") and any(text in message for text in LOGIN_REFUSALS)


#: the server's words (English messages) when it refuses a login.
LOGIN_REFUSALS = (
    "password authentication failed",
    "is not permitted to log in",
    "permission denied for database",
)


def first_line(exc: BaseException) -> str:
    original = getattr(exc, "orig", None) or exc
    return str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__


def init_store(
    url: str | None,
    *,
    csvc: Csvc,
    org: str,
    sector: str,
    user: str,
    passphrase: str,
    role: str = ADMIN,
    kdf: crypto.KdfParams | None = None,
    retention_days: int = DEFAULT_RETENTION_DAYS,
) -> Store:
    """Create a store: schema, its organisation and its first user with their keys, the audit key. The first
    user administers; ``role`` says whether she also works cases ("worker+admin") or only administers. Its
    sessions assess with ``csvc``, whose sector plugins may add sectors to choose from."""
    location = resolve(url)
    sectors = known_sectors(csvc)
    if sector not in sectors:
        raise BadInput(
            key="error.store.unknown_sector", field=Field("sector"), sector=sector, sectors=", ".join(sectors)
        )
    if not org.strip():
        raise BadInput(key="error.store.name_needed", field=Field("org"))
    if not user.strip():
        raise BadInput(key="error.store.name_needed", field=Field("user"))
    if role not in ROLE_CHOICES or not read_role(role)[1]:
        first = [choice for choice in ROLE_CHOICES if read_role(choice)[1]]
        raise BadInput(key="error.store.first_role", role=role, roles=", ".join(first))
    check_passphrase(passphrase)
    if retention_days < 1:
        raise BadInput(key="error.store.retention_days", field=Field("retention_days"), days=retention_days)
    if location.path is not None:
        check_local_disk(location.path)
        if location.path.exists() and location.path.stat().st_size > 0:
            raise OperationFailed(key="error.store.exists", path=location.path)
        location.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.close(os.open(location.path, os.O_WRONLY | os.O_CREAT, 0o600))  # private from the first byte
    engine = make_engine(location)
    store_id = crypto.new_id()
    params = kdf or crypto.KdfParams()
    now = utcnow()
    try:
        with engine.begin() as connection:
            if migrate.holds_store(connection):
                raise OperationFailed(key="error.store.holds_store", store=location.display)
            migrate.upgrade(connection)  # from nothing, or from a schema laid down without a store
            if location.kind == "postgresql":
                pg_audit.install(connection)
                pg_security.install(connection)
            else:
                integrity.watch(connection)
            connection.execute(
                insert(store_meta),
                [
                    {"key": "store_id", "value": store_id},
                    {"key": "created_at", "value": now.isoformat()},
                    {"key": "retention_days", "value": str(retention_days)},
                ],
            )
            org_id, user_id = crypto.new_id(), crypto.new_id()
            org_private, org_public = crypto.new_keypair()
            connection.execute(
                insert(organisations).values(
                    id=org_id,
                    name=org.strip(),
                    sector=sector,
                    created_at=now,
                    version=1,
                    public_key=org_public,
                )
            )
            connection.execute(
                insert(users).values(
                    **user_row(user_id, org_id, user.strip(), role, passphrase, params, None)
                )
            )
            keyring.give(
                connection,
                keyring.of_org(org_id),
                keyring.of_user(user_id),
                org_private,
                basis="member",
                at=now,
                by=None,
            )
            if location.kind == "postgresql":
                verifier = login_verifier(location.database, user.strip(), passphrase)
                pg_security.create_login(connection, user_id, verifier)
            key_file = key_path(location, store_id)
            audit.create_key_file(key_file)
            key = audit.load_key(key_file)
            if location.kind == "sqlite":
                connection.execute(
                    insert(store_meta).values(key=audit.KEY_CHECK, value=audit.key_check_value(key))
                )
                integrity.seal_pending(connection, key)
            writer = audit.AuditWriter(connection, None if location.kind == "postgresql" else key)
            writer.append("store.init", user_id=user_id, org_id=org_id, detail={"sector": sector})
            writer.append("user.add", user_id=user_id, org_id=org_id, detail={"user": user_id, "role": role})
            writer.flush()
    except BaseException as exc:
        engine.dispose()
        if location.path is not None:  # leave no half-made store behind (the file was empty before)
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{location.path}{suffix}").unlink(missing_ok=True)
        if isinstance(exc, DBAPIError):
            raise OperationFailed(
                key="error.store.cannot_init",
                store=location.display,
                problem=location.scrub(first_line(exc)),
            ) from None
        raise
    store = Store(location, engine, csvc=csvc)
    assert writer.head is not None
    store.anchor.advance(writer.head)
    return store
