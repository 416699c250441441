"""Organisations and users: adding them, listing them, unlocking as one, changing a passphrase; a new
user's row and key columns, and the passphrase rule they follow."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Row, insert, select, update

from csvc_core.errors import BadInput, Field, OperationFailed
from csvc_core.sharing.parties import SECTORS
from csvc_core.store import crypto, keyring, pg_security
from csvc_core.store.access import ADMIN, ROLE_CHOICES, Actor, read_role, require
from csvc_core.store.context import Tx
from csvc_core.store.directory import people
from csvc_core.store.pg_logins import login_verifier
from csvc_core.store.records import Organisation, UserInfo
from csvc_core.store.schema import organisations, users, utcnow

if TYPE_CHECKING:
    from csvc_core.framework import Csvc

MIN_PASSPHRASE = 10


def known_sectors(csvc: Csvc) -> list[str]:
    """The partnership's sectors and those that ``csvc``'s sector plugins declare through ``csvc_sectors``."""
    return sorted({*SECTORS, *csvc.sectors})


def check_passphrase(passphrase: str) -> None:
    """A passphrase of at least :data:`MIN_PASSPHRASE` characters, or :class:`BadInput`."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise BadInput(key="error.store.passphrase_short", min=MIN_PASSPHRASE)


def user_row(
    user_id: str,
    org_id: str,
    name: str,
    role: str,
    passphrase: str,
    params: crypto.KdfParams,
    created_by: str | None,
) -> dict[str, object]:
    """The columns of a new user: argon2id hash, a fresh key pair, the private key wrapped under a key from
    the passphrase."""
    if role not in ROLE_CHOICES:
        raise BadInput(
            key="error.store.unknown_role", field=Field("role"), role=role, roles=", ".join(ROLE_CHOICES)
        )
    return {
        "id": user_id,
        "org_id": org_id,
        "name": name,
        "role": role,
        **user_keys(user_id, passphrase, params, crypto.new_keypair()[0]),
        "active": True,
        "created_at": utcnow(),
        "created_by": created_by,
        "version": 1,
    }


def user_keys(user_id: str, passphrase: str, params: crypto.KdfParams, private: bytes) -> dict[str, object]:
    """The key columns of a user: her passphrase's hash and salt, ``private`` wrapped under its key."""
    check_passphrase(passphrase)
    salt = crypto.new_salt()
    kek = crypto.derive_kek(passphrase, salt, params)
    return {
        "passphrase_hash": crypto.hash_passphrase(passphrase, params),
        "kek_salt": salt,
        "kek_params": params.to_json(),
        "wrapped_key": crypto.wrap_key(private, kek, user_id),
        "public_key": crypto.public_of(private),
        "pending_key": None,
    }


class LoginRefused(OperationFailed):
    """Unknown user, disabled user or wrong passphrase (one message for all three)."""


def unwrapped_key(row: Row, passphrase: str) -> bytes | None:
    """What the user's passphrase unwraps (her private key; in a store of an older csvc, the store data
    key); None when the passphrase is wrong."""
    if not crypto.passphrase_matches(row.passphrase_hash, passphrase):
        return None
    params = crypto.KdfParams.from_json(row.kek_params)
    kek = crypto.derive_kek(passphrase, bytes(row.kek_salt), params)
    key = crypto.unwrap_key(row.wrapped_key, kek, row.id)
    if key is None:
        raise OperationFailed(key="error.store.user_key_altered", user=row.name)
    return key


def private_key_of(row: Row, passphrase: str) -> bytes | None:
    """The user's private key, unwrapped with ``passphrase``; None when the passphrase is wrong."""
    key = unwrapped_key(row, passphrase)
    if key is not None and row.pending_key is not None:  # the former store data key (see upgrading.py)
        key = crypto.unwrap_key(row.pending_key, key, pending_id(row.id))
        if key is None:
            raise OperationFailed(key="error.store.user_key_altered", user=row.name)
    return key


def pending_id(user_id: str) -> str:
    """What a private key kept under the former store data key is bound to."""
    return f"pending:{user_id}"


def actor_of(row: Row, org: Row) -> Actor:
    role, administers = read_role(row.role)
    return Actor(
        user_id=row.id,
        name=row.name,
        org_id=org.id,
        org_name=org.name,
        sector=org.sector,
        role=role,
        administers=administers,
    )


def add_organisation(
    tx: Tx,
    name: str,
    sector: str,
    *,
    admin: str,
    passphrase: str,
    kdf: crypto.KdfParams | None = None,
) -> str:
    """A new organisation in one of the framework's sectors (:func:`known_sectors`) and its first user, its
    administrator ``admin`` with ``passphrase``: from then on only its own administrators add, disable and
    enable its people. The organisation's key pair is made here, its private key granted to her alone and
    forgotten. Returns its id."""
    tx.require_writable()
    require(tx.actor, "user.manage")
    sectors = known_sectors(tx.csvc)
    if sector not in sectors:
        raise BadInput(
            key="error.store.unknown_sector", field=Field("sector"), sector=sector, sectors=", ".join(sectors)
        )
    if not name.strip():
        raise BadInput(key="error.store.org_name_needed", field=Field("name"))
    if not admin.strip():
        raise BadInput(key="error.store.admin_name_needed", field=Field("admin"))
    taken = tx.connection.execute(
        select(organisations.c.id).where(organisations.c.name == name.strip())
    ).first()
    if taken is not None:
        raise OperationFailed(key="error.store.org_exists", name=name.strip())
    admin_name = _new_user_name(tx, admin)
    check_passphrase(passphrase)
    org_id = crypto.new_id()
    org_private, org_public = crypto.new_keypair()
    tx.connection.execute(
        insert(organisations).values(
            id=org_id, name=name.strip(), sector=sector, created_at=tx.now, version=1, public_key=org_public
        )
    )
    if pg_security.is_postgresql(tx.connection):
        pg_security.add_org_role(tx.connection, org_id)
    tx.audit("org.add", None, organisation=org_id, sector=sector)
    _insert_user(tx, org_id, org_private, admin_name, ADMIN, passphrase, kdf)
    return org_id


def _new_user_name(tx: Tx, name: str) -> str:
    name = name.strip()
    if not name:
        raise BadInput(key="error.store.user_name_needed", field=Field("name"))
    directory = people(tx.connection)
    if tx.connection.execute(select(directory.c.id).where(directory.c.name == name)).first() is not None:
        raise OperationFailed(key="error.store.user_exists", name=name)
    return name


def _insert_user(
    tx: Tx,
    org_id: str,
    org_private: bytes,
    name: str,
    role: str,
    passphrase: str,
    kdf: crypto.KdfParams | None,
) -> str:
    """A user of ``org_id``, with her key pair and the organisation's private key granted to her."""
    user_id = crypto.new_id()
    row = user_row(user_id, org_id, name, role, passphrase, kdf or crypto.KdfParams(), tx.actor.user_id)
    tx.connection.execute(insert(users).values(**row))
    _grant_membership(tx, org_id, user_id, org_private)
    if pg_security.is_postgresql(tx.connection):  # her own login role, in her organisation's group
        pg_security.add_login(tx.connection, user_id, login_verifier(_database(tx), name, passphrase))
    tx.audit("user.add", None, user=user_id, role=role, organisation=org_id)
    return user_id


def _grant_membership(tx: Tx, org_id: str, user_id: str, org_private: bytes) -> None:
    keyring.give(
        tx.connection,
        keyring.of_org(org_id),
        keyring.of_user(user_id),
        org_private,
        basis="member",
        at=tx.now,
        by=tx.actor.user_id,
    )


def _database(tx: Tx) -> str:
    return str(tx.connection.engine.url.database)


def list_organisations(tx: Tx) -> list[Organisation]:
    """The organisations of the store."""
    rows = tx.connection.execute(select(organisations).order_by(organisations.c.name))
    return [Organisation(id=row.id, name=row.name, sector=row.sector) for row in rows]


def add_user(
    tx: Tx,
    name: str,
    role: str,
    passphrase: str,
    *,
    organisation: str | None = None,
    kdf: crypto.KdfParams | None = None,
) -> str:
    """A new user of the actor's own organisation (``organisation``, by name, must be it): the organisation's
    key is granted to her; an administrator holds no other organisation's key."""
    tx.require_writable()
    require(tx.actor, "user.manage")
    if organisation is not None and organisation.strip() != tx.actor.org_name:
        known = tx.connection.execute(
            select(organisations.c.id).where(organisations.c.name == organisation.strip())
        ).first()
        if known is None:
            raise BadInput(key="error.store.org_unknown", field=Field("organisation"), name=organisation)
        raise OperationFailed(
            key="error.store.org_not_yours",
            field=Field("organisation"),
            name=organisation,
            own=tx.actor.org_name,
        )
    name = _new_user_name(tx, name)
    check_passphrase(passphrase)
    org_private = tx.keys.org_private(tx.connection)
    return _insert_user(tx, tx.actor.org_id, org_private, name, role, passphrase, kdf)


def list_users(tx: Tx) -> list[UserInfo]:
    """The people of the actor's organisation."""
    require(tx.actor, "case.read")
    directory = people(tx.connection)
    query = (
        select(directory, organisations.c.name.label("org_name"), organisations.c.sector)
        .join(organisations, organisations.c.id == directory.c.org_id)
        .where(directory.c.org_id == tx.actor.org_id)
        .order_by(directory.c.name)
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


def _colleague(tx: Tx, name: str) -> Row:
    """The person ``name`` of the acting administrator's own organisation (another one's is refused)."""
    directory = people(tx.connection)
    row = tx.connection.execute(select(directory).where(directory.c.name == name)).first()
    if row is None:
        raise BadInput(key="error.store.user_unknown", field=Field("name"), name=name)
    if row.org_id != tx.actor.org_id:
        raise OperationFailed(
            key="error.store.user_not_yours", field=Field("name"), name=name, own=tx.actor.org_name
        )
    return row


def set_user_active(
    tx: Tx, name: str, active: bool, passphrase: str | None = None, kdf: crypto.KdfParams | None = None
) -> None:
    """Disable a user (every key she holds goes with her, in this transaction), or enable her again with a
    new passphrase given by an administrator of her organisation: a new key pair, a new grant."""
    tx.require_writable()
    require(tx.actor, "user.manage")
    row = _colleague(tx, name)
    if row.id == tx.actor.user_id and not active:
        raise OperationFailed(key="error.store.disable_self")
    if active and passphrase is None:
        raise BadInput(key="error.store.enable_passphrase", user=name)
    keyring.revoke_holder(tx.connection, keyring.of_user(row.id))
    if pg_security.is_postgresql(tx.connection):  # the role can log in, or not, with the flag
        verifier = login_verifier(_database(tx), row.name, passphrase) if passphrase is not None else None
        pg_security.set_active(tx.connection, row.id, active, verifier)
    else:
        tx.connection.execute(
            update(users).where(users.c.id == row.id).values(active=active, version=users.c.version + 1)
        )
    if active:
        assert passphrase is not None
        fresh = user_keys(row.id, passphrase, kdf or crypto.KdfParams(), crypto.new_keypair()[0])
        tx.connection.execute(update(users).where(users.c.id == row.id).values(**fresh))
        _grant_membership(tx, row.org_id, row.id, tx.keys.org_private(tx.connection))
    tx.audit("user.enable" if active else "user.disable", None, user=row.id)


def set_user_role(tx: Tx, name: str, role: str) -> None:
    """Give a user of the actor's organisation another stored role (one of ``ROLE_CHOICES``); an administrator
    does not stop administering herself (her organisation would be left without one)."""
    tx.require_writable()
    require(tx.actor, "user.manage")
    if role not in ROLE_CHOICES:
        raise BadInput(
            key="error.store.unknown_role", field=Field("role"), role=role, roles=", ".join(ROLE_CHOICES)
        )
    row = _colleague(tx, name)
    if row.id == tx.actor.user_id and not read_role(role)[1]:
        raise OperationFailed(key="error.store.unadminister_self")
    if pg_security.is_postgresql(tx.connection):
        pg_security.set_role(tx.connection, row.id, role)
    else:
        tx.connection.execute(
            update(users).where(users.c.id == row.id).values(role=role, version=users.c.version + 1)
        )
    tx.audit("user.role", None, user=row.id, role=role)


def change_passphrase(tx: Tx, old: str, new: str, kdf: crypto.KdfParams | None = None) -> None:
    """Re-wrap the acting user's private key under a new passphrase (the old one must be given again)."""
    tx.require_writable()
    row = tx.connection.execute(select(users).where(users.c.id == tx.actor.user_id)).one()
    private = private_key_of(row, old)
    if private is None:
        raise LoginRefused(key="error.store.current_passphrase_wrong")
    fresh = user_keys(row.id, new, kdf or crypto.KdfParams(), private)
    tx.connection.execute(
        update(users)
        .where(users.c.id == row.id, users.c.version == row.version)
        .values(**fresh, version=row.version + 1)
    )
    if pg_security.is_postgresql(tx.connection):
        pg_security.set_verifier(tx.connection, login_verifier(_database(tx), row.name, new))
    tx.audit("user.passphrase", None, user=row.id)


def settle_pending(tx: Tx, row: Row, passphrase: str, private: bytes) -> None:
    """At her first unlock after an upgrade: her private key wrapped under her own passphrase, the former
    store data key dropped from her row."""
    params = crypto.KdfParams.from_json(row.kek_params)
    tx.connection.execute(
        update(users).where(users.c.id == row.id).values(**user_keys(row.id, passphrase, params, private))
    )
    tx.audit("user.keys_settled", None, user=row.id)
