"""Importing a package's case into the current store, all of it or nothing, never twice.

Every record keeps the id it had in the sending store: a record already here is left as it is, so importing a
package twice (or a later package of the same case) adds only what is new. Before anything is written, each
assessment is re-read with the instrument snapshot it travelled with: a level the pipeline does not give back
refuses the whole package.

The importing user is the one who writes here (the store's foreign keys name local users); who did what in the
sending organisation travels with each record: in the stored result (``imported_from``) and in the notes of
actions, events and closures.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select

from csvc_core.converter import converter
from csvc_core.errors import BadInput, OperationFailed
from csvc_core.exchange.content import CONTENT_VERSION
from csvc_core.framework import Csvc
from csvc_core.i18n import t
from csvc_core.jsonio import parse_assessment, parse_datetime
from csvc_core.model import PROTAGONISTS, Instrument
from csvc_core.store import keyring
from csvc_core.store.access import require
from csvc_core.store.cases import new_case_key, refresh_case
from csvc_core.store.context import Tx
from csvc_core.store.crypto import new_id
from csvc_core.store.records import ACTION_STATUSES, EVENT_KINDS
from csvc_core.store.schema import (
    action_history,
    actions,
    assessment_closures,
    assessments,
    case_events,
    cases,
    instrument_snapshots,
    protagonists,
)


class Refused(BadInput):
    """The package's content does not hold together; nothing was imported."""


def _text(value: Any, where: str, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise Refused(key="error.exchange.text_expected", where=where, value=value)
    return value


def _time(value: Any, where: str, *, optional: bool = False) -> datetime | None:
    if value is None and optional:
        return None
    try:
        return parse_datetime(value, where)
    except BadInput as exc:
        raise Refused(key="error.exchange.nothing_imported", problem=exc) from None


def _list(content: Mapping[str, Any], key: str, name: str) -> list[Mapping[str, Any]]:
    value = content.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        raise Refused(key="error.exchange.objects_expected", where=f"{name}: $.{key}")
    return value


def _exists(tx: Tx, table: Any, record_id: str, column: Any = None) -> bool:
    column = column if column is not None else table.c.id
    return tx.connection.execute(select(column).where(column == record_id)).first() is not None


def _origin_note(origin: str, by: str | None, note: str | None, lang: str) -> str:
    head = t("exchange.imported_note", lang, origin=origin, by=by or "?")
    return f"{head} {note}" if note else head


def import_content(
    tx: Tx, csvc: Csvc, header: Mapping[str, Any], content: Mapping[str, Any], name: str, lang: str = "fr"
) -> dict[str, Any]:
    """Write what is new of the package's case; returns what was added. The caller's transaction audits."""
    tx.require_writable()
    require(tx.actor, "case.write")
    if content.get("content_version") != CONTENT_VERSION:
        raise Refused(key="error.exchange.content_version", path=name, version=content.get("content_version"))
    raw_sender = header.get("sender")
    sender: Mapping[str, Any] = raw_sender if isinstance(raw_sender, Mapping) else {}
    origin = f"{sender.get('organisation', '?')} ({sender.get('sector', '?')})"
    case = content.get("case")
    if not isinstance(case, Mapping):
        raise Refused(key="error.exchange.case_expected", path=name)
    case_id = _text(case.get("id"), f"{name}: $.case.id")
    assert case_id is not None
    added = {"case": 0, "assessments": 0, "closures": 0, "actions": 0, "events": 0, "protagonists": 0}
    row = tx.connection.execute(select(cases).where(cases.c.id == case_id)).first()
    if row is not None and row.org_id != tx.actor.org_id:
        raise OperationFailed(key="error.exchange.case_elsewhere", path=name, case=case_id)
    if row is None:
        label = case.get("label") or t("exchange.imported_label", lang, id=case_id, origin=origin)
        new_case_key(tx, case_id)
        tx.connection.execute(
            insert(cases).values(
                id=case_id,
                org_id=tx.actor.org_id,
                label_ct=tx.seal(str(label), cases.c.label_ct, case_id, scope=keyring.of_case(case_id)),
                status="open",
                created_at=_time(case.get("created_at"), f"{name}: $.case.created_at"),
                created_by=tx.actor.user_id,
                compromission=None,
                reassess_by=tx.now,
                version=1,
            )
        )
        added["case"] = 1
    instruments = _instruments(tx, content, name)
    added["assessments"], added["closures"] = _assessments(
        tx, csvc, content, case_id, instruments, origin, name, header, lang
    )
    added["actions"] = _actions(tx, content, case_id, origin, name, lang)
    added["events"] = _events(tx, content, case_id, origin, name, lang)
    added["protagonists"] = _protagonists(tx, content, case_id, name)
    refresh_case(tx, case_id)
    return {"case": case_id, "added": added}


def _instruments(tx: Tx, content: Mapping[str, Any], name: str) -> dict[str, Instrument]:
    raw = content.get("instruments", {})
    if not isinstance(raw, Mapping):
        raise Refused(key="error.exchange.snapshots_expected", path=name)
    found = {}
    for digest, definition in raw.items():
        where = f"{name}: $.instruments.{digest}"
        if not isinstance(definition, str) or hashlib.sha256(definition.encode()).hexdigest() != digest:
            raise Refused(key="error.exchange.digest", where=where)
        try:
            instrument = converter.structure(json.loads(definition), Instrument)
        except Exception:
            raise Refused(key="error.exchange.not_instrument", where=where) from None
        if not _exists(tx, instrument_snapshots, digest, instrument_snapshots.c.digest):
            tx.connection.execute(
                insert(instrument_snapshots).values(
                    digest=digest,
                    instrument_id=instrument.id,
                    version=instrument.version,
                    definition=definition,
                )
            )
        found[digest] = instrument
    return found


def _assessments(
    tx: Tx,
    csvc: Csvc,
    content: Mapping[str, Any],
    case_id: str,
    instruments: Mapping[str, Instrument],
    origin: str,
    name: str,
    header: Mapping[str, Any],
    lang: str,
) -> tuple[int, int]:
    added = closed = 0
    raw_sender = header.get("sender")
    origin_org = raw_sender.get("organisation") if isinstance(raw_sender, Mapping) else None
    for index, item in enumerate(_list(content, "assessments", name)):
        at = f"{name}: $.assessments[{index}]"
        assessment_id = _text(item.get("id"), f"{at}.id")
        assert assessment_id is not None
        existing = tx.connection.execute(
            select(assessments.c.case_id).where(assessments.c.id == assessment_id)
        ).first()
        if existing is not None and existing.case_id != case_id:
            raise Refused(key="error.exchange.assessment_elsewhere", where=f"{at}.id", id=assessment_id)
        instrument = instruments.get(str(item.get("snapshot")))
        if instrument is None:
            raise Refused(key="error.exchange.no_snapshot", where=f"{at}.snapshot")
        sector = _text(item.get("sector"), f"{at}.sector")
        try:
            parsed = parse_assessment(item.get("answers"), instrument, source=f"{at}.answers")
            result = csvc.evaluate(instrument, parsed, sector=sector, source=f"{at}.answers")
        except BadInput as exc:
            raise Refused(key="error.exchange.nothing_imported", problem=exc) from None
        claimed = (item.get("level"), item.get("computed_level"), item.get("compromission"))
        if (result.level, result.computed_level, result.compromission) != claimed:
            raise Refused(
                key="error.exchange.level_differs", where=at, level=result.level, claimed=claimed[0]
            )
        if existing is None:
            given = item.get("result")
            stored: dict[str, Any] = {
                **(given if isinstance(given, Mapping) else result.to_json()),
                "imported_from": {
                    "organisation": origin_org,
                    "sector": sector,
                    "by": item.get("confirmed_by"),
                    "package": header.get("package_id"),
                },
            }
            tx.connection.execute(
                insert(assessments).values(
                    id=assessment_id,
                    case_id=case_id,
                    org_id=tx.actor.org_id,
                    sector=sector,
                    protagonist=parsed.protagonist,
                    instrument_id=instrument.id,
                    instrument_version=instrument.version,
                    snapshot=item["snapshot"],
                    assessed_at=parsed.assessed_at,
                    score=result.score,
                    computed_level=result.computed_level,
                    level=result.level,
                    compromission=result.compromission,
                    overridden=parsed.override is not None,
                    complete=result.complete,
                    reassess_by=result.reassess_by,
                    answers_ct=tx.seal_json(
                        item["answers"],
                        assessments.c.answers_ct,
                        assessment_id,
                        scope=keyring.of_case(case_id),
                    ),
                    result_ct=tx.seal_json(
                        stored, assessments.c.result_ct, assessment_id, scope=keyring.of_case(case_id)
                    ),
                    confirmed_by=tx.actor.user_id,
                    confirmed_at=_time(item.get("confirmed_at"), f"{at}.confirmed_at"),
                )
            )
            added += 1
        closure = item.get("closure")
        if isinstance(closure, Mapping) and not _exists(
            tx, assessment_closures, assessment_id, assessment_closures.c.assessment_id
        ):
            reason = _origin_note(
                origin, closure.get("by"), _text(closure.get("reason"), f"{at}.closure.reason"), lang
            )
            tx.connection.execute(
                insert(assessment_closures).values(
                    assessment_id=assessment_id,
                    closed_by=tx.actor.user_id,
                    closed_at=_time(closure.get("at"), f"{at}.closure.at"),
                    reason_ct=tx.seal(
                        reason,
                        assessment_closures.c.reason_ct,
                        assessment_id,
                        scope=keyring.of_case(case_id),
                    ),
                )
            )
            closed += 1
    return added, closed


def _actions(tx: Tx, content: Mapping[str, Any], case_id: str, origin: str, name: str, lang: str) -> int:
    added = 0
    for index, item in enumerate(_list(content, "actions", name)):
        at = f"{name}: $.actions[{index}]"
        action_id = _text(item.get("id"), f"{at}.id")
        assert action_id is not None
        if _exists(tx, actions, action_id):
            continue
        status = item.get("status")
        if status not in ACTION_STATUSES:
            raise Refused(
                key="error.exchange.not_one_of",
                where=f"{at}.status",
                value=status,
                known=", ".join(ACTION_STATUSES),
            )
        assessment_id = item.get("assessment")
        if assessment_id is not None and not _exists(tx, assessments, str(assessment_id)):
            assessment_id = None
        label = item.get("label")
        created = _time(item.get("created_at"), f"{at}.created_at")
        tx.connection.execute(
            insert(actions).values(
                id=action_id,
                case_id=case_id,
                org_id=tx.actor.org_id,
                assessment_id=assessment_id,
                action=_text(item.get("action"), f"{at}.action"),
                sector=_text(item.get("sector"), f"{at}.sector"),
                label=json.dumps(label, ensure_ascii=False) if isinstance(label, Mapping) else None,
                mandatory=bool(item.get("mandatory")),
                due=_time(item.get("due"), f"{at}.due", optional=True),
                status=status,
                proposed_by=str(item.get("proposed_by") or origin),
                created_at=created,
                updated_at=tx.now,
                updated_by=tx.actor.user_id,
                version=1,
            )
        )
        changes = item.get("history") or [{"at": item.get("created_at"), "status": status, "by": None}]
        for number, change in enumerate(changes):
            change_id = new_id()
            if not isinstance(change, Mapping) or change.get("status") not in ACTION_STATUSES:
                raise Refused(key="error.exchange.not_a_status", where=f"{at}.history[{number}].status")
            note = _origin_note(origin, change.get("by"), change.get("note"), lang)
            tx.connection.execute(
                insert(action_history).values(
                    id=change_id,
                    action_id=action_id,
                    at=_time(change.get("at"), f"{at}.history[{number}].at"),
                    by=tx.actor.user_id,
                    status=change["status"],
                    note_ct=tx.seal(
                        note, action_history.c.note_ct, change_id, scope=keyring.of_case(case_id)
                    ),
                )
            )
        added += 1
    return added


def _events(tx: Tx, content: Mapping[str, Any], case_id: str, origin: str, name: str, lang: str) -> int:
    added = 0
    for index, item in enumerate(_list(content, "events", name)):
        at = f"{name}: $.events[{index}]"
        event_id = _text(item.get("id"), f"{at}.id")
        assert event_id is not None
        if _exists(tx, case_events, event_id):
            continue
        if item.get("kind") not in EVENT_KINDS:
            raise Refused(
                key="error.exchange.not_one_of",
                where=f"{at}.kind",
                value=item.get("kind"),
                known=", ".join(EVENT_KINDS),
            )
        note = _origin_note(origin, item.get("recorded_by"), item.get("note"), lang)
        tx.connection.execute(
            insert(case_events).values(
                id=event_id,
                case_id=case_id,
                org_id=tx.actor.org_id,
                kind=item["kind"],
                occurred_at=_time(item.get("occurred_at"), f"{at}.occurred_at"),
                recorded_at=_time(item.get("recorded_at"), f"{at}.recorded_at"),
                recorded_by=tx.actor.user_id,
                note_ct=tx.seal(note, case_events.c.note_ct, event_id, scope=keyring.of_case(case_id)),
            )
        )
        added += 1
    return added


def _protagonists(tx: Tx, content: Mapping[str, Any], case_id: str, name: str) -> int:
    added = 0
    for index, item in enumerate(_list(content, "protagonists", name)):
        at = f"{name}: $.protagonists[{index}]"
        protagonist_id = _text(item.get("id"), f"{at}.id")
        assert protagonist_id is not None
        if _exists(tx, protagonists, protagonist_id):
            continue
        role = item.get("role")
        if role not in PROTAGONISTS:
            raise Refused(
                key="error.exchange.not_one_of", where=f"{at}.role", value=role, known=", ".join(PROTAGONISTS)
            )
        person_name = item.get("name")
        contact = item.get("contact")
        tx.connection.execute(
            insert(protagonists).values(
                id=protagonist_id,
                case_id=case_id,
                org_id=tx.actor.org_id,
                role=role,
                name_ct=tx.seal(
                    person_name, protagonists.c.name_ct, protagonist_id, scope=keyring.of_case(case_id)
                )
                if isinstance(person_name, str)
                else None,
                contact_ct=tx.seal(
                    json.dumps(contact, ensure_ascii=False),
                    protagonists.c.contact_ct,
                    protagonist_id,
                    scope=keyring.of_case(case_id),
                )
                if isinstance(contact, Mapping)
                else None,
                safe_to_call=item.get("safe_to_call") if isinstance(item.get("safe_to_call"), bool) else None,
                partner_knows=item.get("partner_knows")
                if isinstance(item.get("partner_knows"), bool)
                else None,
                created_at=tx.now,
                created_by=tx.actor.user_id,
                version=1,
            )
        )
        added += 1
    return added
