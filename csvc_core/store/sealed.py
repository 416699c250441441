"""Every sealed column of the store, with the scope whose key seals it: what a key rotation and an upgrade
re-seal. A value is bound to ``table.column:row`` (its *place*); re-sealing keeps the place, changes the key.

Recipient copies (``shares.recipient_ct``, ``disclosures.recipient_ct``,
``disclosure_annotations.recipient_ct``, ``emergency_access.owner_ct``) are sealed to an organisation's
public key instead (:mod:`.rotation`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import attrs
from sqlalchemy import ColumnElement, Connection, Row, Select, Table, select, update

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


@attrs.frozen
class Sealed:
    """Sealed ``columns`` of ``table``; ``owner`` names, for each row, the id its scope is made from."""

    table: Table
    columns: tuple[str, ...]
    owner: ColumnElement[Any]
    scope: Callable[[str], str]
    joined: Table | None = None
    on: ColumnElement[bool] | None = None

    def query(self) -> Select[Any]:
        key_columns = list(self.table.primary_key.columns)
        wanted = [*key_columns, *(self.table.c[name] for name in self.columns), self.owner.label("owner")]
        query = select(*wanted)
        if self.joined is not None and self.on is not None:
            query = query.join_from(self.table, self.joined, self.on)
        return query

    def place(self, row: Row, column: str) -> str:
        if self.table is concertation_steps:
            return f"{self.table.name}.{column}:{row.concertation_id}.{row.seq}"
        key = next(iter(self.table.primary_key.columns)).name
        return f"{self.table.name}.{column}:{getattr(row, key)}"

    def rows(self, connection: Connection, where: ColumnElement[bool] | None = None) -> Iterator[Row]:
        query = self.query() if where is None else self.query().where(where)
        yield from connection.execute(query).all()

    def rewrite(
        self, connection: Connection, row: Row, old: bytes, new: bytes, *, skip: tuple[str, ...] = ()
    ) -> int:
        """Re-seal this row's values from key ``old`` to key ``new``; the number of values re-sealed."""
        values: dict[str, bytes] = {}
        for column in self.columns:
            blob = getattr(row, column)
            if blob is None or column in skip:
                continue
            place = self.place(row, column)
            values[column] = crypto.seal_field(new, crypto.open_field(old, blob, place), place)
        if values:
            match = [column == getattr(row, column.name) for column in self.table.primary_key.columns]
            connection.execute(update(self.table).where(*match).values(**values))
        return len(values)


CASE = (
    Sealed(cases, ("label_ct", "close_reason_ct"), cases.c.id, keyring.of_case),
    Sealed(protagonists, ("name_ct", "contact_ct"), protagonists.c.case_id, keyring.of_case),
    Sealed(assessments, ("answers_ct", "result_ct"), assessments.c.case_id, keyring.of_case),
    Sealed(
        assessment_closures,
        ("reason_ct",),
        assessments.c.case_id,
        keyring.of_case,
        assessments,
        assessments.c.id == assessment_closures.c.assessment_id,
    ),
    Sealed(
        action_history,
        ("note_ct",),
        actions.c.case_id,
        keyring.of_case,
        actions,
        actions.c.id == action_history.c.action_id,
    ),
    Sealed(case_events, ("note_ct",), case_events.c.case_id, keyring.of_case),
    Sealed(case_outcomes, ("note_ct",), case_outcomes.c.case_id, keyring.of_case),
    Sealed(consents, ("person_ct", "purpose_ct"), consents.c.case_id, keyring.of_case),
    Sealed(case_tool_versions, ("content_ct",), case_tool_versions.c.case_id, keyring.of_case),
)
"""Sealed under the key of their case."""

DISCLOSURE_TEXTS = (
    "recipient_name_ct",
    "reasonable_cause_ct",
    "exposed_ct",
    "violence_ct",
    "danger_ct",
    "urgency_ct",
    "payload_ct",
)
RECORDS = (
    Sealed(shares, ("purpose_ct", "payload_ct"), shares.c.org_id, keyring.records_of),
    Sealed(disclosures, DISCLOSURE_TEXTS, disclosures.c.org_id, keyring.records_of),
    Sealed(
        disclosure_annotations,
        ("text_ct",),
        disclosures.c.org_id,
        keyring.records_of,
        disclosures,
        disclosures.c.id == disclosure_annotations.c.disclosure_id,
    ),
    Sealed(referrals, ("reason_ct",), referrals.c.from_org_id, keyring.records_of),
    Sealed(transfers, ("reason_ct",), transfers.c.from_org_id, keyring.records_of),
    Sealed(emergency_access, ("reason_ct",), emergency_access.c.org_id, keyring.records_of),
)
"""Records of an organisation's communications, under its records key."""

CONCERTATION = (
    Sealed(
        concertations,
        ("judgement_ct", "decision_ct", "closure_note_ct"),
        concertations.c.id,
        keyring.of_concertation,
    ),
    Sealed(concertation_steps, ("note_ct",), concertation_steps.c.concertation_id, keyring.of_concertation),
    Sealed(plan_actions, ("description_ct", "note_ct"), plan_actions.c.id, keyring.of_plan_action),
)
"""A concertation request's free text, and each plan action's own."""

DRAFTS = Sealed(drafts, ("content_ct",), drafts.c.user_id, keyring.of_user)
"""A user's drafts, under her own key."""
