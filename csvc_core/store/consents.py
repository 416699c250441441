"""Consents in the store, and the shares made under them.

The rules are :mod:`csvc_core.sharing.consent`'s: this module reads their records from rows, asks the rules,
and writes what they allow with its audit entry in the same transaction. Only practitioners of the
organisation that owns a case record a consent or share under it; the person and the purpose are sealed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import attrs
from sqlalchemy import insert, select, update

from csvc_core.errors import OperationFailed
from csvc_core.sharing import consent as consent_rules
from csvc_core.sharing.consent import ShareDecision
from csvc_core.sharing.parties import Organisation as MemberOrganisation
from csvc_core.sharing.reasons import Refused
from csvc_core.sharing.share import share_under_consent
from csvc_core.store import keyring
from csvc_core.store.access import AccessDenied, case_access, member
from csvc_core.store.casefields import case_fields
from csvc_core.store.casefile import case_detail
from csvc_core.store.context import Tx
from csvc_core.store.crypto import new_id
from csvc_core.store.directory import user_names
from csvc_core.store.partners import (
    consent_scope,
    named,
    org_names,
    organisation_row,
    owned_case,
    recipient_copy,
    unsealer,
)
from csvc_core.store.records import iso
from csvc_core.store.schema import consents, shares
from csvc_core.store.sealed import place
from csvc_core.store.sharing_rows import consent_of, dump_codes, rows_of


# -- consents ------------------------------------------------------------------------------------------------
@attrs.frozen
class ConsentRecord:
    id: str
    case_id: str
    person: str
    purpose: str
    categories: tuple[str, ...]
    partner_sector: str
    partner: str | None
    given_by: str
    given_at: datetime
    expires_at: datetime
    withdrawn_at: datetime | None
    status: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "case": self.case_id,
            "person": self.person,
            "purpose": self.purpose,
            "categories": list(self.categories),
            "partner_sector": self.partner_sector,
            "partner": self.partner,
            "given_by": self.given_by,
            "given_at": iso(self.given_at),
            "expires_at": iso(self.expires_at),
            "withdrawn_at": iso(self.withdrawn_at),
            "status": self.status,
        }


def give_consent(
    tx: Tx,
    case_id: str,
    *,
    person: str,
    purpose: str,
    categories: Iterable[str],
    partner_sector: str,
    partner: str | None = None,
    expires_at: datetime,
    given_at: datetime | None = None,
) -> str:
    """Record a consent received by the acting user (one purpose, its categories, one partner organisation
    or sector, an expiry); every missing element is named at once. Returns its id."""
    owned_case(tx, case_id)
    partner_id = organisation_row(tx, partner, "partner").id if partner else None
    consent_id = new_id()
    checked = consent_rules.give_consent(
        id=consent_id,
        case=case_id,
        person=person,
        purpose=purpose,
        categories=categories,
        partner=consent_rules.Partner(partner_sector, partner_id),
        given_by=tx.actor.user_id,
        given_at=given_at or tx.now,
        expires_at=expires_at,
    )
    tx.connection.execute(
        insert(consents).values(
            id=consent_id,
            case_id=case_id,
            org_id=tx.actor.org_id,
            person_ct=tx.seal(
                checked.person, consents.c.person_ct, consent_id, scope=keyring.of_case(case_id)
            ),
            purpose_ct=tx.seal(
                checked.purpose, consents.c.purpose_ct, consent_id, scope=keyring.of_case(case_id)
            ),
            categories=dump_codes(checked.categories),
            partner_sector=partner_sector,
            partner_org_id=partner_id,
            given_by=tx.actor.user_id,
            given_at=checked.given_at,
            expires_at=checked.expires_at,
            recorded_at=tx.now,
            recorded_by=tx.actor.user_id,
        )
    )
    tx.audit(
        "consent.give",
        case_id,
        consent=consent_id,
        categories=sorted(checked.categories),
        partner_sector=partner_sector,
        partner=partner_id,
        fields=["person", "purpose"],
    )
    return consent_id


def withdraw_consent(tx: Tx, consent_id: str, at: datetime | None = None) -> None:
    """Withdraw a consent: from ``at`` (default now) nothing new is shared under it."""
    row = tx.connection.execute(select(consents).where(consents.c.id == consent_id)).first()
    if row is None:
        raise OperationFailed(key="error.store.consent_not_found", id=consent_id)
    owned_case(tx, row.case_id)
    withdrawn = consent_rules.withdraw(consent_of(row), at=at or tx.now, by=tx.actor.user_id)
    tx.connection.execute(
        update(consents)
        .where(consents.c.id == consent_id, consents.c.withdrawn_at.is_(None))
        .values(withdrawn_at=withdrawn.withdrawn_at, withdrawn_by=tx.actor.user_id)
    )
    made_under = [
        made.id
        for made in tx.connection.execute(
            select(shares.c.id, shares.c.consent_ids).where(shares.c.case_id == row.case_id)
        )
        if consent_id in json.loads(made.consent_ids)
    ]
    if made_under:  # the recipients' copies go with the consent
        tx.connection.execute(update(shares).where(shares.c.id.in_(made_under)).values(recipient_ct=None))
    tx.audit("consent.withdraw", row.case_id, consent=consent_id)


def list_consents(tx: Tx, case_id: str) -> list[ConsentRecord]:
    """The consents of a case (owner or referee), with their status now."""
    if not case_access(tx.connection, tx.actor, case_id, tx.now).full:
        raise AccessDenied(key="error.store.case_not_visible", case=case_id, user=tx.actor.name)
    names, people = org_names(tx), user_names(tx.connection)
    found = []
    for row in rows_of(tx.connection, consents, case_id, consents.c.given_at):
        consent = consent_of(row, unsealer(tx, consent_scope))
        found.append(
            ConsentRecord(
                id=consent.id,
                case_id=case_id,
                person=consent.person,
                purpose=consent.purpose,
                categories=tuple(sorted(consent.categories)),
                partner_sector=consent.partner.sector,
                partner=names.get(consent.partner.organisation or ""),
                given_by=people.get(consent.given_by, consent.given_by),
                given_at=consent.given_at,
                expires_at=consent.expires_at,
                withdrawn_at=consent.withdrawn_at,
                status=consent.status(tx.now),
            )
        )
    tx.audit("consent.list", case_id, count=len(found), fields=["person", "purpose"])
    return found


def may_share(
    tx: Tx, case_id: str, categories: Iterable[str], to: str, purpose: str | None = None
) -> ShareDecision:
    """The rules' answer, with its reasons, on sharing these categories of a case with organisation ``to``."""
    owned_case(tx, case_id)
    recipient = organisation_row(tx, to, "recipient_org")
    pool = [
        consent_of(row, unsealer(tx, consent_scope))
        for row in rows_of(tx.connection, consents, case_id, consents.c.given_at)
    ]
    decision = consent_rules.may_share(
        pool, categories, MemberOrganisation(recipient.id, recipient.sector), tx.now, purpose
    )
    return attrs.evolve(decision, reasons=named(tx, decision.reasons))


# -- shares under consent ------------------------------------------------------------------------------------
def share(tx: Tx, case_id: str, *, categories: Iterable[str], to: str, purpose: str) -> str:
    """Share these categories of the case with organisation ``to`` under the consents in force."""
    owned_case(tx, case_id)
    recipient = organisation_row(tx, to, "recipient_org")
    rows = rows_of(tx.connection, consents, case_id, consents.c.given_at)
    pool = [consent_of(row, unsealer(tx, consent_scope)) for row in rows]
    share_id = new_id()
    try:
        done = share_under_consent(
            id=share_id,
            case=case_id,
            actor=member(tx.actor),
            consents=pool,
            categories=categories,
            recipient=MemberOrganisation(recipient.id, recipient.sector),
            at=tx.now,
            purpose=purpose,
        )
    except Refused as refused:
        raise Refused(*named(tx, refused.reasons)) from None
    sent = {
        name: value
        for name, (category, value) in case_fields(
            case_detail(tx, case_id, reveal=True, results=True)
        ).items()
        if category in done.categories
    }
    records = keyring.records_of(tx.actor.org_id)
    tx.connection.execute(
        insert(shares).values(
            id=share_id,
            case_id=case_id,
            org_id=tx.actor.org_id,
            shared_at=done.shared_at,
            shared_by=tx.actor.user_id,
            recipient_org_id=recipient.id,
            categories=dump_codes(done.categories),
            purpose_ct=tx.seal(done.purpose, shares.c.purpose_ct, share_id, scope=records),
            consent_ids=json.dumps(list(done.consents)),
            payload_ct=tx.seal_json(sent, shares.c.payload_ct, share_id, scope=records),
            recipient_ct=recipient_copy(tx, recipient.id, sent, place(shares.c.recipient_ct, share_id)),
        )
    )
    tx.audit(
        "share.create",
        case_id,
        share=share_id,
        recipient=recipient.id,
        categories=sorted(done.categories),
        consents=list(done.consents),
        fields=sorted(sent),
    )
    return share_id
