"""A share under consent: the categories that went to a partner organisation, and the consents it rested
on."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import attrs

from csvc_core.sharing.consent import Consent, may_share
from csvc_core.sharing.disclosure import DISCLOSING_ROLES
from csvc_core.sharing.parties import Actor, Organisation
from csvc_core.sharing.reasons import Incomplete, Refused, as_utc, blank, reason


@attrs.frozen
class Share:
    id: str
    case: str
    shared_at: datetime
    by: str
    by_org: str
    recipient: Organisation
    categories: frozenset[str]
    purpose: str
    consents: tuple[str, ...]


def share_under_consent(
    *,
    id: str,
    case: str,
    actor: Actor,
    consents: Iterable[Consent],
    categories: Iterable[str],
    recipient: Organisation,
    at: datetime,
    purpose: str,
) -> Share:
    """The share, when a consent in force covers every category for ``recipient`` and ``purpose``; else the
    reasons it may not happen (:class:`Refused`)."""
    if actor.role not in DISCLOSING_ROLES:
        raise Refused(reason("disclosure_role", role=actor.role, allowed=DISCLOSING_ROLES))
    if blank(purpose):
        raise Incomplete(reason("consent_missing", field="purpose"))
    moment = as_utc(at, "at")
    chosen = frozenset(categories)
    decision = may_share(consents, chosen, recipient, moment, purpose.strip())
    if not decision.allowed:
        raise Refused(*decision.reasons)
    return Share(
        id, case, moment, actor.user, actor.org, recipient, chosen, purpose.strip(), decision.consents
    )
