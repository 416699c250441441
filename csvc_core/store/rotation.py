"""``csvc org rotate-key``: a new key pair for the acting administrator's organisation, run when someone
leaves it.

In one transaction: the organisation's new public key; every grant it holds and every copy sent to it
re-sealed to the new key; its records of communications re-sealed under the new records key; for every case
it owns a fresh case key, every sealed value of the case re-sealed and the new key granted to the case's
holders; the new private key granted to each active member (and only them). A key copied before the rotation
(the organisation's, a case's, its records') opens nothing in the store any more.
"""

from __future__ import annotations

from sqlalchemy import Row, select, update

from csvc_core.errors import OperationFailed
from csvc_core.store import crypto, keyring
from csvc_core.store.access import require
from csvc_core.store.context import Tx
from csvc_core.store.disclosures import disclosure_digest
from csvc_core.store.schema import (
    cases,
    disclosure_annotations,
    disclosures,
    emergency_access,
    key_grants,
    organisations,
    shares,
    users,
)
from csvc_core.store.sealed import CASE, RECORDS, place


def rotate_org_key(tx: Tx) -> dict[str, int]:
    """Rotate the acting user's organisation's keys; the counts of what was re-sealed (also audited)."""
    tx.require_writable()
    require(tx.actor, "user.manage")
    org = tx.actor.org_id
    pending = (
        tx.connection.execute(
            select(users.c.name)
            .where(users.c.org_id == org, users.c.active.is_(True), users.c.pending_key.is_not(None))
            .order_by(users.c.name)
        )
        .scalars()
        .all()
    )
    if pending:  # their private keys still open with the former store data key: the new key would leak
        raise OperationFailed(key="error.store.rotate_pending", users=", ".join(pending))
    old_private = tx.keys.org_private(tx.connection)
    old_records = tx.key(keyring.records_of(org))
    new_private, new_public = crypto.new_keypair()
    new_records = keyring.records_key(new_private, org)
    tx.connection.execute(
        update(organisations).where(organisations.c.id == org).values(public_key=new_public)
    )
    counts = {"grants": 0, "copies": 0, "records": 0, "cases": 0, "values": 0, "members": 0}
    intact = _intact_disclosures(tx, org)

    owned = list(tx.connection.execute(select(cases.c.id).where(cases.c.org_id == org)).scalars())
    case_scopes = {keyring.of_case(case_id) for case_id in owned}
    held = tx.connection.execute(select(key_grants).where(key_grants.c.holder == keyring.of_org(org))).all()
    for grant in held:
        if grant.scope in case_scopes:
            continue
        key = _open(old_private, grant.wrapped, keyring.grant_aad(grant.scope, grant.holder), grant.scope)
        _regrant(tx, grant, key)
        counts["grants"] += 1

    counts["copies"] = _reseal_copies(tx, org, old_private, new_public)
    for spec in RECORDS:
        for row in spec.rows(tx.connection, spec.owner == org):
            counts["records"] += spec.rewrite(tx.connection, row, old_records, new_records)

    for case_id in owned:
        scope = keyring.of_case(case_id)
        old_key, new_key = tx.key(scope), crypto.new_data_key()
        for spec in CASE:
            for row in spec.rows(tx.connection, spec.owner == case_id):
                counts["values"] += spec.rewrite(tx.connection, row, old_key, new_key)
        for grant in tx.connection.execute(select(key_grants).where(key_grants.c.scope == scope)).all():
            _regrant(tx, grant, new_key)
        counts["cases"] += 1

    _refresh_digests(tx, intact)
    keyring.revoke(tx.connection, keyring.of_org(org))
    members = tx.connection.execute(
        select(users.c.id).where(users.c.org_id == org, users.c.active.is_(True))
    ).scalars()
    for user_id in members:
        keyring.give(
            tx.connection,
            keyring.of_org(org),
            keyring.of_user(user_id),
            new_private,
            basis="member",
            at=tx.now,
            by=tx.actor.user_id,
        )
        counts["members"] += 1
    tx.audit("org.rotate_key", None, organisation=org, **counts)
    return counts


def _open(private: bytes, blob: bytes, aad: bytes, where: str) -> bytes:
    opened = crypto.open_sealed(private, blob, aad)
    if opened is None:
        raise OperationFailed(key="error.store.field_altered", where=where)
    return opened


def _regrant(tx: Tx, grant: Row, key: bytes) -> None:
    """The same grant (scope, holder, basis), sealed again to the holder's current public key."""
    keyring.give(
        tx.connection, grant.scope, grant.holder, key, basis=grant.basis, at=tx.now, by=tx.actor.user_id
    )


def _reseal_copies(tx: Tx, org: str, old_private: bytes, new_public: bytes) -> int:
    """The copies sent to the organisation (shares, disclosures and their annotations, emergency accesses
    to its cases), sealed again to its new public key."""
    count = 0
    sources = (
        (
            shares.c.recipient_ct,
            select(shares.c.id, shares.c.recipient_ct.label("copy")).where(
                shares.c.recipient_org_id == org, shares.c.recipient_ct.is_not(None)
            ),
        ),
        (
            disclosures.c.recipient_ct,
            select(disclosures.c.id, disclosures.c.recipient_ct.label("copy")).where(
                disclosures.c.recipient_org_id == org, disclosures.c.recipient_ct.is_not(None)
            ),
        ),
        (
            disclosure_annotations.c.recipient_ct,
            select(disclosure_annotations.c.id, disclosure_annotations.c.recipient_ct.label("copy"))
            .join(disclosures, disclosures.c.id == disclosure_annotations.c.disclosure_id)
            .where(disclosures.c.recipient_org_id == org, disclosure_annotations.c.recipient_ct.is_not(None)),
        ),
        (
            emergency_access.c.owner_ct,
            select(emergency_access.c.id, emergency_access.c.owner_ct.label("copy"))
            .join(cases, cases.c.id == emergency_access.c.case_id)
            .where(cases.c.org_id == org, emergency_access.c.owner_ct.is_not(None)),
        ),
    )
    for column, query in sources:
        table = column.table
        for row in tx.connection.execute(query).all():
            where = place(column, row.id)
            plain = _open(old_private, row.copy, where.encode(), where)
            sealed = crypto.seal_to(new_public, plain, where.encode())
            tx.connection.execute(update(table).where(table.c.id == row.id).values({column.name: sealed}))
            count += 1
    return count


def _intact_disclosures(tx: Tx, org: str) -> set[str]:
    """The disclosures the rotation re-seals whose digest holds now (an altered one stays refused)."""
    query = select(disclosures).where((disclosures.c.org_id == org) | (disclosures.c.recipient_org_id == org))
    rows = tx.connection.execute(query).all()
    return {row.id for row in rows if disclosure_digest(row._mapping) == row.digest}


def _refresh_digests(tx: Tx, intact: set[str]) -> None:
    """Each intact disclosure gets its digest over the row as it now is, re-sealed."""
    for disclosure_id in sorted(intact):
        row = tx.connection.execute(select(disclosures).where(disclosures.c.id == disclosure_id)).one()
        tx.connection.execute(
            update(disclosures)
            .where(disclosures.c.id == disclosure_id)
            .values(digest=disclosure_digest(row._mapping))
        )
