"""The partnership in the store: consents, shares under consent, disclosures (art. 60.4), referrals,
transfers,
the register of communications.

The rules are :mod:`csvc_core.sharing`'s: this module reads their records from rows, asks the rules, and
writes
what they allow with its audit entry in the same transaction. Free text written by staff is sealed; codes stay
in clear. Only practitioners of the organisation that owns a case consent, share, disclose, refer or transfer
it. A disclosure is never updated (the database refuses it): remarks are annotations, and the digest of the
row is both in the row and in its audit entry.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import attrs
from sqlalchemy import Row, Table, insert, or_, select, update

from csvc_core.errors import BadInput, OperationFailed
from csvc_core.sharing import consent as consent_rules
from csvc_core.sharing import handover, register
from csvc_core.sharing.consent import ShareDecision
from csvc_core.sharing.disclosure import (
    DISCLOSING_ROLES,
    FieldSelection,
    Grounds,
    Recipient,
    annotate,
    build_disclosure,
    payload,
)
from csvc_core.sharing.handover import Basis
from csvc_core.sharing.parties import Organisation as MemberOrganisation
from csvc_core.sharing.reasons import Reason, Refused, reason
from csvc_core.sharing.share import Share, share_under_consent
from csvc_core.store import keyring, pg_security
from csvc_core.store.access import AccessDenied, case_access, case_accesses, member, visible_case
from csvc_core.store.casefields import case_fields, field_names
from csvc_core.store.casefile import case_detail
from csvc_core.store.context import Tx
from csvc_core.store.crypto import new_id, open_sealed, seal_json
from csvc_core.store.directory import user_names
from csvc_core.store.records import DisclosureItem, SharedCase, iso
from csvc_core.store.schema import (
    cases,
    consents,
    disclosure_annotations,
    disclosures,
    organisations,
    referrals,
    shares,
    transfers,
)
from csvc_core.store.sharing_rows import (
    codes,
    consent_of,
    disclosure_of,
    dump_codes,
    referral_of,
    rows_of,
    transfer_of,
)


def organisation_row(tx: Tx, name: str, option: str) -> Row:
    """The organisation named ``name`` (or with that id), or :class:`BadInput` naming ``option``."""
    wanted = name.strip()
    row = tx.connection.execute(
        select(organisations).where(or_(organisations.c.name == wanted, organisations.c.id == wanted))
    ).first()
    if row is None:
        known = ", ".join(
            tx.connection.execute(select(organisations.c.name).order_by(organisations.c.name)).scalars()
        )
        raise BadInput(key="error.store.org_unknown_known", option=option, name=name, known=known)
    return row


def _org_names(tx: Tx) -> dict[str, str]:
    return dict(tx.connection.execute(select(organisations.c.id, organisations.c.name)).all())


def _owned(tx: Tx, case_id: str) -> Row:
    """The case, when the acting user's organisation owns it and she may act on it."""
    tx.require_writable()
    return visible_case(tx.connection, tx.actor, case_id)


def _unsealer(tx: Tx, table: str, scope: Callable[[Row], str]) -> Any:
    return lambda row, column: tx.unseal(getattr(row, column), table, column, row.id, scope=scope(row))


def _case_text(row: Row) -> str:
    """Consents are the case's: under its key."""
    return keyring.of_case(row.case_id)


def _records(column: str) -> Callable[[Row], str]:
    """Records of communications are their organisation's: under its records key (kept after a transfer)."""
    return lambda row: keyring.records_of(getattr(row, column))


def _recipient_copy(tx: Tx, org_id: str, value: object, where: str) -> bytes:
    """The recipient organisation's copy of what it was sent, sealed to its public key."""
    return seal_json(keyring.public_key_of(tx.connection, keyring.of_org(org_id)), value, where)


def _open_copy(tx: Tx, blob: bytes | None, where: str) -> Any:
    """The acting organisation's copy (None when there is none: withdrawn); an altered copy is refused."""
    if blob is None:
        return None
    opened = open_sealed(tx.keys.org_private(tx.connection), blob, where.encode())
    if opened is None:
        raise OperationFailed(key="error.store.field_altered", where=where)
    return json.loads(opened)


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
    partner: str | None,
    expires_at: datetime,
    given_at: datetime | None = None,
) -> str:
    """Record a consent received by the acting user; every missing element is named at once."""
    _owned(tx, case_id)
    partner_id = organisation_row(tx, partner, "--partner").id if partner else None
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
                checked.person, "consents", "person_ct", consent_id, scope=keyring.of_case(case_id)
            ),
            purpose_ct=tx.seal(
                checked.purpose, "consents", "purpose_ct", consent_id, scope=keyring.of_case(case_id)
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
    _owned(tx, row.case_id)
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
    if not case_access(tx.connection, tx.actor, case_id).full:
        raise AccessDenied(key="error.store.case_not_visible", case=case_id, user=tx.actor.name)
    names, people = _org_names(tx), _user_names(tx)
    found = []
    for row in rows_of(tx.connection, consents, case_id, consents.c.given_at):
        consent = consent_of(row, _unsealer(tx, "consents", _case_text))
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


def _user_names(tx: Tx) -> dict[str, str]:
    return user_names(tx.connection)


def may_share(
    tx: Tx, case_id: str, categories: Iterable[str], to: str, purpose: str | None = None
) -> ShareDecision:
    """The rules' answer, with its reasons, on sharing these categories of a case with organisation ``to``."""
    _owned(tx, case_id)
    recipient = organisation_row(tx, to, "--to")
    pool = [
        consent_of(row, _unsealer(tx, "consents", _case_text))
        for row in rows_of(tx.connection, consents, case_id, consents.c.given_at)
    ]
    decision = consent_rules.may_share(
        pool, categories, MemberOrganisation(recipient.id, recipient.sector), tx.now, purpose
    )
    return attrs.evolve(decision, reasons=_named(tx, decision.reasons))


def _named(tx: Tx, reasons: Iterable[Reason]) -> tuple[Reason, ...]:
    """The reasons with organisation ids replaced by the organisations' names."""
    names = _org_names(tx)
    return tuple(
        attrs.evolve(
            item,
            values={
                key: names.get(value, value) if key in ("recipient", "organisation") else value
                for key, value in item.values.items()
            },
        )
        for item in reasons
    )


# -- shares under consent ------------------------------------------------------------------------------------
def share(tx: Tx, case_id: str, *, categories: Iterable[str], to: str, purpose: str) -> str:
    """Share these categories of the case with organisation ``to`` under the consents in force."""
    _owned(tx, case_id)
    recipient = organisation_row(tx, to, "--to")
    rows = rows_of(tx.connection, consents, case_id, consents.c.given_at)
    pool = [consent_of(row, _unsealer(tx, "consents", _case_text)) for row in rows]
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
        raise Refused(*_named(tx, refused.reasons)) from None
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
            purpose_ct=tx.seal(done.purpose, "shares", "purpose_ct", share_id, scope=records),
            consent_ids=json.dumps(list(done.consents)),
            payload_ct=tx.seal_json(sent, "shares", "payload_ct", share_id, scope=records),
            recipient_ct=_recipient_copy(tx, recipient.id, sent, f"shares.recipient_ct:{share_id}"),
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


# -- disclosures (art. 60.4) ---------------------------------------------------------------------------------
def offered_fields(tx: Tx, case_id: str) -> dict[str, str]:
    """The fields of a case that a disclosure may carry (name -> category); none is ticked."""
    _owned(tx, case_id)
    return field_names(case_detail(tx, case_id))


def disclosure_digest(row: Mapping[Any, Any]) -> str:
    """sha256 over the columns of a disclosure as written (ciphertext as it is), in a fixed order (a column
    ``row`` does not have is left out: an older csvc's row)."""
    parts = []
    for column in disclosures.c:
        if column.name in ("digest", "integrity") or column.name not in row:  # the seal covers the digest
            continue
        value = row[column.name]
        if isinstance(value, (bytes, bytearray, memoryview)):
            value = bytes(value).hex()
        elif isinstance(value, datetime):
            value = value.astimezone(UTC).isoformat()
        parts.append([column.name, value])
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


def disclose(
    tx: Tx,
    case_id: str,
    *,
    recipient: Recipient,
    recipient_org: str | None,
    grounds: Grounds,
    fields: Iterable[str],
) -> str:
    """Record a disclosure to prevent an act of violence, carrying exactly the ticked fields."""
    _owned(tx, case_id)
    org_id = organisation_row(tx, recipient_org, "--recipient-org").id if recipient_org else None
    available = case_fields(case_detail(tx, case_id, reveal=True, results=True))
    selection = FieldSelection(tuple(available)).tick(*fields)
    disclosure_id = new_id()
    entry = build_disclosure(
        id=disclosure_id,
        case=case_id,
        at=tx.now,
        discloser=member(tx.actor),
        recipient=attrs.evolve(recipient, organisation=org_id),
        grounds=grounds,
        selection=selection,
    )
    sent = payload({name: value for name, (_, value) in available.items()}, entry)

    def seal(column: str, text: str) -> bytes:
        return tx.seal(text, "disclosures", column, disclosure_id, scope=keyring.records_of(tx.actor.org_id))

    values: dict[str, Any] = {
        "id": disclosure_id,
        "case_id": case_id,
        "org_id": tx.actor.org_id,
        "disclosed_at": entry.disclosed_at,
        "disclosed_by": tx.actor.user_id,
        "basis": entry.basis,
        "recipient_name_ct": seal("recipient_name_ct", entry.recipient.name),
        "recipient_kind": entry.recipient.kind,
        "recipient_category": entry.recipient.category,
        "recipient_org_id": org_id,
        "outside_quebec": entry.recipient.outside_quebec,
        "reasonable_cause_ct": seal("reasonable_cause_ct", entry.grounds.reasonable_cause),
        "harms": dump_codes(entry.grounds.harms),
        "exposed_ct": seal("exposed_ct", entry.grounds.exposed),
        "violence_ct": seal("violence_ct", entry.grounds.violence),
        "danger_ct": seal("danger_ct", entry.grounds.danger),
        "urgency_ct": seal("urgency_ct", entry.grounds.urgency),
        "imminence": entry.grounds.imminence,
        "fields": json.dumps(list(entry.fields)),
        "payload_ct": tx.seal_json(
            sent, "disclosures", "payload_ct", disclosure_id, scope=keyring.records_of(tx.actor.org_id)
        ),
        "recipient_ct": None,
    }
    if org_id is not None:
        copy = {**_texts(entry.recipient.name, entry.grounds), "sent": sent}
        values["recipient_ct"] = _recipient_copy(
            tx, org_id, copy, f"disclosures.recipient_ct:{disclosure_id}"
        )
    values["digest"] = disclosure_digest(values)
    tx.connection.execute(insert(disclosures).values(**values))
    tx.audit(
        "disclosure.create",
        case_id,
        disclosure=disclosure_id,
        basis=entry.basis,
        recipient_category=entry.recipient.category,
        recipient_kind=entry.recipient.kind,
        recipient=org_id,
        harms=sorted(entry.grounds.harms),
        imminence=entry.grounds.imminence,
        fields=list(entry.fields),
        digest=values["digest"],
    )
    return disclosure_id


@attrs.frozen
class DisclosureRecord:
    """A disclosure entry as its discloser's or recipient's organisation reads it."""

    id: str
    case_id: str
    disclosed_at: datetime
    discloser: str
    discloser_org: str
    recipient: str
    recipient_kind: str
    recipient_category: str
    recipient_org: str | None
    outside_quebec: bool
    reasonable_cause: str
    harms: tuple[str, ...]
    exposed: str
    violence: str
    danger: str
    urgency: str
    imminence: str
    fields: tuple[str, ...]
    sent: dict[str, Any]
    annotations: tuple[dict[str, Any], ...]
    digest: str

    def to_json(self) -> dict[str, Any]:
        data = attrs.asdict(self)
        data["case"] = data.pop("case_id")
        data["disclosed_at"] = iso(self.disclosed_at)
        data["harms"], data["fields"] = list(self.harms), list(self.fields)
        data["annotations"] = list(self.annotations)
        return data


def _disclosure_row(tx: Tx, disclosure_id: str) -> Row:
    row = tx.connection.execute(select(disclosures).where(disclosures.c.id == disclosure_id)).first()
    if row is None or tx.actor.org_id not in (row.org_id, row.recipient_org_id):
        raise AccessDenied(key="error.store.disclosure_not_visible", id=disclosure_id, user=tx.actor.name)
    if disclosure_digest(row._mapping) != row.digest:
        raise OperationFailed(key="error.store.disclosure_altered", id=disclosure_id)
    return row


def _texts(recipient: str, grounds: Grounds) -> dict[str, str]:
    """The sealed texts of a disclosure, by column."""
    return {
        "recipient_name_ct": recipient,
        "reasonable_cause_ct": grounds.reasonable_cause,
        "exposed_ct": grounds.exposed,
        "violence_ct": grounds.violence,
        "danger_ct": grounds.danger,
        "urgency_ct": grounds.urgency,
    }


def read_disclosure(tx: Tx, disclosure_id: str) -> DisclosureRecord:
    """The whole entry and what was sent, for the discloser's and the recipient's organisations (audited):
    the discloser reads its records, the recipient its own copy."""
    row = _disclosure_row(tx, disclosure_id)
    mine = row.org_id == tx.actor.org_id
    if mine:
        entry = disclosure_of(row, _unsealer(tx, "disclosures", _records("org_id")))
        sent = tx.unseal_json(
            row.payload_ct, "disclosures", "payload_ct", disclosure_id, scope=keyring.records_of(row.org_id)
        )
    else:
        copy = _open_copy(tx, row.recipient_ct, f"disclosures.recipient_ct:{disclosure_id}")
        entry = disclosure_of(row, lambda _, column: str(copy[column]))
        sent = copy["sent"]
    names, people = _org_names(tx), _user_names(tx)
    notes = tx.connection.execute(
        select(disclosure_annotations)
        .where(disclosure_annotations.c.disclosure_id == disclosure_id)
        .order_by(disclosure_annotations.c.at)
    ).all()
    assert isinstance(sent, dict)
    tx.audit("disclosure.read", row.case_id, disclosure=disclosure_id, fields=list(entry.fields))
    return DisclosureRecord(
        id=entry.id,
        case_id=entry.case,
        disclosed_at=entry.disclosed_at,
        discloser=people.get(entry.discloser, entry.discloser),
        discloser_org=names.get(entry.discloser_org, entry.discloser_org),
        recipient=entry.recipient.name,
        recipient_kind=entry.recipient.kind,
        recipient_category=entry.recipient.category,
        recipient_org=names.get(entry.recipient.organisation or ""),
        outside_quebec=entry.recipient.outside_quebec,
        reasonable_cause=entry.grounds.reasonable_cause,
        harms=tuple(sorted(entry.grounds.harms)),
        exposed=entry.grounds.exposed,
        violence=entry.grounds.violence,
        danger=entry.grounds.danger,
        urgency=entry.grounds.urgency,
        imminence=entry.grounds.imminence,
        fields=entry.fields,
        sent=sent,
        annotations=tuple(
            {
                "at": iso(note.at),
                "by": people.get(note.by, note.by),
                "text": _annotation_text(tx, note, row.org_id, mine),
            }
            for note in notes
        ),
        digest=row.digest,
    )


def _annotation_text(tx: Tx, note: Row, discloser: str, mine: bool) -> str:
    if mine:
        scope = keyring.records_of(discloser)
        return tx.unseal(note.text_ct, "disclosure_annotations", "text_ct", note.id, scope=scope)
    return str(_open_copy(tx, note.recipient_ct, f"disclosure_annotations.recipient_ct:{note.id}") or "")


def annotate_disclosure(tx: Tx, disclosure_id: str, text: str) -> str:
    """A remark beside a disclosure (by its discloser's organisation); the entry itself never changes."""
    tx.require_writable()
    row = _disclosure_row(tx, disclosure_id)
    if row.org_id != tx.actor.org_id or tx.actor.role not in DISCLOSING_ROLES:
        raise AccessDenied(key="error.store.annotate_denied", user=tx.actor.name, id=disclosure_id)
    note = annotate(disclosure_of(row), at=tx.now, by=tx.actor.user_id, text=text)
    note_id = new_id()
    tx.connection.execute(
        insert(disclosure_annotations).values(
            id=note_id,
            disclosure_id=disclosure_id,
            at=note.at,
            by=tx.actor.user_id,
            text_ct=tx.seal(
                note.text, "disclosure_annotations", "text_ct", note_id, scope=keyring.records_of(row.org_id)
            ),
            recipient_ct=None
            if row.recipient_org_id is None
            else _recipient_copy(
                tx, row.recipient_org_id, note.text, f"disclosure_annotations.recipient_ct:{note_id}"
            ),
        )
    )
    tx.audit(
        "disclosure.annotate", row.case_id, disclosure=disclosure_id, annotation=note_id, fields=["text"]
    )
    return note_id


def list_disclosures(tx: Tx, case_id: str | None = None) -> list[DisclosureItem]:
    """Disclosures made by or to the acting user's organisation (of one case, or all): codes and dates
    only."""
    query = select(disclosures).where(
        or_(disclosures.c.org_id == tx.actor.org_id, disclosures.c.recipient_org_id == tx.actor.org_id)
    )
    if case_id is not None:
        query = query.where(disclosures.c.case_id == case_id)
    names = _org_names(tx)
    found = [
        DisclosureItem(
            id=row.id,
            case_id=row.case_id,
            disclosed_at=row.disclosed_at,
            direction="made" if row.org_id == tx.actor.org_id else "received",
            discloser_org=names.get(row.org_id),
            recipient_category=row.recipient_category,
            recipient_kind=row.recipient_kind,
            recipient_org=names.get(row.recipient_org_id or ""),
            fields=codes(row.fields),
        )
        for row in tx.connection.execute(query.order_by(disclosures.c.disclosed_at, disclosures.c.id))
    ]
    tx.audit("disclosure.list", case_id, count=len(found))
    return found


# -- what was shared with my organisation
# ---------------------------------------------------------------------
def shared_with_me(tx: Tx, case_id: str) -> dict[str, Any]:
    """What the acting user's organisation may read of a case it does not hold: the access decision, and the
    content of the shares (while every consent they were sent under is in force) and disclosures addressed to
    it."""
    access = case_access(tx.connection, tx.actor, case_id)
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
        sent = _open_copy(tx, row.recipient_ct, f"shares.recipient_ct:{row.id}")
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
        sent = _open_copy(tx, row.recipient_ct, f"disclosures.recipient_ct:{row.id}")["sent"]
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


# -- referral and transfer -----------------------------------------------------------------------------------
def parse_basis(text: str) -> Basis:
    """``consent:ID`` or ``law:PROVISION`` (e.g. ``law:P-34.1 s. 39``)."""
    kind, _, reference = text.partition(":")
    if kind not in handover.BASES or not reference.strip():
        raise BadInput(key="error.store.basis", value=text)
    return Basis(kind, reference.strip())


def _hand_over(
    tx: Tx, case_id: str, *, to: str, why: str, basis: Basis, decide: Callable[..., Any], table: Table
) -> tuple[str, str]:
    """Check a referral or a transfer with the core's rule ``decide``; store it in ``table``: (its id, to)."""
    row = _owned(tx, case_id)
    target = organisation_row(tx, to, "--to")
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
                done.reason, table.name, "reason_ct", handover_id, scope=keyring.records_of(done.from_org)
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


# -- the register of communications
# ---------------------------------------------------------------------------
def communications_register(
    tx: Tx, start: datetime, end: datetime, case_id: str | None = None
) -> list[register.RegisterLine]:
    """The acting organisation's communications from ``start`` (included) to ``end`` (excluded), of one case
    when ``case_id`` is given."""
    if tx.actor.role not in (*DISCLOSING_ROLES, "admin"):
        raise Refused(reason("unknown_role", role=tx.actor.role, allowed=DISCLOSING_ROLES))
    org, names, people = tx.actor.org_id, _org_names(tx), _user_names(tx)
    lines: list[register.RegisterLine] = []
    for row in tx.connection.execute(select(disclosures).where(disclosures.c.org_id == org)):
        lines.append(register.from_disclosure(disclosure_of(row, _violence_only(tx, org))))
    sectors = dict(tx.connection.execute(select(organisations.c.id, organisations.c.sector)).all())
    for row in tx.connection.execute(select(shares).where(shares.c.org_id == org)):
        done = Share(
            id=row.id,
            case=row.case_id,
            shared_at=row.shared_at,
            by=row.shared_by,
            by_org=org,
            recipient=MemberOrganisation(row.recipient_org_id, sectors[row.recipient_org_id]),
            categories=frozenset(codes(row.categories)),
            purpose=tx.unseal(row.purpose_ct, "shares", "purpose_ct", row.id, scope=keyring.records_of(org)),
            consents=tuple(json.loads(row.consent_ids)),
        )
        lines.append(register.from_share(done))
    for table, of in ((referrals, referral_of), (transfers, transfer_of)):
        for row in tx.connection.execute(select(table).where(table.c.from_org_id == org)):
            lines.append(register.from_handover(of(row, _unsealer(tx, table.name, _records("from_org_id")))))
    period = [
        line for line in register.for_period(lines, start, end) if case_id is None or line.case == case_id
    ]
    tx.audit("register.export", case_id, count=len(period), start=start.isoformat(), end=end.isoformat())
    return [
        attrs.evolve(
            line,
            by=people.get(line.by, line.by),
            by_org=names.get(line.by_org, line.by_org),
            recipient=names.get(line.recipient, line.recipient),
        )
        for line in period
    ]


def _violence_only(tx: Tx, org: str) -> Any:
    """Unseal only the act of violence to prevent (the register's purpose); the rest of the entry stays
    sealed."""

    def unseal(row: Row, column: str) -> str:
        if column != "violence_ct":
            return ""
        return tx.unseal(row.violence_ct, "disclosures", column, row.id, scope=keyring.records_of(org))

    return unseal
