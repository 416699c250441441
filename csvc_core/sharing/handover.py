"""Referral and transfer of a case between organisations.

A referral shares read access with another organisation; the owner keeps the case and may end the referral.
A transfer moves ownership: the new owner holds the case, the former owner keeps only what the law lets it
keep
(the reference of the case it held and the register of the communications it made), never the case content.
Either rests on a basis: the person's consent (in force only while the consent is) or a provision of law.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import attrs

from csvc_core.sharing.consent import ACTIVE, Consent
from csvc_core.sharing.parties import ADMIN, Actor
from csvc_core.sharing.reasons import Incomplete, Reason, Refused, as_utc, blank, reason

CONSENT, LAW = "consent", "law"
BASES = (CONSENT, LAW)
#: what a former owner keeps after a transfer.
RETAINED_AFTER_TRANSFER = frozenset({"case_reference", "communications"})


@attrs.frozen
class Basis:
    """``consent``: ``reference`` is a consent id; ``law``: ``reference`` names the provision (e.g. P-34.1 s.
    39)."""

    kind: str
    reference: str


@attrs.frozen
class Referral:
    id: str
    case: str
    from_org: str
    to_org: str
    at: datetime
    by: str
    reason: str
    basis: Basis
    ended_at: datetime | None = None
    ended_by: str | None = None

    def active(self, at: datetime, consents: Iterable[Consent] = ()) -> bool:
        """In force at ``at``: started, not ended, and its consent (if it rests on one) still in force."""
        if at < self.at or (self.ended_at is not None and at >= self.ended_at):
            return False
        return _basis_holds(self.basis, consents, at)


@attrs.frozen
class Transfer:
    id: str
    case: str
    from_org: str
    to_org: str
    at: datetime
    by: str
    reason: str
    basis: Basis


def _basis_holds(basis: Basis, consents: Iterable[Consent], at: datetime) -> bool:
    if basis.kind == LAW:
        return True
    return any(c.id == basis.reference and c.status(at) == ACTIVE for c in consents)


def _check(
    actor: Actor, owner: str, to_org: str, why: str, basis: Basis, consents: Sequence[Consent], at: datetime
) -> None:
    if actor.org != owner or actor.role == ADMIN:
        raise Refused(reason("handover_not_owner", user=actor.user, owner=owner))
    if to_org == owner:
        raise Refused(reason("handover_to_self", organisation=to_org))
    problems: list[Reason] = []
    if blank(why):
        problems.append(reason("handover_missing", element="reason"))
    if basis.kind not in BASES:
        problems.append(reason("handover_basis", basis=basis.kind, allowed=BASES))
    elif blank(basis.reference):
        problems.append(reason("handover_missing", element="basis.reference"))
    if problems:
        raise Incomplete(*problems)
    if basis.kind == CONSENT:
        consent = next((c for c in consents if c.id == basis.reference), None)
        if consent is None or consent.status(at) != ACTIVE:
            raise Refused(reason("handover_consent", consent=basis.reference))
        if consent.partner.organisation not in (None, to_org):
            raise Refused(reason("handover_consent_partner", consent=consent.id, organisation=to_org))


def refer(
    *,
    id: str,
    case: str,
    owner: str,
    actor: Actor,
    to_org: str,
    at: datetime,
    why: str,
    basis: Basis,
    consents: Sequence[Consent] = (),
) -> Referral:
    """A referral of ``case`` by a member of its owner organisation to ``to_org``."""
    moment = as_utc(at, "at")
    _check(actor, owner, to_org, why, basis, consents, moment)
    return Referral(id, case, owner, to_org, moment, actor.user, why.strip(), basis)


def end_referral(referral: Referral, *, actor: Actor, at: datetime) -> Referral:
    """The referral ended by its owner organisation: the referee's access stops at ``at``."""
    moment = as_utc(at, "at")
    if actor.org != referral.from_org:
        raise Refused(reason("handover_not_owner", user=actor.user, owner=referral.from_org))
    if referral.ended_at is not None:
        raise Refused(reason("referral_already_ended", referral=referral.id))
    if moment < referral.at:
        raise Refused(reason("referral_end_before_start", referral=referral.id))
    return attrs.evolve(referral, ended_at=moment, ended_by=actor.user)


def transfer(
    *,
    id: str,
    case: str,
    owner: str,
    actor: Actor,
    to_org: str,
    at: datetime,
    why: str,
    basis: Basis,
    consents: Sequence[Consent] = (),
) -> Transfer:
    """A transfer of ``case`` from its current owner to ``to_org``."""
    moment = as_utc(at, "at")
    _check(actor, owner, to_org, why, basis, consents, moment)
    return Transfer(id, case, owner, to_org, moment, actor.user, why.strip(), basis)


def owner_at(opened_by: str, transfers: Iterable[Transfer], at: datetime) -> str:
    """The organisation that owns the case at ``at``: the opener, then each transfer in time order."""
    owner = opened_by
    for step in sorted(transfers, key=lambda item: item.at):
        if step.at > at:
            break
        if step.from_org != owner:
            raise Refused(reason("transfer_chain", transfer=step.id, expected=owner, found=step.from_org))
        owner = step.to_org
    return owner


def former_owners(opened_by: str, transfers: Iterable[Transfer], at: datetime) -> frozenset[str]:
    """Organisations that owned the case before ``at`` and no longer do."""
    held = {opened_by} | {step.to_org for step in transfers if step.at <= at}
    return frozenset(held - {owner_at(opened_by, transfers, at)})
