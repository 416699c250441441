"""The register of the acting organisation's communications: disclosures, shares, referrals, transfers."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import attrs
from sqlalchemy import Column, Row, select

from csvc_core.sharing import register
from csvc_core.sharing.disclosure import DISCLOSING_ROLES
from csvc_core.sharing.parties import Organisation as MemberOrganisation
from csvc_core.sharing.reasons import Refused, reason
from csvc_core.sharing.share import Share
from csvc_core.store import keyring
from csvc_core.store.context import Tx
from csvc_core.store.directory import user_names
from csvc_core.store.partners import org_names, records_scope, unsealer
from csvc_core.store.schema import disclosures, organisations, referrals, shares, transfers
from csvc_core.store.sharing_rows import Unseal, codes, disclosure_of, referral_of, transfer_of


def communications_register(
    tx: Tx, start: datetime, end: datetime, case_id: str | None = None
) -> list[register.RegisterLine]:
    """The acting organisation's communications from ``start`` (included) to ``end`` (excluded), of one case
    when ``case_id`` is given."""
    if tx.actor.role not in (*DISCLOSING_ROLES, "admin"):
        raise Refused(reason("unknown_role", role=tx.actor.role, allowed=DISCLOSING_ROLES))
    org, names, people = tx.actor.org_id, org_names(tx), user_names(tx.connection)
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
            purpose=tx.unseal(row.purpose_ct, shares.c.purpose_ct, row.id, scope=keyring.records_of(org)),
            consents=tuple(json.loads(row.consent_ids)),
        )
        lines.append(register.from_share(done))
    for table, of in ((referrals, referral_of), (transfers, transfer_of)):
        for row in tx.connection.execute(select(table).where(table.c.from_org_id == org)):
            lines.append(register.from_handover(of(row, unsealer(tx, records_scope("from_org_id")))))
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


def _violence_only(tx: Tx, org: str) -> Unseal:
    """Unseal only the act of violence to prevent (the register's purpose); the rest of the entry stays
    sealed."""

    def unseal(row: Row, column: Column[Any]) -> str:
        if column is not disclosures.c.violence_ct:
            return ""
        return tx.unseal(row.violence_ct, column, row.id, scope=keyring.records_of(org))

    return unseal
