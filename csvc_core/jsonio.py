"""JSON in and out: the answers object (docs/interface.md) checked against an instrument, and the
result object."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
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
#: how far ahead of this computer's clock a given time may be (another computer's clock running fast).
CLOCK_SKEW = timedelta(minutes=5)


def now_local() -> datetime:
    """Now, to the second, with the local offset."""
    return datetime.now().astimezone().replace(microsecond=0)


def parse_datetime(value: Any, where: str) -> datetime:
    """An ISO 8601 datetime with an offset, or :class:`BadInput` naming ``where``."""
    if not isinstance(value, str):
        raise BadInput(key="error.input.datetime_expected", where=where, value=value)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise BadInput(key="error.input.datetime_invalid", where=where, value=value) from None
    if parsed.tzinfo is None:
        raise BadInput(key="error.input.datetime_no_offset", where=where, value=value)
    return parsed


def refuse_future(moment: datetime, where: str, key: str) -> None:
    """:class:`BadInput` (``key``, naming ``where``) when ``moment`` is after now + :data:`CLOCK_SKEW`."""
    if moment > now_local() + CLOCK_SKEW:
        minutes = int(CLOCK_SKEW.total_seconds() // 60)
        raise BadInput(key=key, where=where, value=moment.isoformat(), minutes=minutes)


def _parse_answer(item: Item, value: Any, where: str) -> AnswerValue | None:
    if value is None:
        return None
    if item.type == "yes_no":
        if value not in YES_NO_VALUES:
            raise BadInput(key="error.input.yes_no_expected", where=where, value=value)
        return str(value)
    if item.type in ("ordinal", "count"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise BadInput(key="error.input.integer_expected", where=where, value=value)
        low = item.min if item.min is not None else (0 if item.type == "count" else None)
        if (low is not None and value < low) or (item.max is not None and value > item.max):
            low_shown, high_shown = ("…" if bound is None else bound for bound in (low, item.max))
            raise BadInput(
                key="error.input.out_of_range", where=where, value=value, low=low_shown, high=high_shown
            )
        return value
    if item.type == "multi_choice":
        choices = {choice.id for choice in item.choices}
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise BadInput(key="error.input.choices_expected", where=where, value=value)
        unknown = [v for v in value if v not in choices]
        if unknown:
            raise BadInput(
                key="error.input.unknown_choice",
                where=where,
                value=unknown[0],
                choices=", ".join(sorted(choices)),
            )
        return tuple(value)
    if item.type == "date":
        try:
            return date.fromisoformat(value).isoformat()
        except (TypeError, ValueError):
            raise BadInput(key="error.input.date_expected", where=where, value=value) from None
    if not isinstance(value, str):
        raise BadInput(key="error.input.text_expected", where=where, value=value)
    return value


def parse_assessment(
    payload: Any, instrument: Instrument, source: str = "answers", default_time: datetime | None = None
) -> AssessmentInput:
    """Check an answers object against ``instrument``; errors name file, field and value."""
    if not isinstance(payload, Mapping):
        raise BadInput(key="error.input.object_expected", where=source, got=type(payload).__name__)
    extra = sorted(set(payload) - set(INPUT_KEYS))
    if extra:
        raise BadInput(
            key="error.input.unknown_field", where=source, field=extra[0], fields=", ".join(INPUT_KEYS[:-1])
        )
    named = payload.get("instrument")
    if named is not None and named != instrument.id:
        raise BadInput(
            key="error.input.other_instrument", where=source, named=named, instrument=instrument.id
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
            key="error.input.unknown_protagonist",
            where=source,
            value=protagonist,
            roles=", ".join(PROTAGONISTS),
        )
    if protagonist not in instrument.protagonists:
        raise BadInput(
            key="error.input.protagonist_not_assessed",
            where=source,
            instrument=instrument.id,
            roles=", ".join(instrument.protagonists),
            value=protagonist,
        )
    raw_answers = payload.get("answers")
    raw_answers = {} if raw_answers is None else raw_answers
    if not isinstance(raw_answers, Mapping):
        raise BadInput(key="error.input.items_expected", where=f"{source}: $.answers", value=raw_answers)
    answers: dict[str, AnswerValue] = {}
    for item_id, value in raw_answers.items():
        item = instrument.item(item_id)
        if item is None:
            where = f"{source}: {json_path('$.answers', item_id)}"
            raise BadInput(
                key="error.input.unknown_item", where=where, item=item_id, instrument=instrument.id
            )
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
        raise BadInput(key="error.input.override_expected", where=where, value=raw)
    extra = sorted(set(raw) - {"level", "reason", "by"})
    if extra:
        raise BadInput(
            key="error.input.unknown_field", where=where, field=extra[0], fields="level, reason, by"
        )
    level = raw.get("level")
    if instrument.level(level) is None if isinstance(level, str) else True:
        known = ", ".join(lv.id for lv in instrument.levels)
        raise BadInput(
            key="error.input.unknown_level",
            where=f"{where}.level",
            level=level,
            instrument=instrument.id,
            levels=known,
        )
    reason = raw.get("reason")
    if reason is not None and not isinstance(reason, str):
        raise BadInput(key="error.input.text_expected", where=f"{where}.reason", value=reason)
    if instrument.override.reason_required and not (reason or "").strip():
        raise BadInput(key="error.input.override_reason", where=f"{where}.reason", level=level)
    by = raw.get("by")
    if by is not None and not isinstance(by, str):
        raise BadInput(key="error.input.by_expected", where=f"{where}.by", value=by)
    return Override(level=str(level), reason=(reason or "").strip(), by=by)


def _parse_context(raw: Any, instrument: Instrument, source: str) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise BadInput(key="error.input.context_expected", where=f"{source}: $.context", value=raw)
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
            raise BadInput(key="error.input.count_expected", where=where, value=value)
    return context


def _parse_notes(raw: Any, instrument: Instrument, source: str) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise BadInput(key="error.input.items_expected", where=f"{source}: $.notes", value=raw)
    for item_id, note in raw.items():
        where = f"{source}: {json_path('$.notes', item_id)}"
        if instrument.item(item_id) is None:
            raise BadInput(
                key="error.input.unknown_item", where=where, item=item_id, instrument=instrument.id
            )
        if not isinstance(note, str):
            raise BadInput(key="error.input.text_expected", where=where, value=note)
    return dict(raw)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def result_to_json(result: Result) -> dict[str, Any]:
    """The result object of docs/interface.md (with additive fields: protagonist, rule, labels, proposers)."""
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
    """An :class:`AssessmentInput` back as the answers object (what a store keeps)."""
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
