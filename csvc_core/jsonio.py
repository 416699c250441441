"""JSON in and out: the answers file of contract §1 checked against an instrument, and the result object."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from csvc_core.errors import BadInput, json_path
from csvc_core.model import (
    PROTAGONISTS,
    YES_NO_VALUES,
    AnswerValue,
    AssessmentInput,
    Instrument,
    Item,
    Override,
    Result,
)

INPUT_KEYS = ("assessed_at", "protagonist", "answers", "override", "context", "notes", "instrument")
#: context keys that the core's flag conditions read, with the type they need.
DATETIME_CONDITIONS = ("context_within_days",)
INTEGER_CONDITIONS = ("context_at_least",)


def now_local() -> datetime:
    """Now, to the second, with the local offset."""
    return datetime.now().astimezone().replace(microsecond=0)


def parse_datetime(value: Any, where: str) -> datetime:
    """An ISO 8601 datetime with an offset, or :class:`BadInput` naming ``where``."""
    if not isinstance(value, str):
        raise BadInput(f"{where}: expected an ISO 8601 date and time with offset, got {value!r}")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise BadInput(f"{where}: not an ISO 8601 date and time: {value!r}") from None
    if parsed.tzinfo is None:
        raise BadInput(f"{where}: {value!r} has no UTC offset (write e.g. 2026-03-01T10:00:00-05:00)")
    return parsed


def _parse_answer(item: Item, value: Any, where: str) -> AnswerValue | None:
    if value is None:
        return None
    if item.type == "yes_no":
        if value not in YES_NO_VALUES:
            raise BadInput(f'{where}: expected "yes", "no" or "unknown", got {value!r}')
        return str(value)
    if item.type in ("ordinal", "count"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise BadInput(f"{where}: expected an integer, got {value!r}")
        low = item.min if item.min is not None else (0 if item.type == "count" else None)
        if (low is not None and value < low) or (item.max is not None and value > item.max):
            bounds = f"{low if low is not None else '…'} to {item.max if item.max is not None else '…'}"
            raise BadInput(f"{where}: {value} is out of range ({bounds})")
        return value
    if item.type == "multi_choice":
        choices = {choice.id for choice in item.choices}
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise BadInput(f"{where}: expected a list of choices, got {value!r}")
        unknown = [v for v in value if v not in choices]
        if unknown:
            raise BadInput(f"{where}: unknown choice {unknown[0]!r} (one of {', '.join(sorted(choices))})")
        return tuple(value)
    if item.type == "date":
        try:
            return date.fromisoformat(value).isoformat()
        except (TypeError, ValueError):
            raise BadInput(f"{where}: expected an ISO 8601 date (YYYY-MM-DD), got {value!r}") from None
    if not isinstance(value, str):
        raise BadInput(f"{where}: expected text, got {value!r}")
    return value


def parse_assessment(
    payload: Any, instrument: Instrument, source: str = "answers", default_time: datetime | None = None
) -> AssessmentInput:
    """Check an answers object (contract §1) against ``instrument``; errors name file, field and value."""
    if not isinstance(payload, Mapping):
        raise BadInput(f"{source}: expected a JSON object, got {type(payload).__name__}")
    extra = sorted(set(payload) - set(INPUT_KEYS))
    if extra:
        raise BadInput(f"{source}: unknown field {extra[0]!r} (fields: {', '.join(INPUT_KEYS[:-1])})")
    named = payload.get("instrument")
    if named is not None and named != instrument.id:
        raise BadInput(
            f"{source}: $.instrument: {named!r} differs from the instrument asked for, {instrument.id!r}"
        )
    assessed_at = (
        parse_datetime(payload["assessed_at"], f"{source}: $.assessed_at")
        if payload.get("assessed_at") is not None
        else (default_time or now_local())
    )
    protagonist = payload.get("protagonist")
    protagonist = "victim" if protagonist is None else protagonist
    if protagonist not in PROTAGONISTS:
        raise BadInput(
            f"{source}: $.protagonist: unknown protagonist {protagonist!r} (one of {', '.join(PROTAGONISTS)})"
        )
    if protagonist not in instrument.protagonists:
        raise BadInput(
            f"{source}: $.protagonist: {instrument.id} assesses {', '.join(instrument.protagonists)}, "
            f"not {protagonist!r}"
        )
    raw_answers = payload.get("answers")
    raw_answers = {} if raw_answers is None else raw_answers
    if not isinstance(raw_answers, Mapping):
        raise BadInput(f"{source}: $.answers: expected an object of item ids, got {raw_answers!r}")
    answers: dict[str, AnswerValue] = {}
    for item_id, value in raw_answers.items():
        item = instrument.item(item_id)
        if item is None:
            where = json_path("$.answers", item_id)
            raise BadInput(f"{source}: {where}: unknown item {item_id!r} of {instrument.id}")
        parsed = _parse_answer(item, value, f"{source}: {json_path('$.answers', item_id)}")
        if parsed is not None:
            answers[item_id] = parsed
    return AssessmentInput(
        instrument_id=instrument.id,
        assessed_at=assessed_at,
        answers=answers,
        protagonist=protagonist,
        override=_parse_override(payload.get("override"), instrument, source),
        context=_parse_context(payload.get("context"), instrument, source),
        notes=_parse_notes(payload.get("notes"), instrument, source),
    )


def _parse_override(raw: Any, instrument: Instrument, source: str) -> Override | None:
    if raw is None:
        return None
    where = f"{source}: $.override"
    if not isinstance(raw, Mapping):
        raise BadInput(f"{where}: expected an object with level, reason and by, got {raw!r}")
    extra = sorted(set(raw) - {"level", "reason", "by"})
    if extra:
        raise BadInput(f"{where}: unknown field {extra[0]!r} (fields: level, reason, by)")
    level = raw.get("level")
    if instrument.level(level) is None if isinstance(level, str) else True:
        known = ", ".join(lv.id for lv in instrument.levels)
        raise BadInput(f"{where}.level: unknown level {level!r} of {instrument.id} (one of {known})")
    reason = raw.get("reason")
    if reason is not None and not isinstance(reason, str):
        raise BadInput(f"{where}.reason: expected text, got {reason!r}")
    if instrument.override.reason_required and not (reason or "").strip():
        raise BadInput(f"{where}.reason: an override needs a reason (level {level!r})")
    by = raw.get("by")
    if by is not None and not isinstance(by, str):
        raise BadInput(f"{where}.by: expected a name or user id, got {by!r}")
    return Override(level=str(level), reason=(reason or "").strip(), by=by)


def _parse_context(raw: Any, instrument: Instrument, source: str) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise BadInput(f"{source}: $.context: expected an object, got {raw!r}")
    context = dict(raw)
    for flag in instrument.flags:
        if flag.key is None or context.get(flag.key) is None:
            continue
        where = f"{source}: $.context.{flag.key}"
        value = context[flag.key]
        if flag.when in DATETIME_CONDITIONS:
            context[flag.key] = parse_datetime(value, where)
        elif flag.when in INTEGER_CONDITIONS and (
            isinstance(value, bool) or not isinstance(value, int) or value < 0
        ):
            raise BadInput(f"{where}: expected a whole number 0 or more, got {value!r}")
    return context


def _parse_notes(raw: Any, instrument: Instrument, source: str) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise BadInput(f"{source}: $.notes: expected an object of item ids, got {raw!r}")
    for item_id, note in raw.items():
        where = f"{source}: {json_path('$.notes', item_id)}"
        if instrument.item(item_id) is None:
            raise BadInput(f"{where}: unknown item {item_id!r} of {instrument.id}")
        if not isinstance(note, str):
            raise BadInput(f"{where}: expected text, got {note!r}")
    return dict(raw)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def result_to_json(result: Result) -> dict[str, Any]:
    """The result object of contract §1 (with a few additive fields: protagonist, rule, labels, proposers)."""
    override = result.override
    return {
        "instrument": {"id": result.instrument.id, "version": result.instrument.version},
        "assessed_at": _iso(result.assessed_at),
        "protagonist": result.input.protagonist,
        "rule": result.rule,
        "score": result.score,
        "computed_level": result.computed_level,
        "level": result.level,
        "compromission": result.compromission,
        "complete": result.complete,
        "missing": list(result.missing),
        "factors": [
            {"item": f.item, "factor": f.factor, "contribution": f.contribution} for f in result.factors
        ],
        "flags": [
            {
                "id": flag.id,
                "items": list(flag.items),
                "label": {"fr": flag.label.fr, "en": flag.label.en} if flag.label else None,
                "proposed_by": flag.proposed_by,
            }
            for flag in result.flags
        ],
        "override": (
            {"level": override.level, "reason": override.reason, "by": override.by}
            if override is not None
            else None
        ),
        "actions": [
            {
                "id": action.id,
                "sector": action.sector,
                "due": _iso(action.due),
                "mandatory": action.mandatory,
                "label": {"fr": action.label.fr, "en": action.label.en} if action.label else None,
                "proposed_by": action.proposed_by,
            }
            for action in result.actions
        ],
        "reassess_by": _iso(result.reassess_by),
    }


def answers_to_json(assessment: AssessmentInput) -> dict[str, Any]:
    """An :class:`AssessmentInput` back as the answers object of contract §1 (what a store keeps)."""
    override = assessment.override
    return {
        "assessed_at": assessment.assessed_at.isoformat(),
        "protagonist": assessment.protagonist,
        "answers": {k: list(v) if isinstance(v, tuple) else v for k, v in assessment.answers.items()},
        "override": {"level": override.level, "reason": override.reason, "by": override.by}
        if override
        else None,
        "context": {
            k: v.isoformat() if isinstance(v, datetime) else v for k, v in assessment.context.items()
        },
        "notes": dict(assessment.notes),
    }
