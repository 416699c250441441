"""Disclosure without consent to prevent an act of violence, including suicide (art. 60.4 C-26 and the same
exception in A-2.1 s. 59.1, P-39.1 s. 18.1, P-34.1 s. 72.8).

A :class:`Disclosure` cannot be built unless every element the law asks for is there: a reasonable-cause
statement,
a serious risk of death or serious (physical or psychological) injury, an identifiable person or group, a
sense of
urgency; a recipient in one of exactly three categories; the fields picked one by one (nothing is preselected,
an
empty selection is refused). The record is immutable: later remarks are :class:`Annotation` entries beside it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import attrs

from csvc_core.sharing.parties import Actor
from csvc_core.sharing.reasons import Incomplete, Reason, Refused, as_utc, blank, reason

EXPOSED_PERSON, REPRESENTATIVE, ABLE_TO_HELP = "exposed_person", "representative", "able_to_help"
#: the only three categories of recipient the law allows.
RECIPIENT_CATEGORIES: tuple[str, ...] = (EXPOSED_PERSON, REPRESENTATIVE, ABLE_TO_HELP)
#: kinds of recipient with a protective role, who may receive as "people able to help" (police, health and
#: social
#: services, shelters, youth protection, suicide prevention, victim assistance, programs for violent partners,
#: prosecution, corrections). Anyone else (a landlord, an employer, a neighbour, the media...) is refused.
ABLE_TO_HELP_KINDS: tuple[str, ...] = (
    "police",
    "health",
    "social_services",
    "shelter",
    "youth_protection",
    "suicide_prevention",
    "victim_assistance",
    "partner_program",
    "prosecution",
    "corrections",
)
#: the serious risk the professional has reasonable cause to believe in (at least one).
HARMS: tuple[str, ...] = ("death", "serious_physical_injury", "serious_psychological_injury")
#: how close the danger is; several professional codes still ask for imminence next to the sense of urgency.
IMMINENCE: tuple[str, ...] = ("immediate", "hours", "days", "weeks", "undetermined")
DISCLOSING_ROLES = ("worker", "repondant", "coordinator")
LEGAL_BASIS = "art_60_4"


@attrs.frozen
class Recipient:
    """To whom: ``name`` (a person or a service), what ``kind`` it is, in which legal ``category``.

    ``organisation``: the partner organisation in the store, when the recipient is one (it may then read the
    disclosed fields); ``outside_quebec``: the information leaves Quebec (a column of the register).
    """

    name: str
    kind: str
    category: str
    organisation: str | None = None
    outside_quebec: bool = False


@attrs.frozen
class Grounds:
    """Why the secret is lifted: every element is a statement written by the professional."""

    reasonable_cause: str
    harms: frozenset[str]
    exposed: str
    violence: str
    danger: str
    urgency: str
    imminence: str


@attrs.frozen
class FieldSelection:
    """The fields offered for a disclosure and those ticked one by one; a new selection has nothing ticked."""

    offered: tuple[str, ...]
    ticked: frozenset[str] = frozenset()

    def tick(self, *fields: str) -> FieldSelection:
        unknown = [field for field in fields if field not in self.offered]
        if unknown:
            raise Incomplete(reason("field_not_offered", fields=unknown, offered=self.offered))
        return attrs.evolve(self, ticked=self.ticked | set(fields))

    def untick(self, *fields: str) -> FieldSelection:
        return attrs.evolve(self, ticked=self.ticked - set(fields))


@attrs.frozen
class Disclosure:
    """The entry of one communication: when (UTC), who, to whom and in which category, why, exactly which
    fields."""

    id: str
    case: str
    disclosed_at: datetime
    discloser: str
    discloser_org: str
    recipient: Recipient
    grounds: Grounds
    fields: tuple[str, ...]
    basis: str = LEGAL_BASIS


@attrs.frozen
class Annotation:
    """A later remark on a disclosure (the disclosure itself is never edited)."""

    disclosure: str
    at: datetime
    by: str
    text: str


def recipient_problems(recipient: Recipient) -> list[Reason]:
    """Why this recipient may not receive (empty: it may)."""
    if recipient.category not in RECIPIENT_CATEGORIES:
        return [reason("recipient_category", category=recipient.category, allowed=RECIPIENT_CATEGORIES)]
    problems = []
    if blank(recipient.name):
        problems.append(reason("disclosure_missing", element="recipient.name"))
    if recipient.category == ABLE_TO_HELP and recipient.kind not in ABLE_TO_HELP_KINDS:
        problems.append(reason("not_able_to_help", kind=recipient.kind, allowed=ABLE_TO_HELP_KINDS))
    elif recipient.category in (EXPOSED_PERSON, REPRESENTATIVE) and recipient.kind != recipient.category:
        problems.append(reason("recipient_kind_mismatch", kind=recipient.kind, category=recipient.category))
    return problems


def _grounds_problems(grounds: Grounds) -> list[Reason]:
    problems = [
        reason("disclosure_missing", element=element)
        for element in ("reasonable_cause", "exposed", "violence", "danger", "urgency")
        if blank(getattr(grounds, element))
    ]
    if not grounds.harms:
        problems.append(reason("disclosure_no_harm", allowed=HARMS))
    elif not grounds.harms <= set(HARMS):
        problems.append(reason("unknown_harm", harms=grounds.harms - set(HARMS), allowed=HARMS))
    if grounds.imminence not in IMMINENCE:
        problems.append(reason("unknown_imminence", imminence=grounds.imminence, allowed=IMMINENCE))
    return problems


def build_disclosure(
    *,
    id: str,
    case: str,
    at: datetime,
    discloser: Actor,
    recipient: Recipient,
    grounds: Grounds,
    selection: FieldSelection,
) -> Disclosure:
    """The disclosure entry, or every reason it cannot be made.

    A recipient outside the three categories, or not able to help, or a discloser who is not a practitioner
    gives
    :class:`Refused`; otherwise a missing element or an empty selection gives :class:`Incomplete`.
    """
    refusals = recipient_problems(recipient)
    if discloser.role not in DISCLOSING_ROLES:
        refusals.append(reason("disclosure_role", role=discloser.role, allowed=DISCLOSING_ROLES))
    missing = _grounds_problems(grounds)
    if not selection.ticked:
        missing.append(reason("empty_selection"))
    if refusals:
        raise Refused(*refusals, *missing)
    if missing:
        raise Incomplete(*missing)
    return Disclosure(
        id=id,
        case=case,
        disclosed_at=as_utc(at, "disclosed_at"),
        discloser=discloser.user,
        discloser_org=discloser.org,
        recipient=attrs.evolve(recipient, name=recipient.name.strip()),
        grounds=attrs.evolve(grounds, harms=frozenset(grounds.harms)),
        fields=tuple(field for field in selection.offered if field in selection.ticked),
    )


def annotate(disclosure: Disclosure, *, at: datetime, by: str, text: str) -> Annotation:
    if blank(text) or blank(by):
        raise Incomplete(reason("annotation_empty", disclosure=disclosure.id))
    moment = as_utc(at, "at")
    if moment < disclosure.disclosed_at:
        raise Refused(reason("annotation_before_disclosure", disclosure=disclosure.id))
    return Annotation(disclosure=disclosure.id, at=moment, by=by, text=text.strip())


def payload(record: Mapping[str, Any], disclosure: Disclosure) -> dict[str, Any]:
    """What the recipient gets: the disclosed fields of ``record``, and nothing else."""
    return {field: record[field] for field in disclosure.fields if field in record}


def register_row(disclosure: Disclosure, annotations: Iterable[Annotation] = ()) -> dict[str, Any]:
    """One line of the register of communications (A-2.1 s. 67.3) plus the elements of the entry."""
    grounds = disclosure.grounds
    return {
        "id": disclosure.id,
        "case": disclosure.case,
        "disclosed_at": disclosure.disclosed_at.isoformat(),
        "basis": disclosure.basis,
        "discloser": disclosure.discloser,
        "discloser_org": disclosure.discloser_org,
        "recipient": disclosure.recipient.name,
        "recipient_kind": disclosure.recipient.kind,
        "recipient_category": disclosure.recipient.category,
        "recipient_organisation": disclosure.recipient.organisation,
        "outside_quebec": disclosure.recipient.outside_quebec,
        "information": list(disclosure.fields),
        "purpose": grounds.violence,
        "reason": grounds.reasonable_cause,
        "harms": sorted(grounds.harms),
        "exposed": grounds.exposed,
        "danger": grounds.danger,
        "urgency": grounds.urgency,
        "imminence": grounds.imminence,
        "annotations": [
            {"at": note.at.isoformat(), "by": note.by, "text": note.text}
            for note in annotations
            if note.disclosure == disclosure.id
        ],
    }
