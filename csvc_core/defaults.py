"""The core's own plugin: shared instruments, built-in scoring rules, declared flags and actions,
re-assessment.

Registered first under the name ``csvc_core``; its ``firstresult`` answers come last (``trylast``) so that a
sector plugin can take over scoring or the re-assessment plan of its own instruments.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from pathlib import Path

from csvc_core.markers import hookimpl
from csvc_core.model import (
    CRITICAL_FLAG,
    UNKNOWN,
    YES,
    Action,
    Flag,
    FlagRule,
    Instrument,
    Result,
    Text,
    add_duration,
)
from csvc_core.rules import BUILTIN_RULES, ScoringRule, applies
from csvc_core.sectors import PARTNERSHIP, Sector


@hookimpl
def csvc_sectors() -> list[Sector]:
    return [
        Sector(
            id=PARTNERSHIP,
            name=Text(
                fr="Partenariat CSVC (concertation intersectorielle)",
                en="CSVC partnership (intersectoral concertation)",
            ),
            mandate=Text(
                fr="Concerter les partenaires et suivre les actions intersectorielles pour la sécurité "
                "des personnes.",
                en="Bring partners together and follow intersectoral actions for people's safety.",
            ),
        )
    ]


@hookimpl
def csvc_instrument_sources() -> list[Path]:
    from csvc_instruments import instruments_dir

    return [instruments_dir()]


@hookimpl
def csvc_scoring_rules() -> Sequence[ScoringRule]:
    return BUILTIN_RULES


def _unanswered(instrument: Instrument, answers: dict, group: str | None = None) -> tuple[str, ...]:
    return tuple(
        item.id
        for item in instrument.items
        if item.type == "yes_no"
        and (group is None or item.group == group)
        and answers.get(item.id, UNKNOWN) == UNKNOWN
        and applies(item, answers)
    )


def _raised(rule: FlagRule, result: Result) -> tuple[bool, tuple[str, ...]]:
    """Whether a declared flag is raised, and the items behind it."""
    instrument, assessment = result.instrument, result.input
    answers = assessment.answers
    when = rule.when
    if when == "unknown_in_group":
        items = _unanswered(instrument, answers, rule.group)
        return bool(items), items
    if when == "all_unknown":
        asked = [item for item in instrument.items if item.type != "text" and applies(item, answers)]
        return all(answers.get(item.id, UNKNOWN) == UNKNOWN for item in asked), ()
    if when == "any_yes":
        items = tuple(name for name in rule.items if answers.get(name) == YES)
        return bool(items), items
    if when in ("critical_yes", "yes_in_group"):
        items = tuple(
            item.id
            for item in instrument.items
            if answers.get(item.id) == YES
            and (item.critical if when == "critical_yes" else item.group == rule.group)
            and applies(item, answers)
        )
        return bool(items), items
    if when == "score_at_least":
        return result.score is not None and rule.threshold is not None and result.score >= rule.threshold, ()
    value = assessment.context.get(rule.key or "")
    if when == "context_at_least":
        return isinstance(value, int) and rule.threshold is not None and value >= rule.threshold, ()
    if when == "context_within_days":
        if not isinstance(value, datetime) or rule.threshold is None:
            return False, ()
        elapsed = assessment.assessed_at - value
        return 0 <= elapsed.total_seconds() <= rule.threshold * 86400, ()
    if when == "override_up":
        override = assessment.override
        computed = instrument.level(result.computed_level) if result.computed_level else None
        chosen = instrument.level(override.level) if override else None
        return computed is not None and chosen is not None and chosen.rank > computed.rank, ()
    return False, ()


@hookimpl
def csvc_flags(result: Result, history: Sequence[Result]) -> list[Flag]:
    """The instrument's declared flags, and ``critical_item`` whenever a critical item is answered yes
    (whatever the total), unless the instrument declares its own ``critical_yes`` flag."""
    flags = []
    for rule in result.instrument.flags:
        raised, items = _raised(rule, result)
        if raised:
            flags.append(Flag(id=rule.id, items=items, label=rule.label))
    if not any(rule.when == "critical_yes" for rule in result.instrument.flags):
        answers = result.input.answers
        critical = tuple(
            item.id
            for item in result.instrument.items
            if item.critical and answers.get(item.id) == YES and applies(item, answers)
        )
        if critical:
            flags.append(Flag(id=CRITICAL_FLAG, items=critical, label=_critical_label()))
    return flags


@cache
def _critical_label() -> Text:
    from csvc_core.i18n import t

    return Text(fr=t("flag.critical_item", "fr"), en=t("flag.critical_item", "en"))


@hookimpl
def csvc_recommend_actions(result: Result, sector: str | None) -> list[Action]:
    raised = {flag.id for flag in result.flags}
    return [
        Action(
            id=rule.id,
            sector=rule.sector,
            due=add_duration(result.assessed_at, rule.due_after),
            mandatory=rule.mandatory,
            label=rule.label,
        )
        for rule in result.instrument.actions
        if result.level in rule.levels or raised.intersection(rule.flags)
    ]


@hookimpl(trylast=True)
def csvc_reassessment_plan(result: Result) -> datetime | None:
    level = result.instrument.level(result.level) if result.level else None
    return add_duration(result.assessed_at, level.reassess_after) if level else None
