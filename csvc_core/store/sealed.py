"""Every sealed column of the store, with the scope whose key seals it: what a key rotation and an upgrade
re-seal. A value is bound to ``table.column:row`` (its *place*, built by :func:`place` from the column
itself); re-sealing keeps the place, changes the key.

Recipient copies (``shares.recipient_ct``, ``disclosures.recipient_ct``,
``disclosure_annotations.recipient_ct``, ``emergency_access.owner_ct``) are sealed to an organisation's
public key instead (:mod:`.rotation`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import attrs
from sqlalchemy import Column, ColumnElement, Connection, Row, Select, Table, select, update

from csvc_core.store import crypto, keyring
from csvc_core.store.schema import (
    action_history,
    actions,
    assessment_closures,
    assessments,
    case_events,
    case_outcomes,
    case_tool_versions,
    cases,
    concertation_steps,
    concertations,
    consents,
    disclosure_annotations,
    disclosures,
    drafts,
    emergency_access,
    plan_actions,
    protagonists,
    referrals,
    shares,
    transfers,
)


def place(column: Column[Any], row_id: str) -> str:
    """Where a value of ``column`` in the row ``row_id`` is bound: ``table.column:row``."""
    return f"{column.table.name}.{column.name}:{row_id}"


def step_id(concertation_id: str, seq: int) -> str:
    """The row id, in a place, of a concertation's step ``seq`` (a step has no id of its own)."""
    return f"{concertation_id}.{seq}"


@attrs.frozen
class Sealed:
    """Sealed ``columns`` of ``table``; ``owner`` names, for each row, the id its scope is made from."""

    table: Table
    columns: tuple[Column[Any], ...]
    owner: ColumnElement[Any]
    scope: Callable[[str], str]
    joined: Table | None = None
    on: ColumnElement[bool] | None = None

    def query(self) -> Select[Any]:
        key_columns = list(self.table.primary_key.columns)
        wanted = [*key_columns, *self.columns, self.owner.label("owner")]
        query = select(*wanted)
        if self.joined is not None and self.on is not None:
            query = query.join_from(self.table, self.joined, self.on)
        return query

    def place(self, row: Row, column: Column[Any]) -> str:
        if self.table is concertation_steps:
            return place(column, step_id(row.concertation_id, row.seq))
        key = next(iter(self.table.primary_key.columns)).name
        return place(column, getattr(row, key))

    def rows(self, connection: Connection, where: ColumnElement[bool] | None = None) -> Iterator[Row]:
        query = self.query() if where is None else self.query().where(where)
        yield from connection.execute(query).all()

    def rewrite(self, connection: Connection, row: Row, old: bytes, new: bytes) -> int:
        """Re-seal this row's values from key ``old`` to key ``new``; the number of values re-sealed."""
        values: dict[str, bytes] = {}
        for column in self.columns:
            blob = getattr(row, column.name)
            if blob is None:
                continue
            where = self.place(row, column)
            values[column.name] = crypto.seal_field(new, crypto.open_field(old, blob, where), where)
        if values:
            match = [column == getattr(row, column.name) for column in self.table.primary_key.columns]
            connection.execute(update(self.table).where(*match).values(**values))
        return len(values)


CASE = (
    Sealed(cases, (cases.c.label_ct, cases.c.close_reason_ct), cases.c.id, keyring.of_case),
    Sealed(
        protagonists,
        (protagonists.c.name_ct, protagonists.c.contact_ct),
        protagonists.c.case_id,
        keyring.of_case,
    ),
    Sealed(
        assessments,
        (assessments.c.answers_ct, assessments.c.result_ct),
        assessments.c.case_id,
        keyring.of_case,
    ),
    Sealed(
        assessment_closures,
        (assessment_closures.c.reason_ct,),
        assessments.c.case_id,
        keyring.of_case,
        assessments,
        assessments.c.id == assessment_closures.c.assessment_id,
    ),
    Sealed(
        action_history,
        (action_history.c.note_ct,),
        actions.c.case_id,
        keyring.of_case,
        actions,
        actions.c.id == action_history.c.action_id,
    ),
    Sealed(case_events, (case_events.c.note_ct,), case_events.c.case_id, keyring.of_case),
    Sealed(case_outcomes, (case_outcomes.c.note_ct,), case_outcomes.c.case_id, keyring.of_case),
    Sealed(consents, (consents.c.person_ct, consents.c.purpose_ct), consents.c.case_id, keyring.of_case),
    Sealed(
        case_tool_versions, (case_tool_versions.c.content_ct,), case_tool_versions.c.case_id, keyring.of_case
    ),
)
"""Sealed under the key of their case."""

DISCLOSURE_TEXTS = (
    disclosures.c.recipient_name_ct,
    disclosures.c.reasonable_cause_ct,
    disclosures.c.exposed_ct,
    disclosures.c.violence_ct,
    disclosures.c.danger_ct,
    disclosures.c.urgency_ct,
    disclosures.c.payload_ct,
)
RECORDS = (
    Sealed(shares, (shares.c.purpose_ct, shares.c.payload_ct), shares.c.org_id, keyring.records_of),
    Sealed(disclosures, DISCLOSURE_TEXTS, disclosures.c.org_id, keyring.records_of),
    Sealed(
        disclosure_annotations,
        (disclosure_annotations.c.text_ct,),
        disclosures.c.org_id,
        keyring.records_of,
        disclosures,
        disclosures.c.id == disclosure_annotations.c.disclosure_id,
    ),
    Sealed(referrals, (referrals.c.reason_ct,), referrals.c.from_org_id, keyring.records_of),
    Sealed(transfers, (transfers.c.reason_ct,), transfers.c.from_org_id, keyring.records_of),
    Sealed(emergency_access, (emergency_access.c.reason_ct,), emergency_access.c.org_id, keyring.records_of),
)
"""Records of an organisation's communications, under its records key."""

CONCERTATION = (
    Sealed(
        concertations,
        (concertations.c.judgement_ct, concertations.c.decision_ct, concertations.c.closure_note_ct),
        concertations.c.id,
        keyring.of_concertation,
    ),
    Sealed(
        concertation_steps,
        (concertation_steps.c.note_ct,),
        concertation_steps.c.concertation_id,
        keyring.of_concertation,
    ),
    Sealed(
        plan_actions,
        (plan_actions.c.description_ct, plan_actions.c.note_ct),
        plan_actions.c.id,
        keyring.of_plan_action,
    ),
)
"""A concertation request's free text, and each plan action's own."""

DRAFTS = Sealed(drafts, (drafts.c.content_ct,), drafts.c.user_id, keyring.of_user)
"""A user's drafts, under her own key."""
