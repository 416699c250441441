"""Reading instrument files (TOML) and checking them: every problem at once, with file and ``$.path``."""

from __future__ import annotations

import itertools
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import cattrs

from csvc_core.converter import converter
from csvc_core.durations import is_duration
from csvc_core.errors import InstrumentInvalid
from csvc_core.model import ITEM_TYPES, PROTAGONISTS, YES_NO_VALUES, Instrument, Text
from csvc_core.rules import ScoringRule

FLAG_CONDITIONS = (
    "unknown_in_group",
    "all_unknown",
    "critical_yes",
    "yes_in_group",
    "score_at_least",
    "context_at_least",
    "context_within_days",
    "override_up",
)
#: level ids that would claim there is no risk: never allowed (a lowest level keeps uncertainty visible).
NO_RISK_IDS = frozenset({"none", "no_risk", "nil", "safe", "aucun", "aucun_risque"})


def _format_exception(exc: BaseException, type_: type | None) -> str:
    if isinstance(exc, cattrs.ForbiddenExtraKeysError):
        return f"unknown key(s): {', '.join(sorted(exc.extra_fields))}"
    if isinstance(exc, KeyError):
        return "required key missing"
    if isinstance(exc, ValueError) and str(exc):
        return str(exc)
    if isinstance(exc, TypeError) and type_ is not None:
        return f"expected {getattr(type_, '__name__', type_)}"
    return cattrs.v.format_exception(exc, type_)


def structure_errors(exc: Exception) -> list[str]:
    """cattrs errors as ``$.path: reason`` lines."""
    lines = []
    for line in cattrs.transform_error(exc, format_exception=_format_exception):
        reason, _, path = line.rpartition(" @ ")
        lines.append(f"{path}: {reason}")
    return lines


def read_instrument(path: Path) -> dict[str, Any]:
    """The raw TOML table of an instrument file; a syntax error is reported with the file."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise InstrumentInvalid([f"{path}: cannot read: {exc.strerror}"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise InstrumentInvalid([f"{path}: not valid TOML: {exc}"]) from None
    except UnicodeDecodeError:
        raise InstrumentInvalid([f"{path}: not UTF-8 text"]) from None


def parse_instrument(
    data: Mapping[str, Any],
    origin: str,
    factors: Iterable[str],
    rules: Mapping[str, ScoringRule],
) -> Instrument:
    """Build and check an instrument from its table; :class:`InstrumentInvalid` lists every problem."""
    if not isinstance(data, Mapping):
        raise InstrumentInvalid([f"{origin}: $: expected a table"])
    try:
        instrument = converter.structure({**data, "origin": origin}, Instrument)
    except Exception as exc:  # cattrs groups every structuring error
        raise InstrumentInvalid([f"{origin}: {line}" for line in structure_errors(exc)]) from None
    problems = check_instrument(instrument, frozenset(factors), rules)
    if problems:
        raise InstrumentInvalid([f"{origin}: {problem}" for problem in problems])
    return instrument


def load_instrument(path: Path, factors: Iterable[str], rules: Mapping[str, ScoringRule]) -> Instrument:
    return parse_instrument(read_instrument(path), str(path), factors, rules)


def _duplicates(path: str, ids: list[str]) -> list[str]:
    return [f"{path}: duplicate id {name!r}" for name, count in Counter(ids).items() if count > 1]


def _text_problems(path: str, text: Text | None) -> list[str]:
    if text is None:
        return []
    return [f"{path}.{lang}: empty wording" for lang in ("fr", "en") if not getattr(text, lang).strip()]


def check_instrument(
    instrument: Instrument, factors: frozenset[str], rules: Mapping[str, ScoringRule]
) -> list[str]:
    """Semantic checks, all of them: ids, vocabulary, types, ``show_if``, levels, rule, flags and actions."""
    problems: list[str] = []
    problems += _text_problems("$.title", instrument.title)
    if not instrument.id.strip():
        problems.append("$.id: empty id")
    if not instrument.sectors:
        problems.append("$.sectors: an instrument serves at least one sector")
    problems += [
        f"$.protagonists: unknown protagonist {name!r} (one of {', '.join(PROTAGONISTS)})"
        for name in instrument.protagonists
        if name not in PROTAGONISTS
    ]
    problems += _duplicates("$.items", [item.id for item in instrument.items])
    problems += _duplicates("$.levels", [level.id for level in instrument.levels])
    problems += _duplicates("$.groups", [group.id for group in instrument.groups])
    problems += _duplicates("$.flags", [flag.id for flag in instrument.flags])
    declared_groups = {group.id for group in instrument.groups}
    item_ids: dict[str, int] = {}
    for index, item in enumerate(instrument.items):
        at = f"$.items[{index}]"
        problems += _text_problems(f"{at}.label", item.label)
        problems += _text_problems(f"{at}.help", item.help)
        if item.factor not in factors:
            problems.append(f"{at}.factor: unknown factor code {item.factor!r} (item {item.id!r})")
        if item.type not in ITEM_TYPES:
            problems.append(f"{at}.type: unknown item type {item.type!r} (one of {', '.join(ITEM_TYPES)})")
        if item.type == "ordinal" and (item.min is None or item.max is None or item.min >= item.max):
            problems.append(f"{at}: ordinal item {item.id!r} needs min < max")
        if item.type == "multi_choice" and not item.choices:
            problems.append(f"{at}.choices: multi-choice item {item.id!r} needs choices")
        if declared_groups and item.group is not None and item.group not in declared_groups:
            problems.append(f"{at}.group: unknown group {item.group!r} (item {item.id!r})")
        if item.show_if is not None:
            target = item_ids.get(item.show_if.item)
            if target is None:
                problems.append(f"{at}.show_if.item: {item.show_if.item!r} is not an item before {item.id!r}")
            elif instrument.items[target].type == "yes_no":
                for value in (item.show_if.equals, *item.show_if.any_of):
                    if value is not None and value not in YES_NO_VALUES:
                        problems.append(f"{at}.show_if: {value!r} is not yes, no or unknown")
        item_ids[item.id] = index
    ranks = sorted(level.rank for level in instrument.levels)
    if not instrument.levels:
        problems.append("$.levels: an instrument needs levels")
    elif ranks != list(range(1, len(ranks) + 1)):
        problems.append(f"$.levels: ranks must be 1..{len(ranks)} without gaps or repeats, got {ranks}")
    for index, level in enumerate(instrument.levels):
        at = f"$.levels[{index}]"
        problems += _text_problems(f"{at}.label", level.label)
        if not 1 <= level.compromission <= 4:
            problems.append(f"{at}.compromission: {level.compromission} is outside the case scale 1-4")
        if level.reassess_after is not None and not is_duration(level.reassess_after):
            problems.append(f"{at}.reassess_after: {level.reassess_after!r} is not an ISO 8601 duration")
        if level.id.lower() in NO_RISK_IDS:
            problems.append(
                f"{at}.id: {level.id!r} would mean 'no risk'; the lowest level keeps uncertainty visible"
            )
    by_rank = sorted(instrument.levels, key=lambda level: level.rank)
    for lower, higher in itertools.pairwise(by_rank):
        if higher.compromission < lower.compromission:
            problems.append(
                f"$.levels: {higher.id!r} ranks above {lower.id!r} but maps to a lower compromission"
            )
    rule = rules.get(instrument.rule.kind)
    if rule is None:
        problems.append(
            f"$.rule.kind: unknown scoring rule {instrument.rule.kind!r} (one of {', '.join(sorted(rules))})"
        )
    else:
        problems += rule.validate(instrument)
        problems += _reachability(instrument)
    for index, rule_item in enumerate(instrument.rule.items):
        if rule_item not in item_ids:
            problems.append(f"$.rule.items[{index}]: unknown item {rule_item!r}")
    problems += _flag_problems(instrument)
    problems += _action_problems(instrument)
    return problems


def _reachability(instrument: Instrument) -> list[str]:
    rule = instrument.rule
    if rule.kind == "judgement":
        return []
    reachable = {tier.level for tier in rule.tiers} | {band.level for band in rule.bands}
    if rule.default_level:
        reachable.add(rule.default_level)
    if rule.kind not in ("tiered", "count", "sum"):
        return []
    return [
        f"$.levels: level {level.id!r} is never given by the rule"
        for level in instrument.levels
        if level.id not in reachable
    ]


def _flag_problems(instrument: Instrument) -> list[str]:
    problems = []
    groups = {item.group for item in instrument.items if item.group}
    for index, flag in enumerate(instrument.flags):
        at = f"$.flags[{index}]"
        problems += _text_problems(f"{at}.label", flag.label)
        if flag.when not in FLAG_CONDITIONS:
            problems.append(
                f"{at}.when: unknown condition {flag.when!r} (one of {', '.join(FLAG_CONDITIONS)})"
            )
        if flag.when in ("unknown_in_group", "yes_in_group") and flag.group not in groups:
            problems.append(f"{at}.group: no item is in group {flag.group!r}")
        if (
            flag.when in ("score_at_least", "context_at_least", "context_within_days")
            and flag.threshold is None
        ):
            problems.append(f"{at}.threshold: condition {flag.when!r} needs a threshold")
        if flag.when in ("context_at_least", "context_within_days") and not flag.key:
            problems.append(f"{at}.key: condition {flag.when!r} needs the context key it reads")
    return problems


def _action_problems(instrument: Instrument) -> list[str]:
    problems = []
    levels = {level.id for level in instrument.levels}
    flags = {flag.id for flag in instrument.flags}
    problems += _duplicates("$.actions", [f"{action.id}" for action in instrument.actions])
    for index, action in enumerate(instrument.actions):
        at = f"$.actions[{index}]"
        problems += _text_problems(f"{at}.label", action.label)
        problems += [f"{at}.levels: unknown level {name!r}" for name in action.levels if name not in levels]
        problems += [f"{at}.flags: unknown flag {name!r}" for name in action.flags if name not in flags]
        if not action.levels and not action.flags:
            problems.append(f"{at}: an action needs levels or flags that trigger it")
        if action.due_after is not None and not is_duration(action.due_after):
            problems.append(f"{at}.due_after: {action.due_after!r} is not an ISO 8601 duration")
    return problems


def instrument_to_json(instrument: Instrument) -> dict[str, Any]:
    """The instrument as ``csvc instruments show --json`` prints it."""
    data: dict[str, Any] = converter.unstructure(instrument)
    data.pop("origin", None)
    return data
