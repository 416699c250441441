"""Consent to share: one purpose, named categories, one partner organisation or sector, a time limit.

A consent is valid from ``given_at`` until ``expires_at`` or its withdrawal, whichever comes first. Withdrawal
takes
effect at once: from that moment no new sharing rests on it (what was shared before stays recorded).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import attrs

from csvc_core.sharing.categories import CATEGORIES
from csvc_core.sharing.parties import SECTORS, Organisation
from csvc_core.sharing.reasons import Incomplete, Reason, Refused, as_utc, blank, reason

NOT_YET, ACTIVE, EXPIRED, WITHDRAWN = "not_yet", "active", "expired", "withdrawn"


@attrs.frozen
class Partner:
    """Who may receive under a consent: one organisation of ``sector``, or (``organisation`` None) the
    sector."""

    sector: str
    organisation: str | None = None

    def covers(self, recipient: Organisation) -> bool:
        if self.organisation is not None:
            return recipient.id == self.organisation and recipient.sector == self.sector
        return recipient.sector == self.sector


@attrs.frozen
class Consent:
    """A consent as given by ``person`` (e.g. the victim) and received by ``given_by`` (a named
    professional)."""

    id: str
    case: str
    person: str
    purpose: str
    categories: frozenset[str]
    partner: Partner
    given_by: str
    given_at: datetime
    expires_at: datetime
    withdrawn_at: datetime | None = None
    withdrawn_by: str | None = None

    def status(self, at: datetime) -> str:
        if self.withdrawn_at is not None and at >= self.withdrawn_at:
            return WITHDRAWN
        if at < self.given_at:
            return NOT_YET
        if at >= self.expires_at:
            return EXPIRED
        return ACTIVE

    def covers(self, category: str, recipient: Organisation, purpose: str | None) -> bool:
        """Whether the consent's scope takes in this category, recipient and purpose (validity aside)."""
        return (
            category in self.categories
            and self.partner.covers(recipient)
            and (purpose is None or purpose == self.purpose)
        )


def give_consent(
    *,
    id: str,
    case: str,
    person: str,
    purpose: str,
    categories: Iterable[str],
    partner: Partner,
    given_by: str,
    given_at: datetime,
    expires_at: datetime,
) -> Consent:
    """A checked consent; every missing or wrong element is named at once (:class:`Incomplete`)."""
    problems: list[Reason] = []
    chosen = frozenset(categories)
    for field, value in (("person", person), ("purpose", purpose), ("given_by", given_by)):
        if blank(value):
            problems.append(reason("consent_missing", field=field))
    if not chosen:
        problems.append(reason("consent_no_category"))
    unknown = chosen - set(CATEGORIES)
    if unknown:
        problems.append(reason("unknown_category", categories=unknown, known=CATEGORIES))
    if partner.sector not in SECTORS:
        problems.append(reason("unknown_sector", sector=partner.sector, known=SECTORS))
    given, expires = as_utc(given_at, "given_at"), as_utc(expires_at, "expires_at")
    if expires <= given:
        problems.append(reason("consent_expiry_before_start", given_at=given, expires_at=expires))
    if problems:
        raise Incomplete(*problems)
    return Consent(
        id=id,
        case=case,
        person=person.strip(),
        purpose=purpose.strip(),
        categories=chosen,
        partner=partner,
        given_by=given_by,
        given_at=given,
        expires_at=expires,
    )


def withdraw(consent: Consent, *, at: datetime, by: str) -> Consent:
    """The consent withdrawn at ``at``: from then on nothing new may be shared under it."""
    moment = as_utc(at, "withdrawn_at")
    if consent.withdrawn_at is not None:
        raise Refused(reason("consent_already_withdrawn", consent=consent.id, at=consent.withdrawn_at))
    if blank(by):
        raise Incomplete(reason("consent_missing", field="withdrawn_by"))
    if moment < consent.given_at:
        raise Refused(reason("consent_withdrawn_before_given", consent=consent.id, given_at=consent.given_at))
    return attrs.evolve(consent, withdrawn_at=moment, withdrawn_by=by)


@attrs.frozen
class ShareDecision:
    """May these categories go to this recipient now? ``consents``: the consents the yes rests on."""

    allowed: bool
    reasons: tuple[Reason, ...]
    consents: tuple[str, ...] = ()


def may_share(
    consents: Iterable[Consent],
    categories: Iterable[str],
    recipient: Organisation,
    at: datetime,
    purpose: str | None = None,
) -> ShareDecision:
    """Whether every category may go to ``recipient`` at ``at`` under a valid consent, and why (or why not).

    Each category needs its own consent in force that names the recipient (organisation or sector) and, when
    ``purpose`` is given, that purpose. An empty selection is refused: nothing is shared by default.
    """
    moment = as_utc(at, "at")
    wanted = frozenset(categories)
    if not wanted:
        return ShareDecision(False, (reason("empty_selection"),))
    unknown = wanted - set(CATEGORIES)
    if unknown:
        return ShareDecision(False, (reason("unknown_category", categories=unknown, known=CATEGORIES),))
    pool = list(consents)
    used: set[str] = set()
    refusals: list[Reason] = []
    for category in sorted(wanted):
        scoped = [c for c in pool if c.covers(category, recipient, purpose)]
        active = [c for c in scoped if c.status(moment) == ACTIVE]
        if active:
            used.add(min(active, key=lambda c: c.id).id)
            continue
        refusals.append(_why_not(category, recipient, scoped, moment))
    if refusals:
        return ShareDecision(False, tuple(refusals))
    return ShareDecision(
        True,
        (reason("shared_under_consent", categories=wanted, recipient=recipient.id),),
        tuple(sorted(used)),
    )


def _why_not(category: str, recipient: Organisation, scoped: list[Consent], at: datetime) -> Reason:
    states = {c.status(at): c for c in scoped}
    for state in (WITHDRAWN, EXPIRED, NOT_YET):
        if state in states:
            return reason(
                f"consent_{state}", category=category, recipient=recipient.id, consent=states[state].id
            )
    return reason("no_consent", category=category, recipient=recipient.id)
