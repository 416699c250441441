"""Bringing a store made by an older csvc to this csvc's schema (``csvc store upgrade``).

An administrator of the store does it, with her passphrase. An SQLite store is first copied beside itself
(``VACUUM INTO``, 0600, checked like a backup); the migrations and the audit entry ``store.upgrade`` then run
in one transaction, so a failure leaves the store as it was. PostgreSQL runs them in one transaction too; its
copy is the server's own (``pg_dump``) and is the administrator's to make first.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import attrs
from sqlalchemy import Engine, select
from sqlalchemy.exc import DBAPIError

from csvc_core.errors import OperationFailed
from csvc_core.i18n import RoleNames
from csvc_core.store import audit, integrity, migrate, pg_audit, pg_security, rekeying, retention
from csvc_core.store.access import AccessDenied
from csvc_core.store.engine import Location, check_local_disk, make_engine, resolve
from csvc_core.store.opening import Store, first_line, quick_check
from csvc_core.store.people import LoginRefused, unwrapped_key
from csvc_core.store.pg_logins import login_verifier
from csvc_core.store.schema import users, utcnow

#: the columns of ``users`` every csvc has had (an older store has not the newer ones yet).
LOGIN = (
    users.c.id,
    users.c.org_id,
    users.c.name,
    users.c.role,
    users.c.active,
    users.c.passphrase_hash,
    users.c.kek_salt,
    users.c.kek_params,
    users.c.wrapped_key,
)
#: the first revision with keys per organisation, case and request (before it: one store data key).
KEYS = "0006"


@attrs.frozen
class UpgradeReport:
    before: str
    after: str
    backup: Path | None

    @property
    def changed(self) -> bool:
        return self.before != self.after


def upgrade_store(url: str | None, user_name: str, passphrase: str) -> UpgradeReport:
    """Migrate the store at ``url`` to this csvc's schema, as ``user_name`` (an administrator)."""
    location = resolve(url)
    if location.path is not None:
        check_local_disk(location.path)
        if not location.path.exists():
            raise OperationFailed(key="error.store.no_store", path=location.path)
        problem = quick_check(location)
        if problem is not None:
            raise OperationFailed(key="error.store.damaged", path=location.path, problem=problem)
    engine = make_engine(location)
    try:
        with engine.connect() as connection:
            revision = migrate.current_revision(connection)
            connection.rollback()
    except DBAPIError as exc:  # e.g. a workstation's URL, which names no one: an upgrade takes a superuser's
        engine.dispose()
        raise OperationFailed(
            key="error.store.cannot_init", store=location.display, problem=location.scrub(first_line(exc))
        ) from None
    if revision is None:
        engine.dispose()
        raise OperationFailed(key="error.store.not_a_store", store=location.display)
    store = Store(location, engine)
    try:
        if revision not in migrate.known_revisions():
            raise OperationFailed(key="error.store.newer_schema", store=location.display, revision=revision)
        with engine.connect() as connection:
            row = connection.execute(select(*LOGIN).where(users.c.name == user_name)).first()
            connection.rollback()
        key = unwrapped_key(row, passphrase) if row is not None and row.active else None
        if row is None or key is None:
            if revision == migrate.SCHEMA_HEAD:  # an older trail has no room for this csvc's entries
                store.record_failed_login(user_name, row.id if row else None, row.org_id if row else None)
            raise LoginRefused(key="error.store.login_refused", user=user_name)
        if row.role != "admin":
            raise AccessDenied(key="error.store.upgrade_admin", user=user_name, role=RoleNames(row.role))
        if revision == migrate.SCHEMA_HEAD:
            if location.kind == "postgresql":
                _secure(engine, location, row.id, login_verifier(location.database, user_name, passphrase))
            return UpgradeReport(revision, revision, None)
        copy = _copy_before(store, location, revision) if location.path is not None else None
        with engine.begin() as connection:
            migrate.upgrade(connection)
            detail: dict[str, object] = {
                "from": revision,
                "to": migrate.SCHEMA_HEAD,
                "copy": copy is not None,
            }
            if store.server_chain:  # first: the re-keying reads public keys through the user directory
                pg_audit.install(connection)
                pg_security.install(connection)
                verifier = login_verifier(location.database, user_name, passphrase)
                pg_security.ensure_login(connection, row.id, verifier)
            if revision < KEYS:
                detail["keys"] = rekeying.rekey(connection, key, row, passphrase, utcnow())
            if not store.server_chain:
                integrity.seal_all(connection, store.audit_key)
                audit.seed_checkpoints(connection, store.audit_key)
            writer = store.audit_writer(connection)
            writer.append("store.upgrade", user_id=row.id, org_id=row.org_id, detail=detail)
            store.finish(writer)
        assert writer.head is not None
        store.anchor.advance(writer.head)
        return UpgradeReport(revision, migrate.SCHEMA_HEAD, copy)
    finally:
        store.close()


def _secure(engine: Engine, location: Location, admin_id: str, verifier: str) -> None:
    """PostgreSQL: roles, privileges and policies brought up to date (a superuser's URL), with the upgrading
    administrator's own login."""
    try:
        with engine.begin() as connection:
            pg_security.install(connection)
            pg_security.ensure_login(connection, admin_id, verifier)
    except DBAPIError as exc:
        raise OperationFailed(
            key="error.store.cannot_init", store=location.display, problem=location.scrub(first_line(exc))
        ) from None


def _copy_before(store: Store, location: Location, revision: str) -> Path:
    """A checked copy of the SQLite store as it is before the upgrade, beside it, readable by its owner."""
    assert location.path is not None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    name = f"{location.path.name}.before-{revision}-{stamp}"
    copy = retention.check_destination(location.path.with_name(name))
    with store.engine.connect() as connection:
        retention.vacuum_into(connection.execution_options(isolation_level="AUTOCOMMIT"), copy)
    head = retention.check_backup(copy, store.audit_key)
    audit.Anchor(copy.with_name(copy.name + ".audit-anchor"), store.audit_key).write(head)
    return copy
