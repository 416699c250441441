"""Referrals and transfers in the store: a referral lets another organisation read a case while it is in
force; a transfer makes it the owner. The rules are :mod:`csvc_core.sharing.handover`'s.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Table, insert, select, update

from csvc_core.errors import OperationFailed
from csvc_core.sharing import handover
from csvc_core.sharing.handover import Basis
from csvc_core.store import keyring, pg_security
from csvc_core.store.access import member
from csvc_core.store.context import Tx
from csvc_core.store.crypto import new_id
from csvc_core.store.partners import organisation_row, owned_case
from csvc_core.store.schema import cases, consents, referrals, transfers
from csvc_core.store.sharing_rows import consent_of, referral_of, rows_of


def _hand_over(
    tx: Tx, case_id: str, *, to: str, why: str, basis: Basis, decide: Callable[..., Any], table: Table
) -> tuple[str, str]:
    """Check a referral or a transfer with the core's rule ``decide``; store it in ``table``: (its id, to)."""
    row = owned_case(tx, case_id)
    target = organisation_row(tx, to, "recipient_org")
    handover_id = new_id()
    pool = [consent_of(r) for r in rows_of(tx.connection, consents, case_id, consents.c.given_at)]
    done = decide(
        id=handover_id,
        case=case_id,
        owner=row.org_id,
        actor=member(tx.actor),
        to_org=target.id,
        at=tx.now,
        why=why,
        basis=basis,
        consents=pool,
    )
    tx.connection.execute(
        insert(table).values(
            id=handover_id,
            case_id=case_id,
            from_org_id=done.from_org,
            to_org_id=done.to_org,
            at=done.at,
            by=tx.actor.user_id,
            reason_ct=tx.seal(
                done.reason, table.c.reason_ct, handover_id, scope=keyring.records_of(done.from_org)
            ),
            basis_kind=basis.kind,
            basis_ref=basis.reference,
        )
    )
    return handover_id, target.id


def refer(tx: Tx, case_id: str, *, to: str, why: str, basis: Basis) -> str:
    """Refer a case: organisation ``to`` reads it while the referral (and its consent) is in force."""
    referral_id, target = _hand_over(
        tx, case_id, to=to, why=why, basis=basis, decide=handover.refer, table=referrals
    )
    case_key = tx.key(keyring.of_case(case_id))
    keyring.give(
        tx.connection,
        keyring.of_case(case_id),
        keyring.of_org(target),
        case_key,
        basis="referral",
        at=tx.now,
        by=tx.actor.user_id,
    )
    tx.audit("case.refer", case_id, referral=referral_id, to=target, basis=basis.kind, fields=["reason"])
    return referral_id


def end_referral(tx: Tx, referral_id: str) -> None:
    """End a referral: the referee's reading stops now."""
    tx.require_writable()
    row = tx.connection.execute(select(referrals).where(referrals.c.id == referral_id)).first()
    if row is None:
        raise OperationFailed(key="error.store.referral_not_found", id=referral_id)
    ended = handover.end_referral(referral_of(row), actor=member(tx.actor), at=tx.now)
    tx.connection.execute(
        update(referrals)
        .where(referrals.c.id == referral_id, referrals.c.ended_at.is_(None))
        .values(ended_at=ended.ended_at, ended_by=tx.actor.user_id)
    )
    _drop_referee_key(tx, row.case_id, row.to_org_id)
    tx.audit("case.refer_end", row.case_id, referral=referral_id)


def _drop_referee_key(tx: Tx, case_id: str, org_id: str) -> None:
    """The referee's case key goes with its last referral in force (never the owner's)."""
    owner = tx.connection.execute(select(cases.c.org_id).where(cases.c.id == case_id)).scalar_one()
    still = tx.connection.execute(
        select(referrals.c.id).where(
            referrals.c.case_id == case_id, referrals.c.to_org_id == org_id, referrals.c.ended_at.is_(None)
        )
    ).first()
    if owner != org_id and still is None:
        keyring.revoke(tx.connection, keyring.of_case(case_id), keyring.of_org(org_id))


def transfer(tx: Tx, case_id: str, *, to: str, why: str, basis: Basis) -> str:
    """Transfer a case: organisation ``to`` owns it from now; the former owner keeps only what the law lets
    it keep (the case reference and the register of its own communications)."""
    transfer_id, target = _hand_over(
        tx, case_id, to=to, why=why, basis=basis, decide=handover.transfer, table=transfers
    )
    scope = keyring.of_case(case_id)
    case_key = tx.key(scope)  # opened while the case is still hers
    if pg_security.is_postgresql(tx.connection):  # the server moves a case only through its owner's transfer
        pg_security.transfer_case(tx.connection, case_id, transfer_id)
    else:
        tx.connection.execute(
            update(cases).where(cases.c.id == case_id).values(org_id=target, version=cases.c.version + 1)
        )
    keyring.give(
        tx.connection,
        scope,
        keyring.of_org(target),
        case_key,
        basis="owner",
        at=tx.now,
        by=tx.actor.user_id,
    )
    keyring.revoke(tx.connection, scope, keyring.of_org(tx.actor.org_id))
    tx.audit("case.transfer", case_id, transfer=transfer_id, to=target, basis=basis.kind, fields=["reason"])
    return transfer_id
