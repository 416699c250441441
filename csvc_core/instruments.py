"""Reading instrument files (TOML) and checking them: every problem at once, with file and ``$.path``."""

from __future__ import annotations

import itertools
import json
import re
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import attrs
import cattrs

from csvc_core.converter import converter
from csvc_core.durations import is_duration
from csvc_core.errors import InstrumentInvalid, json_path
from csvc_core.inputfiles import INSTRUMENT_MAX_BYTES
from csvc_core.model import (
    CRITICAL_FLAG,
    ITEM_TYPES,
    PROTAGONISTS,
    YES_NO_VALUES,
    ActionRule,
    FlagRule,
    Group,
    Instrument,
    Item,
    Level,
    Rule,
)
from csvc_core.rules import ScoringRule
from csvc_core.translations import text_problems

FLAG_CONDITIONS = (
    "unknown_in_group",
    "all_unknown",
    "critical_yes",
    "yes_in_group",
    "score_at_least",
    "context_at_least",
    "context_within_days",
    "override_up",
    "any_yes",
)
#: level ids that would claim there is no risk: never allowed (a lowest level keeps uncertainty visible).
NO_RISK_IDS = frozenset({"none", "no_risk", "nil", "safe", "aucun", "aucun_risque"})

#: the instrument's lists, structured element by element so that one bad element hides no other problem.
LISTS: dict[str, type] = {
    "items": Item,
    "levels": Level,
    "groups": Group,
    "flags": FlagRule,
    "actions": ActionRule,
}
UNKNOWN_KEYS = "unknown key(s): "
#: stand-ins for the parts structured apart, and for broken required keys (their problem is reported).
EMPTY_PARTS: dict[str, Any] = {"items": [], "levels": [], "rule": {"kind": ""}}
PLACEHOLDERS: dict[str, Any] = {"id": "?", "version": "?", "title": {"fr": "?", "en": "?"}, "sectors": ["?"]}


def _format_exception(exc: BaseException, type_: type | None) -> str:
    if isinstance(exc, cattrs.ForbiddenExtraKeysError):
        return UNKNOWN_KEYS + json.dumps(sorted(exc.extra_fields))
    if isinstance(exc, KeyError):
        return "required key missing"
    if isinstance(exc, ValueError) and str(exc) and "literal" not in str(exc):
        return str(exc)
    if get_origin(type_) is Literal:
        return f"expected one of {', '.join(repr(arg) for arg in get_args(type_))}"
    if isinstance(exc, AttributeError | TypeError) and attrs.has(type_ or object):
        return "expected a table"
    if isinstance(exc, TypeError) and type_ is not None:
        return f"expected {getattr(type_, '__name__', type_)}"
    return cattrs.v.format_exception(exc, type_)


def structure_errors(exc: Exception, root: str = "$") -> list[str]:
    """cattrs errors as ``$.path: reason`` lines (``root`` replaces ``$``), one line per unknown key."""
    lines = []
    for line in cattrs.transform_error(exc, format_exception=_format_exception):
        reason, _, path = line.rpartition(" @ ")
        path = root + path[1:]
        if reason.startswith(UNKNOWN_KEYS):
            keys = json.loads(reason[len(UNKNOWN_KEYS) :])
            lines += [f"{json_path(path, key)}: unknown key" for key in keys]
        else:
            lines.append(f"{path}: {reason}")
    return lines


def read_instrument(path: Path, raw: bytes | None = None) -> dict[str, Any]:
    """The raw TOML table of an instrument file (of ``raw``, its bytes if already read); a syntax error is
    reported with the file."""
    try:
        if raw is None:
            with path.open("rb") as handle:
                raw = handle.read(INSTRUMENT_MAX_BYTES + 1)
        if len(raw) > INSTRUMENT_MAX_BYTES:
            raise InstrumentInvalid([f"{path}: larger than {INSTRUMENT_MAX_BYTES} bytes; not read"])
        return tomllib.loads(raw.decode())
    except OSError as exc:
        raise InstrumentInvalid([f"{path}: cannot read: {exc.strerror}"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise InstrumentInvalid([f"{path}: not valid TOML: {exc}"]) from None
    except RecursionError:
        raise InstrumentInvalid([f"{path}: not valid TOML: nested too deeply"]) from None
    except UnicodeDecodeError:
        raise InstrumentInvalid([f"{path}: not UTF-8 text"]) from None


@attrs.frozen
class Layout:
    """Where the structured elements came from, so that semantic problems name the file's own ``$.path``.

    ``positions[name][n]`` is the index in the file of the n-th kept element of list ``name``;
    ``ids`` holds every item id written in the file, kept or not (a follow-up of a broken item is not
    reported as pointing nowhere) and ``kept`` those structured; ``rule_ok`` is false when ``$.rule``
    itself could not be read.
    """

    positions: dict[str, list[int]] = attrs.field(factory=dict)
    ids: frozenset[str] = frozenset()
    rule_ok: bool = True
    kept: frozenset[str] = frozenset()

    def at(self, name: str, index: int) -> str:
        positions = self.positions.get(name)
        return f"$.{name}[{positions[index] if positions is not None else index}]"


def _structure(data: Any, type_: type, root: str, problems: list[str]) -> Any:
    try:
        return converter.structure(data, type_)
    except Exception as exc:  # cattrs groups every structuring error of this part
        problems.extend(structure_errors(exc, root))
        return None


def structure_instrument(data: Mapping[str, Any], origin: str) -> tuple[Instrument | None, Layout, list[str]]:
    """Structure what can be, element by element; every structural problem as ``$.path: reason``."""
    problems: list[str] = []
    kept: dict[str, list[Any]] = {}
    positions: dict[str, list[int]] = {}
    ids: set[str] = set()
    for name, type_ in LISTS.items():
        raw = data.get(name, [])
        kept[name], positions[name] = [], []
        if not isinstance(raw, list):
            problems.append(f"$.{name}: expected a list (an array of tables), got {raw!r}")
            continue
        for index, element in enumerate(raw):
            if name == "items" and isinstance(element, Mapping) and isinstance(element.get("id"), str):
                ids.add(element["id"])
            built = _structure(element, type_, f"$.{name}[{index}]", problems)
            if built is not None:
                kept[name].append(built)
                positions[name].append(index)
    problems += [
        f"$.{name}: required key missing" for name in ("items", "levels", "rule") if name not in data
    ]
    rule = _structure(data["rule"], Rule, "$.rule", problems) if "rule" in data else None
    rest = {key: value for key, value in data.items() if key not in LISTS and key not in ("rule", "origin")}
    if "origin" in data:  # set by the loader, never by the file
        problems.append("$.origin: unknown key")
    top_problems: list[str] = []
    top = _structure({**rest, **EMPTY_PARTS, "origin": origin}, Instrument, "$", top_problems)
    if top is None:
        # leave out the broken keys (placeholders for the required ones) to go on with the other checks
        broken = {re.split(r"[.\[:]", problem[2:], maxsplit=1)[0] for problem in top_problems}
        rest = {key: value for key, value in rest.items() if key not in broken}
        rest.update({key: value for key, value in PLACEHOLDERS.items() if key in broken})
        top = _structure({**rest, **EMPTY_PARTS, "origin": origin}, Instrument, "$", [])
    problems += top_problems
    kept_ids = frozenset(item.id for item in kept["items"])
    layout = Layout(positions=positions, ids=frozenset(ids), rule_ok=rule is not None, kept=kept_ids)
    if top is None:
        return None, layout, problems
    instrument = attrs.evolve(
        top, rule=rule if rule is not None else top.rule, **{name: tuple(kept[name]) for name in LISTS}
    )
    return instrument, layout, problems


def parse_instrument(
    data: Mapping[str, Any],
    origin: str,
    factors: Iterable[str],
    rules: Mapping[str, ScoringRule],
    file_id: str | None = None,
) -> Instrument:
    """Build and check an instrument from its table; :class:`InstrumentInvalid` lists every problem.

    ``file_id`` is the name of the file it comes from (without ``.toml``): the instrument's id must match it,
    so that ``<id>.toml`` is found without reading the others.
    """
    if not isinstance(data, Mapping):
        raise InstrumentInvalid([f"{origin}: $: expected a table"])
    instrument, layout, problems = structure_instrument(data, origin)
    named = data.get("id")
    if file_id is not None and isinstance(named, str) and named != file_id:
        problems.append(f"$.id: {named!r} differs from the file name: name the file {named}.toml")
    if instrument is not None:
        problems += check_instrument(instrument, frozenset(factors), rules, layout)
    if problems:
        raise InstrumentInvalid([f"{origin}: {problem}" for problem in problems])
    assert instrument is not None  # no problem means every part was structured
    return instrument


def load_instrument(
    path: Path, factors: Iterable[str], rules: Mapping[str, ScoringRule], raw: bytes | None = None
) -> Instrument:
    """Read and check an instrument file (``raw``: its bytes if already read)."""
    return parse_instrument(read_instrument(path, raw), str(path), factors, rules, path.stem)


def _duplicates(layout: Layout, name: str, ids: list[str]) -> list[str]:
    first: dict[str, int] = {}
    problems = []
    for index, row_id in enumerate(ids):
        if row_id in first:
            problems.append(
                f"{layout.at(name, index)}.id: duplicate id {row_id!r} (see {layout.at(name, first[row_id])})"
            )
        else:
            first[row_id] = index
    return problems


def check_instrument(
    instrument: Instrument,
    factors: frozenset[str],
    rules: Mapping[str, ScoringRule],
    layout: Layout | None = None,
) -> list[str]:
    """Semantic checks, all of them: ids, vocabulary, types, ``show_if``, levels, rule, flags and actions."""
    if layout is None:
        ids = frozenset(item.id for item in instrument.items)
        layout = Layout(ids=ids, kept=ids)
    problems: list[str] = []
    problems += text_problems("$.title", instrument.title)
    problems += text_problems("$.source", instrument.source)
    problems += text_problems("$.description", instrument.description)
    if not instrument.id.strip():
        problems.append("$.id: empty id")
    if not instrument.version.strip():
        problems.append("$.version: empty version")
    if not instrument.sectors:
        problems.append("$.sectors: an instrument serves at least one sector")
    problems += [
        f"$.protagonists[{index}]: unknown protagonist {name!r} (one of {', '.join(PROTAGONISTS)})"
        for index, name in enumerate(instrument.protagonists)
        if name not in PROTAGONISTS
    ]
    problems += _duplicates(layout, "items", [item.id for item in instrument.items])
    problems += _duplicates(layout, "levels", [level.id for level in instrument.levels])
    problems += _duplicates(layout, "groups", [group.id for group in instrument.groups])
    problems += _duplicates(layout, "flags", [flag.id for flag in instrument.flags])
    for index, group in enumerate(instrument.groups):
        problems += text_problems(f"{layout.at('groups', index)}.label", group.label)
    problems += _item_problems(instrument, factors, layout)
    problems += _level_problems(instrument, layout)
    if layout.rule_ok:
        rule = rules.get(instrument.rule.kind)
        if rule is None:
            problems.append(
                f"$.rule.kind: unknown scoring rule {instrument.rule.kind!r} "
                f"(one of {', '.join(sorted(rules))})"
            )
        else:
            problems += rule.validate(instrument)
            problems += _reachability(instrument)
        for index, rule_item in enumerate(instrument.rule.items):
            if rule_item not in layout.ids:
                problems.append(f"$.rule.items[{index}]: unknown item {rule_item!r}")
    problems += _flag_problems(instrument, layout)
    problems += _action_problems(instrument, layout)
    return problems


def _item_problems(instrument: Instrument, factors: frozenset[str], layout: Layout) -> list[str]:
    problems: list[str] = []
    declared_groups = {group.id for group in instrument.groups}
    before: dict[str, Item] = {}
    for index, item in enumerate(instrument.items):
        at = layout.at("items", index)
        problems += text_problems(f"{at}.label", item.label)
        problems += text_problems(f"{at}.help", item.help)
        if not item.id.strip():
            problems.append(f"{at}.id: empty id")
        if item.factor not in factors:
            problems.append(f"{at}.factor: unknown factor code {item.factor!r} (item {item.id!r})")
        if item.type not in ITEM_TYPES:
            problems.append(f"{at}.type: unknown item type {item.type!r} (one of {', '.join(ITEM_TYPES)})")
        if item.type == "ordinal" and (item.min is None or item.max is None or item.min >= item.max):
            problems.append(f"{at}: ordinal item {item.id!r} needs min < max")
        if item.type == "count" and (
            (item.min is not None and item.min < 0) or (item.max is not None and item.max < (item.min or 0))
        ):
            problems.append(f"{at}: count item {item.id!r} counts from 0 or more up to max >= min")
        if item.type not in ("ordinal", "count") and (item.min is not None or item.max is not None):
            problems.append(f"{at}: min and max belong to ordinal and count items, not {item.type!r}")
        if item.type == "multi_choice":
            if not item.choices:
                problems.append(f"{at}.choices: multi-choice item {item.id!r} needs choices")
            seen: set[str] = set()
            for number, choice in enumerate(item.choices):
                problems += text_problems(f"{at}.choices[{number}].label", choice.label)
                if choice.id in seen:
                    problems.append(f"{at}.choices[{number}].id: duplicate choice {choice.id!r}")
                seen.add(choice.id)
        elif item.choices:
            problems.append(f"{at}.choices: only multi-choice items have choices")
        if item.critical and item.type != "yes_no":
            problems.append(f"{at}.critical: only a yes/no item can be critical (a yes raises the flag)")
        if item.weight < 1:
            problems.append(f"{at}.weight: {item.weight} must be 1 or more (a yes never lowers a score)")
        if declared_groups and item.group is not None and item.group not in declared_groups:
            problems.append(f"{at}.group: unknown group {item.group!r} (item {item.id!r})")
        if item.show_if is not None:
            problems += _show_if_problems(f"{at}.show_if", item, before, layout)
        before[item.id] = item
    return problems


def _show_if_problems(at: str, item: Item, before: Mapping[str, Item], layout: Layout) -> list[str]:
    show_if = item.show_if
    assert show_if is not None
    if show_if.equals is not None and show_if.any_of:
        return [f"{at}: give equals or any_of, not both"]
    if not show_if.wanted():
        return [f"{at}: give the answer that shows {item.id!r} (equals or any_of)"]
    target = before.get(show_if.item)
    if target is None:
        if show_if.item in layout.ids and show_if.item not in layout.kept:
            return []  # the target item is broken: its own problem is reported
        return [f"{at}.item: {show_if.item!r} is not an item before {item.id!r}"]
    problems = []
    for value in show_if.wanted():
        if target.type == "yes_no" and value not in YES_NO_VALUES:
            problems.append(f"{at}: {value!r} is not yes, no or unknown (item {target.id!r})")
        elif target.type in ("ordinal", "count") and (
            not isinstance(value, int)
            or (target.min is not None and value < target.min)
            or (target.max is not None and value > target.max)
        ):
            problems.append(f"{at}: {value!r} is not a possible answer of {target.id!r}")
        elif target.type == "multi_choice" and value not in {choice.id for choice in target.choices}:
            problems.append(f"{at}: {value!r} is not a choice of {target.id!r}")
        elif target.type in ("text", "date"):
            problems.append(f"{at}.item: a follow-up cannot depend on a {target.type} item ({target.id!r})")
    return problems


def _level_problems(instrument: Instrument, layout: Layout) -> list[str]:
    problems: list[str] = []
    ranks = sorted(level.rank for level in instrument.levels)
    if not instrument.levels:
        problems.append("$.levels: an instrument needs levels")
    elif ranks != list(range(1, len(ranks) + 1)):
        problems.append(f"$.levels: ranks must be 1..{len(ranks)} without gaps or repeats, got {ranks}")
    for index, level in enumerate(instrument.levels):
        at = layout.at("levels", index)
        problems += text_problems(f"{at}.label", level.label)
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


def _flag_problems(instrument: Instrument, layout: Layout) -> list[str]:
    problems = []
    groups = {item.group for item in instrument.items if item.group}
    for index, flag in enumerate(instrument.flags):
        at = layout.at("flags", index)
        problems += text_problems(f"{at}.label", flag.label)
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
        if flag.when == "any_yes":
            if not flag.items:
                problems.append(f"{at}.items: condition 'any_yes' needs the items it reads")
            yes_no = {item.id for item in instrument.items if item.type == "yes_no"}
            problems += [
                f"{at}.items: {name!r} is not a yes/no item of the instrument"
                for name in flag.items
                if name not in yes_no
            ]
    return problems


def _action_problems(instrument: Instrument, layout: Layout) -> list[str]:
    problems = []
    levels = {level.id for level in instrument.levels}
    flags = {flag.id for flag in instrument.flags} | {CRITICAL_FLAG}
    problems += _duplicates(
        layout, "actions", [f"{action.id}@{action.sector}" for action in instrument.actions]
    )
    for index, action in enumerate(instrument.actions):
        at = layout.at("actions", index)
        if not action.sector.strip():
            problems.append(f"{at}.sector: empty sector")
        problems += text_problems(f"{at}.label", action.label)
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
