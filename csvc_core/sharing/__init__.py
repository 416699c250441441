"""Partnership rules: consent, disclosure to prevent violence (art. 60.4), referral and transfer, concertation
through the rapid-intervention cell, and the one access decision every read goes through.

Pure, typed code: no storage here. The store persists these records and asks :func:`may_see` before every
read.
"""

from csvc_core.sharing.access import Access, CaseRecord, may_see
from csvc_core.sharing.consent import Consent, Partner, ShareDecision, give_consent, may_share, withdraw
from csvc_core.sharing.disclosure import (
    Disclosure,
    FieldSelection,
    Grounds,
    Recipient,
    build_disclosure,
    payload,
)
from csvc_core.sharing.handover import Basis, Referral, Transfer, refer, transfer
from csvc_core.sharing.parties import ROLES, Actor, Organisation
from csvc_core.sharing.reasons import Incomplete, Reason, Refused

__all__ = [
    "ROLES",
    "Access",
    "Actor",
    "Basis",
    "CaseRecord",
    "Consent",
    "Disclosure",
    "FieldSelection",
    "Grounds",
    "Incomplete",
    "Organisation",
    "Partner",
    "Reason",
    "Recipient",
    "Referral",
    "Refused",
    "ShareDecision",
    "Transfer",
    "build_disclosure",
    "give_consent",
    "may_see",
    "may_share",
    "payload",
    "refer",
    "transfer",
    "withdraw",
]
