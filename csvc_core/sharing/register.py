"""The register of communications (A-2.1 s. 67.3): one line per communication an organisation made, for a
period.

A line says when, on which basis (consent, art. 60.4, law), what kind of information (categories or field
names),
to whom and in which category, for what purpose and why, and whether it left Quebec. It names no person: the
full disclosure entry (the person exposed, the danger) is read through the store, by those who may see it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import attrs

from csvc_core.sharing.disclosure import Disclosure
from csvc_core.sharing.handover import Referral, Transfer
from csvc_core.sharing.reasons import as_utc
from csvc_core.sharing.share import Share

COLUMNS = (
    "at",
    "kind",
    "basis",
    "reference",
    "case",
    "by",
    "by_org",
    "recipient",
    "recipient_category",
    "information",
    "purpose",
    "justification",
    "outside_quebec",
)


@attrs.frozen
class RegisterLine:
    at: datetime
    kind: str  # disclosure, share, referral, transfer
    basis: str
    reference: str
    case: str
    by: str
    by_org: str
    recipient: str
    recipient_category: str
    information: tuple[str, ...]
    purpose: str
    justification: str
    outside_quebec: bool = False

    def to_json(self) -> dict[str, Any]:
        row = attrs.asdict(self)
        row["at"] = self.at.isoformat()
        row["information"] = list(self.information)
        return row


def from_disclosure(disclosure: Disclosure) -> RegisterLine:
    grounds = disclosure.grounds
    return RegisterLine(
        at=disclosure.disclosed_at,
        kind="disclosure",
        basis=disclosure.basis,
        reference=disclosure.id,
        case=disclosure.case,
        by=disclosure.discloser,
        by_org=disclosure.discloser_org,
        recipient=disclosure.recipient.organisation or disclosure.recipient.name,
        recipient_category=disclosure.recipient.category,
        information=disclosure.fields,
        purpose=grounds.violence,
        justification=f"{disclosure.basis}: {'/'.join(sorted(grounds.harms))}; {grounds.imminence}",
        outside_quebec=disclosure.recipient.outside_quebec,
    )


def from_share(share: Share) -> RegisterLine:
    return RegisterLine(
        at=share.shared_at,
        kind="share",
        basis="consent",
        reference=share.id,
        case=share.case,
        by=share.by,
        by_org=share.by_org,
        recipient=share.recipient.id,
        recipient_category=share.recipient.sector,
        information=tuple(sorted(share.categories)),
        purpose=share.purpose,
        justification="consent: " + ", ".join(share.consents),
    )


def from_handover(step: Referral | Transfer) -> RegisterLine:
    kind = "referral" if isinstance(step, Referral) else "transfer"
    return RegisterLine(
        at=step.at,
        kind=kind,
        basis=step.basis.kind,
        reference=step.id,
        case=step.case,
        by=step.by,
        by_org=step.from_org,
        recipient=step.to_org,
        recipient_category="organisation",
        information=("case",),
        purpose=step.reason,
        justification=f"{step.basis.kind}: {step.basis.reference}",
    )


def for_period(lines: Iterable[RegisterLine], start: datetime, end: datetime) -> list[RegisterLine]:
    """The lines with ``start <= at < end``, oldest first."""
    low, high = as_utc(start, "--from"), as_utc(end, "--to")
    return sorted(
        (line for line in lines if low <= line.at < high), key=lambda line: (line.at, line.reference)
    )


def to_csv(lines: Iterable[RegisterLine]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for line in lines:
        row = line.to_json()
        row["information"] = " ".join(line.information)
        row["outside_quebec"] = "yes" if line.outside_quebec else "no"
        writer.writerow([row[column] for column in COLUMNS])
    return out.getvalue()
