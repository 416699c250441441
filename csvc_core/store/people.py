"""Organisations and users: adding them, listing them, unlocking as one, changing a passphrase."""

from __future__ import annotations

from sqlalchemy import Row, insert, select, update

from csvc_core.errors import BadInput, OperationFailed
from csvc_core.store import crypto
from csvc_core.store.access import Actor, require
from csvc_core.store.context import Tx
from csvc_core.store.opening import check_passphrase, known_sectors, user_row
from csvc_core.store.records import Organisation, UserInfo
from csvc_core.store.schema import organisations, users


class LoginRefused(OperationFailed):
    """Unknown user, disabled user or wrong passphrase (one message for all three)."""


def data_key_of(row: Row, passphrase: str) -> bytes | None:
    """The store data key unwrapped with ``passphrase``, or None when the passphrase is wrong."""
    if not crypto.passphrase_matches(row.passphrase_hash, passphrase):
        return None
    params = crypto.KdfParams.from_json(row.kek_params)
    kek = crypto.derive_kek(passphrase, bytes(row.kek_salt), params)
    key = crypto.unwrap_key(row.wrapped_key, kek, row.id)
    if key is None:
        raise OperationFailed(key="error.store.user_key_altered", user=row.name)
    return key


def actor_of(row: Row, org: Row) -> Actor:
    return Actor(
        user_id=row.id,
        name=row.name,
        org_id=org.id,
        org_name=org.name,
        sector=org.sector,
        role=row.role,
    )


def add_organisation(
    tx: Tx,
    data_key: bytes,
    name: str,
    sector: str,
    *,
    admin: str,
    passphrase: str,
    kdf: crypto.KdfParams | None = None,
) -> str:
    """A new organisation with its first administrator, ``admin``: from then on only its own administrators
    add, disable and enable its people."""
    tx.require_writable()
    require(tx.actor, "user.manage")
    sectors = known_sectors()
    if sector not in sectors:
        raise BadInput(key="error.store.unknown_sector", sector=sector, sectors=", ".join(sectors))
    if not name.strip():
        raise BadInput(key="error.store.org_name_needed")
    if not admin.strip():
        raise BadInput(key="error.store.admin_name_needed")
    taken = tx.connection.execute(
        select(organisations.c.id).where(organisations.c.name == name.strip())
    ).first()
    if taken is not None:
        raise OperationFailed(key="error.store.org_exists", name=name.strip())
    org_id = crypto.new_id()
    tx.connection.execute(
        insert(organisations).values(
            id=org_id, name=name.strip(), sector=sector, created_at=tx.now, version=1
        )
    )
    tx.audit("org.add", None, organisation=org_id, sector=sector)
    _insert_user(tx, data_key, org_id, admin, "admin", passphrase, kdf)
    return org_id


def list_organisations(tx: Tx) -> list[Organisation]:
    rows = tx.connection.execute(select(organisations).order_by(organisations.c.name))
    return [Organisation(id=row.id, name=row.name, sector=row.sector) for row in rows]


def add_user(
    tx: Tx,
    data_key: bytes,
    name: str,
    role: str,
    passphrase: str,
    *,
    organisation: str | None = None,
    kdf: crypto.KdfParams | None = None,
) -> str:
    """A new user of the actor's organisation, with the data key wrapped under the new user's own passphrase;
    ``organisation``, when given, must name the actor's own (another organisation's administrators add its
    people)."""
    tx.require_writable()
    require(tx.actor, "user.manage")
    if organisation is not None and organisation.strip() != tx.actor.org_name:
        known = tx.connection.execute(
            select(organisations.c.id).where(organisations.c.name == organisation.strip())
        ).first()
        if known is None:
            raise BadInput(key="error.store.org_unknown", name=organisation)
        raise OperationFailed(key="error.store.org_not_yours", name=organisation, own=tx.actor.org_name)
    return _insert_user(tx, data_key, tx.actor.org_id, name, role, passphrase, kdf)


def _insert_user(
    tx: Tx,
    data_key: bytes,
    org_id: str,
    name: str,
    role: str,
    passphrase: str,
    kdf: crypto.KdfParams | None,
) -> str:
    name = name.strip()
    if not name:
        raise BadInput(key="error.store.user_name_needed")
    check_passphrase(passphrase)
    if tx.connection.execute(select(users.c.id).where(users.c.name == name)).first() is not None:
        raise OperationFailed(key="error.store.user_exists", name=name)
    user_id = crypto.new_id()
    tx.connection.execute(
        insert(users).values(
            **user_row(
                user_id, org_id, name, role, passphrase, data_key, kdf or crypto.KdfParams(), tx.actor.user_id
            )
        )
    )
    tx.audit("user.add", None, user=user_id, role=role, organisation=org_id)
    return user_id


def list_users(tx: Tx) -> list[UserInfo]:
    """The people of the actor's organisation."""
    require(tx.actor, "case.read")
    query = (
        select(users, organisations.c.name.label("org_name"), organisations.c.sector)
        .join(organisations, organisations.c.id == users.c.org_id)
        .where(users.c.org_id == tx.actor.org_id)
        .order_by(users.c.name)
    )
    return [
        UserInfo(
            id=row.id,
            name=row.name,
            role=row.role,
            organisation=row.org_name,
            sector=row.sector,
            active=row.active,
            created_at=row.created_at,
        )
        for row in tx.connection.execute(query)
    ]


def set_user_active(tx: Tx, name: str, active: bool) -> None:
    """Disable or enable a user of the actor's own organisation."""
    tx.require_writable()
    require(tx.actor, "user.manage")
    row = tx.connection.execute(select(users).where(users.c.name == name)).first()
    if row is None:
        raise BadInput(key="error.store.user_unknown", name=name)
    if row.org_id != tx.actor.org_id:
        raise OperationFailed(key="error.store.user_not_yours", name=name, own=tx.actor.org_name)
    if row.id == tx.actor.user_id and not active:
        raise OperationFailed(key="error.store.disable_self")
    tx.connection.execute(
        update(users).where(users.c.id == row.id).values(active=active, version=row.version + 1)
    )
    tx.audit("user.enable" if active else "user.disable", None, user=row.id)


def change_passphrase(
    tx: Tx, data_key: bytes, old: str, new: str, kdf: crypto.KdfParams | None = None
) -> None:
    """Re-wrap the data key for the acting user under a new passphrase (the old one must be given again)."""
    tx.require_writable()
    row = tx.connection.execute(select(users).where(users.c.id == tx.actor.user_id)).one()
    if data_key_of(row, old) is None:
        raise LoginRefused(key="error.store.current_passphrase_wrong")
    fresh = user_row(
        row.id, row.org_id, row.name, row.role, new, data_key, kdf or crypto.KdfParams(), row.created_by
    )
    tx.connection.execute(
        update(users)
        .where(users.c.id == row.id, users.c.version == row.version)
        .values(
            passphrase_hash=fresh["passphrase_hash"],
            kek_salt=fresh["kek_salt"],
            kek_params=fresh["kek_params"],
            wrapped_key=fresh["wrapped_key"],
            version=row.version + 1,
        )
    )
    tx.audit("user.passphrase", None, user=row.id)
