"""The one access decision every read of a case goes through: may this user see this case, and how much of it.

In order: the owner organisation sees the whole case and may change it; an organisation the case is referred
to (referral in force) reads the whole case; a user who broke the glass reads the whole case, without changing
it, while her emergency access lasts; an organisation covered by a consent in force reads the consented
categories; a recipient organisation of a disclosure reads exactly the disclosed fields; a former owner keeps
only what the law lets it keep after a transfer. Anyone else sees nothing. Roles do not widen reading: a
coordinator or an administrator sees a case only through her organisation.
"""

from __future__ import annotations

from datetime import datetime

import attrs

from csvc_core.sharing.consent import ACTIVE, Consent
from csvc_core.sharing.disclosure import Disclosure
from csvc_core.sharing.emergency import EmergencyAccess
from csvc_core.sharing.handover import RETAINED_AFTER_TRANSFER, Referral, Transfer, former_owners, owner_at
from csvc_core.sharing.parties import ROLES, Actor
from csvc_core.sharing.reasons import Reason, as_utc, reason

OWNER, REFERRAL, CONSENT, DISCLOSURE, TRANSFERRED_OUT, BREAK_GLASS = (
    "owner",
    "referral",
    "consent",
    "disclosure",
    "transferred_out",
    "break_glass",
)


@attrs.frozen
class CaseRecord:
    """What the access decision needs to know about a case: who opened it and how it was shared since."""

    id: str
    opened_by: str
    referrals: tuple[Referral, ...] = ()
    transfers: tuple[Transfer, ...] = ()
    consents: tuple[Consent, ...] = ()
    disclosures: tuple[Disclosure, ...] = ()
    emergencies: tuple[EmergencyAccess, ...] = ()


@attrs.frozen
class Access:
    """The decision: ``full`` (the whole case) or a part (``categories``, ``fields``); ``write`` for the
    owner."""

    allowed: bool
    bases: tuple[str, ...]
    reason: Reason
    full: bool = False
    write: bool = False
    categories: frozenset[str] = frozenset()
    fields: frozenset[str] = frozenset()

    def sees_category(self, category: str) -> bool:
        return self.full or category in self.categories

    def sees_field(self, field: str) -> bool:
        return self.full or field in self.fields


def may_see(user: Actor, record: CaseRecord, at: datetime) -> Access:
    """Whether ``user`` may see ``record`` at ``at``, on which basis, and how much."""
    moment = as_utc(at, "at")
    org = user.org
    if user.role not in ROLES:
        return Access(False, (), reason("unknown_role", role=user.role, allowed=ROLES))
    owner = owner_at(record.opened_by, record.transfers, moment)
    if org == owner:
        return Access(True, (OWNER,), reason("access_owner", organisation=org), full=True, write=True)
    if any(r.to_org == org and r.active(moment, record.consents) for r in record.referrals):
        return Access(True, (REFERRAL,), reason("access_referral", organisation=org), full=True)
    if any(e.user == user.user and e.active(moment) for e in record.emergencies):
        return Access(True, (BREAK_GLASS,), reason("access_break_glass", user=user.user), full=True)
    categories = frozenset(
        category
        for consent in record.consents
        if consent.status(moment) == ACTIVE and consent.partner.covers(user.organisation)
        for category in consent.categories
    )
    fields = frozenset(
        field
        for disclosure in record.disclosures
        if disclosure.recipient.organisation == org and disclosure.disclosed_at <= moment
        for field in disclosure.fields
    )
    bases: list[str] = []
    if categories:
        bases.append(CONSENT)
    if fields:
        bases.append(DISCLOSURE)
    if org in former_owners(record.opened_by, record.transfers, moment):
        bases.append(TRANSFERRED_OUT)
        categories |= RETAINED_AFTER_TRANSFER
    if bases:
        return Access(
            True, tuple(bases), reason("access_part", bases=bases), categories=categories, fields=fields
        )
    return Access(False, (), reason("no_access", user=user.user, case=record.id))
