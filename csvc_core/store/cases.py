"""Cases, their protagonists and events, and the derived columns that keep the case level current."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import attrs
from sqlalchemy import Row, func, insert, select, update

from csvc_core.compromission import (
    AssessmentRecord,
    CaseCompromission,
    Closure,
    answers_event,
    case_compromission,
    case_due,
)
from csvc_core.errors import BadInput, Field, OperationFailed
from csvc_core.model import PROTAGONISTS
from csvc_core.store import carried, keyring
from csvc_core.store.access import case_scope, readable_case, require, visible_case
from csvc_core.store.context import Tx
from csvc_core.store.crypto import new_id
from csvc_core.store.directory import people
from csvc_core.store.due import overdue_now
from csvc_core.store.records import (
    CONTACT_FIELDS,
    EVENT_KINDS,
    CaseEvent,
    CaseSummary,
    Contact,
    Protagonist,
)
from csvc_core.store.schema import (
    actions,
    assessment_closures,
    assessments,
    case_events,
    cases,
    protagonists,
)

MAX_LABEL = 200


class StaleRecord(OperationFailed):
    """A save based on an old version of a record: someone changed it meanwhile. Reload, then save again."""


def check_version(result_rowcount: int, key: str, record_id: str, expected: int | None) -> None:
    """:class:`StaleRecord`, worded by ``key`` (``error.store.stale_case``, ...), unless one row changed."""
    if result_rowcount != 1:
        raise StaleRecord(key=key, id=record_id, version=expected)


def user_names(tx: Tx, ids: Iterable[str]) -> dict[str, str]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    table = people(tx.connection)
    rows = tx.connection.execute(select(table.c.id, table.c.name).where(table.c.id.in_(wanted)))
    return {row.id: row.name for row in rows}


# -- cases -------------------------------------------------------------------------------------------------
def _check_label(label: str) -> str:
    label = label.strip()
    if not label:
        raise BadInput(key="error.store.label_needed", field=Field("label"))
    if len(label) > MAX_LABEL:
        raise BadInput(key="error.store.label_too_long", field=Field("label"), max=MAX_LABEL)
    return label


def new_case_key(tx: Tx, case_id: str) -> None:
    """A fresh key for a new case of the acting user's organisation, held by that organisation."""
    keyring.new_scope(
        tx.connection,
        keyring.of_case(case_id),
        [keyring.of_org(tx.actor.org_id)],
        basis="owner",
        at=tx.now,
        by=tx.actor.user_id,
    )


def new_case(tx: Tx, label: str) -> str:
    """Open a case; ``label`` (a name or a file reference) is stored encrypted. Returns the case id."""
    tx.require_writable()
    require(tx.actor, "case.write")
    case_id = new_id()
    new_case_key(tx, case_id)
    tx.connection.execute(
        insert(cases).values(
            id=case_id,
            org_id=tx.actor.org_id,
            label_ct=tx.seal(_check_label(label), cases.c.label_ct, case_id, scope=keyring.of_case(case_id)),
            status="open",
            created_at=tx.now,
            created_by=tx.actor.user_id,
            compromission=None,
            reassess_by=tx.now,  # never assessed: an assessment is due now
            version=1,
        )
    )
    tx.audit("case.create", case_id, fields=["label"])
    return case_id


def relabel_case(tx: Tx, case_id: str, label: str, expected_version: int) -> int:
    """Give a case a new label (a stale ``expected_version`` is refused); returns its new version."""
    tx.require_writable()
    require(tx.actor, "case.write")
    visible_case(tx.connection, tx.actor, case_id)
    result = tx.connection.execute(
        update(cases)
        .where(cases.c.id == case_id, cases.c.version == expected_version)
        .values(
            label_ct=tx.seal(_check_label(label), cases.c.label_ct, case_id, scope=keyring.of_case(case_id)),
            version=expected_version + 1,
        )
    )
    check_version(result.rowcount, "error.store.stale_case", case_id, expected_version)
    tx.audit("case.update", case_id, fields=["label"])
    return expected_version + 1


def close_case(tx: Tx, case_id: str, reason: str, expected_version: int | None = None) -> None:
    """Close a case: it leaves the follow-up queue; its retention period starts now."""
    tx.require_writable()
    require(tx.actor, "case.close")
    row = visible_case(tx.connection, tx.actor, case_id)
    if row.status == "closed":
        raise OperationFailed(key="error.store.case_already_closed", case=case_id)
    if not reason.strip():
        raise BadInput(key="error.store.case_close_reason", field=Field("reason"))
    version = row.version if expected_version is None else expected_version
    result = tx.connection.execute(
        update(cases)
        .where(cases.c.id == case_id, cases.c.version == version)
        .values(
            status="closed",
            closed_at=tx.now,
            closed_by=tx.actor.user_id,
            close_reason_ct=tx.seal(
                reason.strip(), cases.c.close_reason_ct, case_id, scope=keyring.of_case(case_id)
            ),
            reassess_by=None,
            version=version + 1,
        )
    )
    check_version(result.rowcount, "error.store.stale_case", case_id, version)
    tx.audit("case.close", case_id)


def summary(tx: Tx, row: Row, reveal: bool) -> CaseSummary:
    """``row``: a ``cases`` row, with ``overdue_actions`` when the query counted them (:func:`list_cases`)."""
    return CaseSummary(
        id=row.id,
        label=tx.unseal(row.label_ct, cases.c.label_ct, row.id, scope=keyring.of_case(row.id))
        if reveal
        else None,
        status=row.status,
        compromission=row.compromission,
        reassess_by=row.reassess_by,
        overdue=row.reassess_by is not None and row.reassess_by <= tx.now,
        created_at=row.created_at,
        version=row.version,
        overdue_actions=row._mapping.get("overdue_actions", 0),
    )


def list_cases(
    tx: Tx, *, status: str | None = "open", limit: int = 50, offset: int = 0, reveal: bool = False
) -> list[CaseSummary]:
    """The cases the actor may see, newest first, one page at a time, each with its count of overdue actions
    (open, past due)."""
    require(tx.actor, "case.read")
    overdue_actions = (
        select(func.count())
        .where(actions.c.case_id == cases.c.id, overdue_now(tx.now))
        .scalar_subquery()
        .label("overdue_actions")
    )
    query = select(cases, overdue_actions).where(case_scope(tx.actor))
    if status is not None:
        query = query.where(cases.c.status == status)
    query = query.order_by(cases.c.created_at.desc(), cases.c.id.desc()).limit(limit).offset(offset)
    rows = tx.connection.execute(query).all()
    if reveal:
        tx.open_scopes([keyring.of_case(row.id) for row in rows])
    found = [summary(tx, row, reveal) for row in rows]
    tx.audit("case.list", None, count=len(found), offset=offset, reveal=reveal)
    return found


# -- protagonists ------------------------------------------------------------------------------------------
def add_protagonist(
    tx: Tx,
    case_id: str,
    role: str,
    *,
    name: str | None = None,
    contact: Contact | None = None,
    safe_to_call: bool | None = None,
    partner_knows: bool | None = None,
) -> str:
    """Add a person to a case (``role``: one of ``PROTAGONISTS``); the name and the safe contact
    are stored encrypted. Returns the person's id."""
    tx.require_writable()
    require(tx.actor, "case.write")
    visible_case(tx.connection, tx.actor, case_id)
    if role not in PROTAGONISTS:
        raise BadInput(
            key="error.store.unknown_protagonist",
            field=Field("role"),
            role=role,
            roles=", ".join(PROTAGONISTS),
        )
    row_id = new_id()
    tx.connection.execute(
        insert(protagonists).values(
            id=row_id,
            case_id=case_id,
            org_id=tx.actor.org_id,
            role=role,
            name_ct=tx.seal_optional(
                name.strip() if name else None,
                protagonists.c.name_ct,
                row_id,
                scope=keyring.of_case(case_id),
            ),
            contact_ct=_seal_contact(tx, contact, row_id, case_id),
            safe_to_call=safe_to_call,
            partner_knows=partner_knows,
            created_at=tx.now,
            created_by=tx.actor.user_id,
            version=1,
        )
    )
    fields = [name for name, value in (("name", name), ("contact", contact)) if value is not None]
    tx.audit("protagonist.add", case_id, protagonist=row_id, role=role, fields=fields)
    return row_id


def update_protagonist(
    tx: Tx,
    protagonist_id: str,
    expected_version: int,
    *,
    name: str | None = None,
    contact: Contact | None = None,
    safe_to_call: bool | None = None,
    partner_knows: bool | None = None,
    contact_changes: dict[str, Any] | None = None,
) -> int:
    """Change a protagonist (fields left None keep their value); a stale version is refused.
    ``contact_changes`` changes some fields of the safe contact (e.g. only the phone), the others kept:
    the store merges them without showing the contact to anyone."""
    tx.require_writable()
    require(tx.actor, "case.write")
    row = tx.connection.execute(select(protagonists).where(protagonists.c.id == protagonist_id)).first()
    if row is None:
        raise OperationFailed(key="error.store.protagonist_not_found", id=protagonist_id)
    visible_case(tx.connection, tx.actor, row.case_id)
    values: dict[str, Any] = {"version": expected_version + 1}
    if name is not None:
        values["name_ct"] = tx.seal(
            name.strip(), protagonists.c.name_ct, protagonist_id, scope=keyring.of_case(row.case_id)
        )
    if contact_changes:
        unknown = [field for field in contact_changes if field not in CONTACT_FIELDS]
        if unknown:
            raise BadInput(
                key="error.store.contact_field_unknown", field=unknown[0], fields=", ".join(CONTACT_FIELDS)
            )
        if contact is not None:
            raise BadInput(key="error.store.contact_whole_or_fields")
        current = (_contact(tx, row) or Contact()).to_json()
        changed = {**current, **contact_changes}
        contact = Contact(**{**changed, "channels": tuple(changed.get("channels") or ())})
    if contact is not None:
        values["contact_ct"] = _seal_contact(tx, contact, protagonist_id, row.case_id)
    if safe_to_call is not None:
        values["safe_to_call"] = safe_to_call
    if partner_knows is not None:
        values["partner_knows"] = partner_knows
    result = tx.connection.execute(
        update(protagonists)
        .where(protagonists.c.id == protagonist_id, protagonists.c.version == expected_version)
        .values(**values)
    )
    check_version(result.rowcount, "error.store.stale_protagonist", protagonist_id, expected_version)
    fields = sorted(key.removesuffix("_ct") for key in values if key != "version")
    if contact_changes:
        fields = sorted({*fields, *(f"contact.{field}" for field in contact_changes)} - {"contact"})
    tx.audit("protagonist.update", row.case_id, protagonist=protagonist_id, fields=fields)
    return expected_version + 1


def _seal_contact(tx: Tx, contact: Contact | None, row_id: str, case_id: str) -> bytes | None:
    if contact is None:
        return None
    text = json.dumps(contact.to_json(), ensure_ascii=False)
    return tx.seal(text, protagonists.c.contact_ct, row_id, scope=keyring.of_case(case_id))


def _contact(tx: Tx, row: Row) -> Contact | None:
    if row.contact_ct is None:
        return None
    data = json.loads(
        tx.unseal(row.contact_ct, protagonists.c.contact_ct, row.id, scope=keyring.of_case(row.case_id))
    )
    return Contact(**{**data, "channels": tuple(data.get("channels") or ())})


def _protagonist(tx: Tx, row: Row, names: bool, contacts: bool) -> Protagonist:
    return Protagonist(
        id=row.id,
        role=row.role,
        name=(
            tx.unseal_optional(
                row.name_ct, protagonists.c.name_ct, row.id, scope=keyring.of_case(row.case_id)
            )
            if names
            else None
        ),
        contact=_contact(tx, row) if contacts else None,
        safe_to_call=row.safe_to_call,
        partner_knows=row.partner_knows,
        version=row.version,
    )


def case_protagonists(tx: Tx, case_id: str, names: bool, contacts: bool) -> tuple[Protagonist, ...]:
    """The case's people; their names and safe-contact information decrypted only when asked."""
    rows = tx.connection.execute(
        select(protagonists).where(protagonists.c.case_id == case_id).order_by(protagonists.c.created_at)
    )
    return tuple(_protagonist(tx, row, names, contacts) for row in rows)


def reveal_protagonist(tx: Tx, protagonist_id: str, fields: Iterable[str]) -> dict[str, Any]:
    """Only ``fields`` of one person, decrypted: ``name`` and/or fields of the safe contact
    (:data:`CONTACT_FIELDS`); each reveal is audited with the fields named. Empty fields are None."""
    require(tx.actor, "case.read")
    wanted = list(dict.fromkeys(fields))
    allowed = ("name", *CONTACT_FIELDS)
    unknown = [field for field in wanted if field not in allowed]
    if unknown:
        raise BadInput(key="error.store.reveal_field_unknown", field=unknown[0], fields=", ".join(allowed))
    if not wanted:
        raise BadInput(key="error.store.reveal_field_none", fields=", ".join(allowed))
    row = tx.connection.execute(select(protagonists).where(protagonists.c.id == protagonist_id)).first()
    if row is None:
        raise OperationFailed(key="error.store.protagonist_not_found", id=protagonist_id)
    readable_case(tx.connection, tx.actor, row.case_id, tx.now)
    shown: dict[str, Any] = {}
    if "name" in wanted:
        shown["name"] = tx.unseal_optional(
            row.name_ct, protagonists.c.name_ct, row.id, scope=keyring.of_case(row.case_id)
        )
    contact_fields = [field for field in wanted if field in CONTACT_FIELDS]
    if contact_fields:
        contact = _contact(tx, row) or Contact()
        shown.update({field: getattr(contact, field) or None for field in contact_fields})
    tx.audit("protagonist.reveal", row.case_id, protagonist=protagonist_id, fields=wanted)
    return {field: shown[field] for field in wanted}


# -- events ------------------------------------------------------------------------------------------------
def record_event(
    tx: Tx, case_id: str, kind: str, occurred_at: datetime | None = None, note: str | None = None
) -> str:
    """A new incident, a separation, the partner's release, a breach of conditions (``kind``: new_incident,
    separation, partner_release, breach_of_conditions): a re-assessment is due now. The plugins are told
    (``case_event``) once it has committed."""
    tx.require_writable()
    require(tx.actor, "case.write")
    row = visible_case(tx.connection, tx.actor, case_id)
    if kind not in EVENT_KINDS:
        raise BadInput(
            key="error.store.unknown_event", field=Field("kind"), kind=kind, kinds=", ".join(EVENT_KINDS)
        )
    if row.status == "closed":
        raise OperationFailed(key="error.store.case_closed_event", case=case_id)
    if occurred_at is not None and occurred_at.tzinfo is None:
        raise BadInput(key="error.store.occurred_at_offset", field=Field("occurred_at"))
    event_id = new_id()
    tx.connection.execute(
        insert(case_events).values(
            id=event_id,
            case_id=case_id,
            org_id=row.org_id,
            kind=kind,
            occurred_at=occurred_at or tx.now,
            recorded_at=tx.now,
            recorded_by=tx.actor.user_id,
            note_ct=tx.seal_optional(note, case_events.c.note_ct, event_id, scope=keyring.of_case(case_id)),
        )
    )
    tx.audit("event.add", case_id, event=event_id, kind=kind, fields=["note"] if note else [])
    refresh_case(tx, case_id)
    tx.notify("case_event", event_id, kind, case_id)
    return event_id


# -- the case level, kept current ------------------------------------------------------------------------
@attrs.frozen
class LevelState:
    """What the case level follows from: its assessments, their closures, its events."""

    level: CaseCompromission
    assessment_rows: tuple[Row, ...]
    events: tuple[tuple[Row, bool], ...]  # (event row, still open)
    reassess_by: datetime | None


def _records(
    tx: Tx, rows: Sequence[Row], factors: dict[str, tuple[str, ...]] | None = None
) -> list[AssessmentRecord]:
    names = user_names(tx, [row.confirmed_by for row in rows])
    return [
        AssessmentRecord(
            id=row.id,
            sector=row.sector,
            instrument=row.instrument_id,
            instrument_version=row.instrument_version,
            level=row.level,
            compromission=row.compromission,
            assessed_at=row.assessed_at,
            reassess_by=row.reassess_by,
            protagonist=row.protagonist,
            organisation=row.org_id,
            factors=(factors or {}).get(row.id, ()),
            by=names.get(row.confirmed_by),
            complete=row.complete,
        )
        for row in rows
    ]


def level_at(tx: Tx, case_id: str, when: datetime) -> int | None:
    """The case level as it stood at ``when``, from the assessments confirmed and closures made by then."""
    rows = tx.connection.execute(
        select(assessments).where(assessments.c.case_id == case_id, assessments.c.confirmed_at <= when)
    ).all()
    closures = [closure for closure in closures_of(tx, [row.id for row in rows]) if closure.closed_at <= when]
    return case_compromission(_records(tx, rows), when, closures).level


def level_state(tx: Tx, case_id: str, factors: dict[str, tuple[str, ...]] | None = None) -> LevelState:
    rows = tuple(
        tx.connection.execute(
            select(assessments)
            .where(assessments.c.case_id == case_id)
            .order_by(assessments.c.assessed_at.desc())
        )
    )
    records = _records(tx, rows, factors)
    closures = closures_of(tx, [row.id for row in rows])
    level = case_compromission(records, tx.now, closures)
    events = []
    for event in tx.connection.execute(
        select(case_events).where(case_events.c.case_id == case_id).order_by(case_events.c.recorded_at.desc())
    ):
        answered = any(
            answers_event(event.occurred_at, event.recorded_at, row.assessed_at, row.confirmed_at)
            for row in rows
        )
        events.append((event, not answered))
    reassess_by = case_due(level, [event.recorded_at for event, is_open in events if is_open])
    return LevelState(level, rows, tuple(events), reassess_by)


def closures_of(tx: Tx, assessment_ids: Sequence[str]) -> list[Closure]:
    if not assessment_ids:
        return []
    rows = tx.connection.execute(
        select(assessment_closures, assessments.c.case_id)
        .join(assessments, assessments.c.id == assessment_closures.c.assessment_id)
        .where(assessment_closures.c.assessment_id.in_(list(assessment_ids)))
    ).all()
    names = user_names(tx, [row.closed_by for row in rows])
    return [
        Closure(
            assessment_id=row.assessment_id,
            by=names.get(row.closed_by, row.closed_by),
            reason=tx.unseal(
                row.reason_ct,
                assessment_closures.c.reason_ct,
                row.assessment_id,
                scope=keyring.of_case(row.case_id),
            ),
            closed_at=row.closed_at,
        )
        for row in rows
    ]


def refresh_case(tx: Tx, case_id: str) -> LevelState:
    """Recompute the case's level and re-assessment date, and the level its open concertation requests carry
    (same transaction as the change that moved them)."""
    state = level_state(tx, case_id)
    case = tx.connection.execute(
        select(cases.c.status, cases.c.created_at).where(cases.c.id == case_id)
    ).one()
    reassess_by = state.reassess_by
    if not state.assessment_rows and reassess_by is None:
        reassess_by = case.created_at  # never assessed: due since the case was opened
    tx.connection.execute(
        update(cases)
        .where(cases.c.id == case_id)
        .values(
            compromission=state.level.level,
            reassess_by=reassess_by if case.status == "open" else None,
        )
    )
    carried.follow(tx, case_id, state)
    return state


def event_records(tx: Tx, state: LevelState, reveal: bool) -> tuple[CaseEvent, ...]:
    names = user_names(tx, [event.recorded_by for event, _ in state.events])
    return tuple(
        CaseEvent(
            id=event.id,
            kind=event.kind,
            occurred_at=event.occurred_at,
            recorded_at=event.recorded_at,
            by=names.get(event.recorded_by, event.recorded_by),
            note=(
                tx.unseal_optional(
                    event.note_ct, case_events.c.note_ct, event.id, scope=keyring.of_case(event.case_id)
                )
                if reveal
                else None
            ),
            open=is_open,
        )
        for event, is_open in state.events
    )
