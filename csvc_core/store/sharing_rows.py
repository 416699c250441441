"""Rows of the partnership tables read back as :mod:`csvc_core.sharing` records.

Two readings: :func:`case_record` for the access decision, which needs only what is in clear (organisations,
dates, categories, field names, bases) and decrypts nothing; and the full readings, which unseal the free text
for the people who may read it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any

from sqlalchemy import Column, Connection, Row, Table, select

from csvc_core.sharing.access import CaseRecord
from csvc_core.sharing.consent import Consent, Partner
from csvc_core.sharing.disclosure import Disclosure, Grounds, Recipient
from csvc_core.sharing.emergency import EmergencyAccess
from csvc_core.sharing.handover import Basis, Referral, Transfer
from csvc_core.store.directory import case_owners
from csvc_core.store.schema import consents, disclosures, emergency_access, referrals, transfers

#: ``unseal(row, column)`` gives the clear text of a sealed column; :func:`not_read` leaves it unread.
Unseal = Callable[[Row, Column[Any]], str]


def not_read(row: Row, column: Column[Any]) -> str:
    """The access decision reads no sealed text: free text stays empty in its records."""
    return ""


def codes(text: str) -> tuple[str, ...]:
    return tuple(json.loads(text))


def dump_codes(values: Iterable[str]) -> str:
    return json.dumps(sorted(set(values)))


def consent_of(row: Row, unseal: Unseal = not_read) -> Consent:
    return Consent(
        id=row.id,
        case=row.case_id,
        person=unseal(row, consents.c.person_ct),
        purpose=unseal(row, consents.c.purpose_ct),
        categories=frozenset(codes(row.categories)),
        partner=Partner(row.partner_sector, row.partner_org_id),
        given_by=row.given_by,
        given_at=row.given_at,
        expires_at=row.expires_at,
        withdrawn_at=row.withdrawn_at,
        withdrawn_by=row.withdrawn_by,
    )


def referral_of(row: Row, unseal: Unseal = not_read) -> Referral:
    return Referral(
        id=row.id,
        case=row.case_id,
        from_org=row.from_org_id,
        to_org=row.to_org_id,
        at=row.at,
        by=row.by,
        reason=unseal(row, referrals.c.reason_ct),
        basis=Basis(row.basis_kind, row.basis_ref),
        ended_at=row.ended_at,
        ended_by=row.ended_by,
    )


def transfer_of(row: Row, unseal: Unseal = not_read) -> Transfer:
    return Transfer(
        id=row.id,
        case=row.case_id,
        from_org=row.from_org_id,
        to_org=row.to_org_id,
        at=row.at,
        by=row.by,
        reason=unseal(row, transfers.c.reason_ct),
        basis=Basis(row.basis_kind, row.basis_ref),
    )


def disclosure_of(row: Row, unseal: Unseal = not_read) -> Disclosure:
    return Disclosure(
        id=row.id,
        case=row.case_id,
        disclosed_at=row.disclosed_at,
        discloser=row.disclosed_by,
        discloser_org=row.org_id,
        recipient=Recipient(
            name=unseal(row, disclosures.c.recipient_name_ct),
            kind=row.recipient_kind,
            category=row.recipient_category,
            organisation=row.recipient_org_id,
            outside_quebec=row.outside_quebec,
        ),
        grounds=Grounds(
            reasonable_cause=unseal(row, disclosures.c.reasonable_cause_ct),
            harms=frozenset(codes(row.harms)),
            exposed=unseal(row, disclosures.c.exposed_ct),
            violence=unseal(row, disclosures.c.violence_ct),
            danger=unseal(row, disclosures.c.danger_ct),
            urgency=unseal(row, disclosures.c.urgency_ct),
            imminence=row.imminence,
        ),
        fields=codes(row.fields),
        basis=row.basis,
    )


def rows_of(connection: Connection, table: Table, case_id: str, order: Any) -> Sequence[Row]:
    return connection.execute(select(table).where(table.c.case_id == case_id).order_by(order)).all()


def emergency_of(row: Row, unseal: Unseal = not_read) -> EmergencyAccess:
    return EmergencyAccess(
        id=row.id,
        case=row.case_id,
        user=row.user_id,
        org=row.org_id,
        at=row.at,
        until=row.until,
        reason=unseal(row, emergency_access.c.reason_ct),
        reviewed_at=row.reviewed_at,
        reviewed_by=row.reviewed_by,
    )


def case_record(connection: Connection, case_id: str) -> CaseRecord | None:
    """What the access decision needs about a case (None: no such case). Nothing is decrypted."""
    return case_records(connection, [case_id]).get(case_id)


def case_records(connection: Connection, case_ids: Collection[str]) -> dict[str, CaseRecord]:
    """:func:`case_record` of each case that exists among ``case_ids``, in one query per table."""
    owners = case_owners(connection, case_ids)  # a case may be hidden from this role: its owner is not
    if not owners:
        return {}

    def by_case(table: Table, order: Any) -> dict[str, list[Row]]:
        found: dict[str, list[Row]] = defaultdict(list)
        query = select(table).where(table.c.case_id.in_(sorted(owners))).order_by(order)
        for row in connection.execute(query):
            found[row.case_id].append(row)
        return found

    moves = by_case(transfers, transfers.c.at)
    referred = by_case(referrals, referrals.c.at)
    consented = by_case(consents, consents.c.given_at)
    disclosed = by_case(disclosures, disclosures.c.disclosed_at)
    emergencies = by_case(emergency_access, emergency_access.c.at)
    records = {}
    for case_id, owner in owners.items():
        moved = tuple(transfer_of(row) for row in moves[case_id])
        records[case_id] = CaseRecord(
            id=case_id,
            opened_by=moved[0].from_org if moved else owner,
            referrals=tuple(referral_of(row) for row in referred[case_id]),
            transfers=moved,
            consents=tuple(consent_of(row) for row in consented[case_id]),
            disclosures=tuple(disclosure_of(row) for row in disclosed[case_id]),
            emergencies=tuple(emergency_of(row) for row in emergencies[case_id]),
        )
    return records
