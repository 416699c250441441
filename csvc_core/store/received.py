"""What another organisation shared with the acting one: the cases it may read something of, and what it
received of one (shares while their consents are in force, disclosures addressed to it).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from csvc_core.sharing import consent as consent_rules
from csvc_core.store.access import AccessDenied, case_access, case_accesses
from csvc_core.store.context import Tx
from csvc_core.store.partners import open_copy
from csvc_core.store.records import SharedCase, iso
from csvc_core.store.schema import cases, consents, disclosures, referrals, shares, transfers
from csvc_core.store.sealed import place
from csvc_core.store.sharing_rows import codes, consent_of, rows_of


def shared_with_me(tx: Tx, case_id: str) -> dict[str, Any]:
    """What the acting user's organisation may read of a case it does not hold: the access decision, and the
    content of the shares (while every consent they were sent under is in force) and disclosures addressed to
    it."""
    access = case_access(tx.connection, tx.actor, case_id, tx.now)
    if not access.allowed:
        raise AccessDenied(key="error.store.case_not_visible", case=case_id, user=tx.actor.name)
    received: list[dict[str, Any]] = []
    in_force = _consents_in_force(tx, case_id)
    for row in tx.connection.execute(
        select(shares)
        .where(shares.c.case_id == case_id, shares.c.recipient_org_id == tx.actor.org_id)
        .order_by(shares.c.shared_at)
    ):
        if not in_force.issuperset(json.loads(row.consent_ids)):
            continue
        sent = open_copy(tx, row.recipient_ct, place(shares.c.recipient_ct, row.id))
        allowed = [c for c in codes(row.categories) if access.sees_category(c)]
        if allowed and isinstance(sent, dict):
            received.append(
                {"share": row.id, "shared_at": iso(row.shared_at), "categories": allowed, "sent": sent}
            )
    for row in tx.connection.execute(
        select(disclosures)
        .where(disclosures.c.case_id == case_id, disclosures.c.recipient_org_id == tx.actor.org_id)
        .order_by(disclosures.c.disclosed_at)
    ):
        sent = open_copy(tx, row.recipient_ct, place(disclosures.c.recipient_ct, row.id))["sent"]
        received.append(
            {
                "disclosure": row.id,
                "disclosed_at": iso(row.disclosed_at),
                "fields": list(codes(row.fields)),
                "sent": sent,
            }
        )
    tx.audit("case.read_shared", case_id, bases=list(access.bases), count=len(received))
    return {
        "case": case_id,
        "bases": list(access.bases),
        "full": access.full,
        "categories": sorted(access.categories),
        "fields": sorted(access.fields),
        "received": received,
    }


def _consents_in_force(tx: Tx, case_id: str) -> set[str]:
    """The ids of the case's consents neither withdrawn nor expired now: a share is read only while every
    consent it was sent under is among them."""
    return {
        row.id
        for row in rows_of(tx.connection, consents, case_id, consents.c.given_at)
        if consent_of(row).status(tx.now) == consent_rules.ACTIVE
    }


def shared_cases(tx: Tx) -> list[SharedCase]:
    """The cases another organisation holds that the acting user's organisation may read something of now,
    with the bases (referral, consent, disclosure, transferred_out): how a partner finds what it received."""
    org = tx.actor.org_id
    candidates: set[str] = set()
    for column, table in (
        (referrals.c.to_org_id, referrals),
        (shares.c.recipient_org_id, shares),
        (disclosures.c.recipient_org_id, disclosures),
        (transfers.c.from_org_id, transfers),
    ):
        candidates.update(tx.connection.execute(select(table.c.case_id).where(column == org)).scalars())
    accesses = case_accesses(tx.connection, tx.actor, candidates, tx.now)
    shared = {case_id: a for case_id, a in sorted(accesses.items()) if a.allowed and "owner" not in a.bases}
    levelled = [
        case_id
        for case_id, access in shared.items()
        if access.sees_field("compromission") or access.sees_category("risk_level")
    ]
    level_query = select(cases.c.id, cases.c.compromission).where(cases.c.id.in_(levelled))
    levels = dict(tx.connection.execute(level_query).all())
    found = [
        SharedCase(case=case_id, bases=access.bases, full=access.full, compromission=levels.get(case_id))
        for case_id, access in shared.items()
    ]
    tx.audit("case.list_shared", None, count=len(found))
    return found
