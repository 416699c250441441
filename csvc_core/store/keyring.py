"""Who holds which key, and the keys an unlocked user holds.

Every user and every organisation has an X25519 key pair (public key in its row). A user's private key is
wrapped under the key from her passphrase; everything else is a *grant* (``key_grants``): the key of a scope,
sealed to the public key of its holder (:func:`csvc_core.store.crypto.seal_to`, bound to
``grant:<scope>:<holder>``).

- ``org:<org>`` held by ``user:<member>``: the organisation's private key, for each active member;
- ``case:<case>`` held by ``org:<owner>`` (and ``org:<referee>`` while a referral is in force): the case key;
- ``concertation:<request>`` held by ``org:<requester>`` and ``user:<coordinator>``: the request's free text;
- ``plan_action:<action>`` held by the request's holders and ``org:<owner of the action>``.

Two keys are derived rather than granted: a user's own (her drafts, :data:`SELF`) from her private key, and
an organisation's records key (its communications: shares, disclosures, referrals, transfers, emergency
accesses, :func:`records_of`) from the organisation's private key.

A session's :class:`Keyring` keeps only the user's private key; scope keys are opened from their grants when
first needed, and kept in memory by grant (a grant re-sealed by a rotation is opened again) until ``lock``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, insert, select

from csvc_core.errors import OperationFailed
from csvc_core.store import crypto
from csvc_core.store.access import AccessDenied
from csvc_core.store.directory import people
from csvc_core.store.schema import key_grants, organisations

#: the scope of a user's own key (her drafts).
SELF = "self"


def of_case(case_id: str) -> str:
    return f"case:{case_id}"


def of_org(org_id: str) -> str:
    return f"org:{org_id}"


def of_user(user_id: str) -> str:
    return f"user:{user_id}"


def of_concertation(concertation_id: str) -> str:
    return f"concertation:{concertation_id}"


def of_plan_action(action_id: str) -> str:
    return f"plan_action:{action_id}"


def records_of(org_id: str) -> str:
    """The scope of an organisation's records of its communications."""
    return f"records:{org_id}"


def self_key(private: bytes, user_id: str) -> bytes:
    """A user's own key (her drafts), derived from her private key."""
    return crypto.derived_key(private, f"self:{user_id}".encode())


def records_key(org_private: bytes, org_id: str) -> bytes:
    """An organisation's records key, derived from its private key."""
    return crypto.derived_key(org_private, records_of(org_id).encode())


def grant_aad(scope: str, holder: str) -> bytes:
    return f"grant:{scope}:{holder}".encode()


def public_key_of(connection: Connection, holder: str) -> bytes:
    """The public key of ``user:ID`` or ``org:ID``."""
    kind, _, holder_id = holder.partition(":")
    table = people(connection) if kind == "user" else organisations
    found = connection.execute(select(table.c.public_key).where(table.c.id == holder_id)).scalar()
    if found is None:
        raise OperationFailed(key="error.store.no_public_key", holder=holder)
    return bytes(found)


def give(
    connection: Connection,
    scope: str,
    holder: str,
    key: bytes,
    *,
    basis: str,
    at: datetime,
    by: str | None,
) -> None:
    """Grant ``key`` of ``scope`` to ``holder`` (replacing a grant it held)."""
    sealed = crypto.seal_to(public_key_of(connection, holder), key, grant_aad(scope, holder))
    connection.execute(delete(key_grants).where(key_grants.c.scope == scope, key_grants.c.holder == holder))
    connection.execute(
        insert(key_grants).values(
            scope=scope, holder=holder, wrapped=sealed, basis=basis, granted_at=at, granted_by=by
        )
    )


def revoke(connection: Connection, scope: str, holder: str | None = None) -> None:
    """Remove the grants of ``scope`` (held by ``holder``, or all)."""
    where = [key_grants.c.scope == scope]
    if holder is not None:
        where.append(key_grants.c.holder == holder)
    connection.execute(delete(key_grants).where(*where))


def holders(connection: Connection, scope: str) -> list[tuple[str, str]]:
    """``(holder, basis)`` of every grant of ``scope``."""
    query = select(key_grants.c.holder, key_grants.c.basis).where(key_grants.c.scope == scope)
    return [(row.holder, row.basis) for row in connection.execute(query)]


class Keyring:
    """The keys of one unlocked user: her private key, and the scope keys opened so far (by grant)."""

    def __init__(self, user_id: str, user_name: str, org_id: str, private_key: bytes) -> None:
        self.user_id = user_id
        self.user_name = user_name
        self.org_id = org_id
        self._private: bytes | None = private_key
        self._opened: dict[bytes, bytes] = {}

    def lock(self) -> None:
        """Forget every key: every later call fails until the user unlocks again."""
        self._private = None
        self._opened.clear()

    @property
    def locked(self) -> bool:
        return self._private is None

    def _own(self) -> bytes:
        if self._private is None:
            raise OperationFailed(key="error.store.locked")
        return self._private

    def org_private(self, connection: Connection) -> bytes:
        """Her organisation's private key, from the grant she holds."""
        return self._granted(connection, of_org(self.org_id), (of_user(self.user_id),))

    def check_org_public(self, connection: Connection) -> None:
        """Her organisation's public key in the store is the one of the private key she holds (a key put
        there in its place would receive the organisation's new keys)."""
        stored = connection.execute(
            select(organisations.c.public_key).where(organisations.c.id == self.org_id)
        ).scalar()
        if stored is None or bytes(stored) != crypto.public_of(self.org_private(connection)):
            raise OperationFailed(key="error.store.org_key_altered", organisation=self.org_id)

    def key(self, connection: Connection, scope: str) -> bytes:
        """The key of ``scope``, when she or her organisation holds it; else :class:`AccessDenied`."""
        if scope == SELF:
            return self_key(self._own(), self.user_id)
        if scope == records_of(self.org_id):
            return records_key(self.org_private(connection), self.org_id)
        return self._granted(connection, scope, (of_user(self.user_id), of_org(self.org_id)))

    def holds(self, connection: Connection, scope: str) -> bool:
        try:
            self.key(connection, scope)
        except AccessDenied:
            return False
        return True

    def _granted(self, connection: Connection, scope: str, candidates: tuple[str, ...]) -> bytes:
        found = self.granted(connection, [scope], candidates)
        if scope not in found:
            raise AccessDenied(key="error.store.key_not_held", scope=scope, user=self.user_name)
        return found[scope]

    def granted(
        self, connection: Connection, scopes: list[str], candidates: tuple[str, ...] | None = None
    ) -> dict[str, bytes]:
        """The keys of ``scopes`` that she (or her organisation) holds, read in one query."""
        own = self._own()
        holders = candidates or (of_user(self.user_id), of_org(self.org_id))
        rows = connection.execute(
            select(key_grants.c.scope, key_grants.c.holder, key_grants.c.wrapped).where(
                key_grants.c.scope.in_(scopes), key_grants.c.holder.in_(holders)
            )
        ).all()
        found: dict[str, bytes] = {}
        org_private: bytes | None = None
        for row in sorted(rows, key=lambda r: not r.holder.startswith("user:")):
            wrapped = bytes(row.wrapped)
            if row.scope in found:
                continue
            if wrapped in self._opened:
                found[row.scope] = self._opened[wrapped]
                continue
            if row.holder.startswith("user:"):
                private = own
            else:
                org_private = org_private or self.org_private(connection)
                private = org_private
            opened = crypto.open_sealed(private, wrapped, grant_aad(row.scope, row.holder))
            if opened is not None:
                self._opened[wrapped] = found[row.scope] = opened
        return found


def new_scope(
    connection: Connection, scope: str, holders: list[str], *, basis: str, at: datetime, by: str | None
) -> bytes:
    """A fresh random key for ``scope``, granted to each of ``holders``."""
    key = crypto.new_data_key()
    for holder in holders:
        give(connection, scope, holder, key, basis=basis, at=at, by=by)
    return key


def revoke_holder(connection: Connection, holder: str) -> None:
    """Remove every grant ``holder`` holds."""
    connection.execute(delete(key_grants).where(key_grants.c.holder == holder))
