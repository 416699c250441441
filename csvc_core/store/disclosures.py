"""Disclosures to prevent an act of violence (art. 60.4) in the store.

A disclosure is never updated (the database refuses it): remarks are annotations, and the digest of the
row is both in the row and in its audit entry. Free text is sealed under the discloser's records key; the
recipient organisation, when it is a member, gets its own copy sealed to its public key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import attrs
from sqlalchemy import Column, Row, insert, or_, select

from csvc_core.errors import OperationFailed
from csvc_core.sharing.disclosure import (
    DISCLOSING_ROLES,
    FieldSelection,
    Grounds,
    Recipient,
    annotate,
    build_disclosure,
    payload,
)
from csvc_core.store import keyring
from csvc_core.store.access import AccessDenied, member
from csvc_core.store.casefields import case_fields, field_names
from csvc_core.store.casefile import case_detail
from csvc_core.store.context import Tx
from csvc_core.store.crypto import new_id
from csvc_core.store.directory import user_names
from csvc_core.store.partners import (
    open_copy,
    org_names,
    organisation_row,
    owned_case,
    recipient_copy,
    records_scope,
    unsealer,
)
from csvc_core.store.records import DisclosureItem, iso
from csvc_core.store.schema import disclosure_annotations, disclosures
from csvc_core.store.sealed import place
from csvc_core.store.sharing_rows import codes, disclosure_of, dump_codes


# -- disclosures (art. 60.4) ---------------------------------------------------------------------------------
def offered_fields(tx: Tx, case_id: str) -> dict[str, str]:
    """The fields of a case that a disclosure may carry (name -> category); none is ticked."""
    owned_case(tx, case_id)
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
    recipient_org: str | None = None,
    grounds: Grounds,
    fields: Iterable[str],
) -> str:
    """Record a disclosure to prevent an act of violence (art. 60.4): every element, carrying exactly the
    ticked fields. Returns its id."""
    owned_case(tx, case_id)
    org_id = organisation_row(tx, recipient_org, "recipient_org").id if recipient_org else None
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

    def seal(column: Column[Any], text: str) -> bytes:
        return tx.seal(text, column, disclosure_id, scope=keyring.records_of(tx.actor.org_id))

    values: dict[str, Any] = {
        "id": disclosure_id,
        "case_id": case_id,
        "org_id": tx.actor.org_id,
        "disclosed_at": entry.disclosed_at,
        "disclosed_by": tx.actor.user_id,
        "basis": entry.basis,
        "recipient_name_ct": seal(disclosures.c.recipient_name_ct, entry.recipient.name),
        "recipient_kind": entry.recipient.kind,
        "recipient_category": entry.recipient.category,
        "recipient_org_id": org_id,
        "outside_quebec": entry.recipient.outside_quebec,
        "reasonable_cause_ct": seal(disclosures.c.reasonable_cause_ct, entry.grounds.reasonable_cause),
        "harms": dump_codes(entry.grounds.harms),
        "exposed_ct": seal(disclosures.c.exposed_ct, entry.grounds.exposed),
        "violence_ct": seal(disclosures.c.violence_ct, entry.grounds.violence),
        "danger_ct": seal(disclosures.c.danger_ct, entry.grounds.danger),
        "urgency_ct": seal(disclosures.c.urgency_ct, entry.grounds.urgency),
        "imminence": entry.grounds.imminence,
        "fields": json.dumps(list(entry.fields)),
        "payload_ct": tx.seal_json(
            sent, disclosures.c.payload_ct, disclosure_id, scope=keyring.records_of(tx.actor.org_id)
        ),
        "recipient_ct": None,
    }
    if org_id is not None:
        copy = {**_texts(entry.recipient.name, entry.grounds), "sent": sent}
        values["recipient_ct"] = recipient_copy(
            tx, org_id, copy, place(disclosures.c.recipient_ct, disclosure_id)
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
        entry = disclosure_of(row, unsealer(tx, records_scope("org_id")))
        sent = tx.unseal_json(
            row.payload_ct, disclosures.c.payload_ct, disclosure_id, scope=keyring.records_of(row.org_id)
        )
    else:
        copy = open_copy(tx, row.recipient_ct, place(disclosures.c.recipient_ct, disclosure_id))
        entry = disclosure_of(row, lambda _, column: str(copy[column.name]))
        sent = copy["sent"]
    names, people = org_names(tx), user_names(tx.connection)
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
        return tx.unseal(note.text_ct, disclosure_annotations.c.text_ct, note.id, scope=scope)
    return str(open_copy(tx, note.recipient_ct, place(disclosure_annotations.c.recipient_ct, note.id)) or "")


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
                note.text, disclosure_annotations.c.text_ct, note_id, scope=keyring.records_of(row.org_id)
            ),
            recipient_ct=None
            if row.recipient_org_id is None
            else recipient_copy(
                tx, row.recipient_org_id, note.text, place(disclosure_annotations.c.recipient_ct, note_id)
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
    names = org_names(tx)
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
