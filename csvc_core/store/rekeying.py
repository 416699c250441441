"""Upgrading a store of an older csvc, whose values were all sealed under one store data key, to keys per
organisation, case and request (in the transaction of ``csvc store upgrade``, after migration 0006).

The upgrading administrator's passphrase opens the data key. Every organisation and every user gets a key
pair; the administrator's private key is wrapped under her passphrase; another user's private key is kept
under the data key (``users.pending_key``) until her next unlock wraps it under hers. Every value is
re-sealed under the key of its scope, the grants made (organisations' members; each case's owner and the
referees in force; each request's organisation and the cell's coordinators; each plan action's holders and
owner) and the recipients' copies written. ``csvc org rotate-key`` should follow once everyone has logged in
(it refuses before): until then the data key still opens those pending private keys.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Connection, Row, select, update

from csvc_core.store import crypto, keyring
from csvc_core.store.disclosures import disclosure_digest
from csvc_core.store.people import pending_id, user_keys
from csvc_core.store.schema import (
    cases,
    concertations,
    consents,
    disclosure_annotations,
    disclosures,
    emergency_access,
    organisations,
    plan_actions,
    referrals,
    shares,
    users,
)
from csvc_core.store.sealed import CASE, CONCERTATION, DISCLOSURE_TEXTS, DRAFTS, RECORDS, Sealed, place


class _Rekeying:
    def __init__(self, connection: Connection, data_key: bytes, at: datetime, by: str) -> None:
        self.connection, self.old, self.at, self.by = connection, data_key, at, by
        self.orgs: dict[str, bytes] = {}
        self.users: dict[str, bytes] = {}
        self.keys: dict[str, bytes] = {}  # scope -> key

    def scope(self, scope: str, holders: list[str], basis: str) -> None:
        self.keys[scope] = keyring.new_scope(
            self.connection, scope, sorted(set(holders)), basis=basis, at=self.at, by=self.by
        )

    def old_text(self, blob: bytes, where: str) -> str:
        return crypto.open_field(self.old, blob, where)

    def reseal(self, spec: Sealed, key_of: dict[str, bytes]) -> int:
        count = 0
        for row in spec.rows(self.connection):
            count += spec.rewrite(self.connection, row, self.old, key_of[row.owner])
        return count


def rekey(
    connection: Connection, data_key: bytes, admin: Row, passphrase: str, at: datetime
) -> dict[str, int]:
    """Re-seal a store of an older csvc (see the module); the counts of what was done."""
    job = _Rekeying(connection, data_key, at, admin.id)
    intact = {  # the digests an older csvc wrote, over the columns it knew
        row.id
        for row in connection.execute(select(disclosures)).all()
        if disclosure_digest({k: v for k, v in row._mapping.items() if k != "recipient_ct"}) == row.digest
    }
    for org_id in connection.execute(select(organisations.c.id)).scalars().all():
        private, public = crypto.new_keypair()
        job.orgs[org_id] = private
        connection.execute(
            update(organisations).where(organisations.c.id == org_id).values(public_key=public)
        )
    people = connection.execute(select(users)).all()
    for person in people:
        private, public = crypto.new_keypair()
        job.users[person.id] = private
        if person.id == admin.id:
            params = crypto.KdfParams.from_json(person.kek_params)
            values = user_keys(person.id, passphrase, params, private)
        else:
            values = {
                "public_key": public,
                "pending_key": crypto.wrap_key(private, data_key, pending_id(person.id)),
            }
        connection.execute(update(users).where(users.c.id == person.id).values(**values))
    for person in people:
        if person.active:
            keyring.give(
                connection,
                keyring.of_org(person.org_id),
                keyring.of_user(person.id),
                job.orgs[person.org_id],
                basis="member",
                at=at,
                by=admin.id,
            )
    _copies(job)
    counts = {"organisations": len(job.orgs), "users": len(people)}
    case_keys = _cases(job)
    counts["cases"] = len(case_keys)
    counts["values"] = sum(job.reseal(spec, case_keys) for spec in CASE)
    records = {org_id: keyring.records_key(private, org_id) for org_id, private in job.orgs.items()}
    counts["records"] = sum(job.reseal(spec, records) for spec in RECORDS)
    coordinators = [
        keyring.of_user(person.id) for person in people if person.active and person.role == "coordinator"
    ]
    counts["concertations"] = _concertations(job, coordinators)
    drafts = {user_id: keyring.self_key(private, user_id) for user_id, private in job.users.items()}
    counts["drafts"] = job.reseal(DRAFTS, drafts)
    _digests(job, intact)
    return counts


def _cases(job: _Rekeying) -> dict[str, bytes]:
    """A key for each case, granted to its owner and to the referees in force: case id -> key."""
    referees: dict[str, list[str]] = {}
    for row in job.connection.execute(
        select(referrals.c.case_id, referrals.c.to_org_id).where(referrals.c.ended_at.is_(None))
    ):
        referees.setdefault(row.case_id, []).append(keyring.of_org(row.to_org_id))
    rows = job.connection.execute(select(cases.c.id, cases.c.org_id)).all()
    for row in rows:
        scope = keyring.of_case(row.id)
        job.scope(scope, [keyring.of_org(row.org_id)], "owner")
        for holder in referees.get(row.id, []):
            keyring.give(
                job.connection, scope, holder, job.keys[scope], basis="referral", at=job.at, by=job.by
            )
    return {row.id: job.keys[keyring.of_case(row.id)] for row in rows}


def _concertations(job: _Rekeying, coordinators: list[str]) -> int:
    requests = job.connection.execute(select(concertations.c.id, concertations.c.org_id)).all()
    holders: dict[str, list[str]] = {}
    for row in requests:
        holders[row.id] = [keyring.of_org(row.org_id), *coordinators]
        job.scope(keyring.of_concertation(row.id), holders[row.id], "concertation")
    plan = job.connection.execute(
        select(plan_actions.c.id, plan_actions.c.concertation_id, plan_actions.c.owner_org_id)
    ).all()
    for action in plan:
        owners = [*holders[action.concertation_id], keyring.of_org(action.owner_org_id)]
        job.scope(keyring.of_plan_action(action.id), owners, "plan_action")
    request_keys = {row.id: job.keys[keyring.of_concertation(row.id)] for row in requests}
    plan_keys = {action.id: job.keys[keyring.of_plan_action(action.id)] for action in plan}
    steps, actions = CONCERTATION[:2], CONCERTATION[2]
    return sum(job.reseal(spec, request_keys) for spec in steps) + job.reseal(actions, plan_keys)


def _public(job: _Rekeying, org_id: str) -> bytes:
    return crypto.public_of(job.orgs[org_id])


def _copies(job: _Rekeying) -> None:
    """The recipients' copies, from the values as the data key sealed them (before they are re-sealed)."""
    connection = job.connection
    withdrawn = set(
        connection.execute(select(consents.c.id).where(consents.c.withdrawn_at.is_not(None))).scalars()
    )
    for row in connection.execute(select(shares)).all():
        if withdrawn & set(json.loads(row.consent_ids)):
            continue
        sent = json.loads(job.old_text(row.payload_ct, place(shares.c.payload_ct, row.id)))
        copy = crypto.seal_json(
            _public(job, row.recipient_org_id), sent, place(shares.c.recipient_ct, row.id)
        )
        connection.execute(update(shares).where(shares.c.id == row.id).values(recipient_ct=copy))
    for row in connection.execute(
        select(disclosures).where(disclosures.c.recipient_org_id.is_not(None))
    ).all():
        texts = {
            column.name: job.old_text(getattr(row, column.name), place(column, row.id))
            for column in DISCLOSURE_TEXTS
        }
        value = {**texts, "sent": json.loads(texts.pop("payload_ct"))}
        copy = crypto.seal_json(
            _public(job, row.recipient_org_id), value, place(disclosures.c.recipient_ct, row.id)
        )
        connection.execute(update(disclosures).where(disclosures.c.id == row.id).values(recipient_ct=copy))
        for note in connection.execute(
            select(disclosure_annotations).where(disclosure_annotations.c.disclosure_id == row.id)
        ).all():
            text = job.old_text(note.text_ct, place(disclosure_annotations.c.text_ct, note.id))
            where = place(disclosure_annotations.c.recipient_ct, note.id)
            connection.execute(
                update(disclosure_annotations)
                .where(disclosure_annotations.c.id == note.id)
                .values(recipient_ct=crypto.seal_json(_public(job, row.recipient_org_id), text, where))
            )
    query = select(emergency_access, cases.c.org_id.label("owner")).join(
        cases, cases.c.id == emergency_access.c.case_id
    )
    for row in connection.execute(query).all():
        where = place(emergency_access.c.owner_ct, row.id)
        reason = job.old_text(row.reason_ct, place(emergency_access.c.reason_ct, row.id))
        sealed = crypto.seal_to(_public(job, row.owner), reason.encode(), where.encode())
        connection.execute(
            update(emergency_access).where(emergency_access.c.id == row.id).values(owner_ct=sealed)
        )


def _digests(job: _Rekeying, intact: set[str]) -> None:
    """Each intact disclosure's digest over its row as re-sealed (an altered one stays refused)."""
    for row in job.connection.execute(select(disclosures)).all():
        if row.id not in intact:
            continue
        job.connection.execute(
            update(disclosures)
            .where(disclosures.c.id == row.id)
            .values(digest=disclosure_digest(row._mapping))
        )
