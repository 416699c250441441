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

from csvc_core.converter import WrongType, converter
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
from csvc_core.problems import Problem, within
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
REASON = "csvc-problem:"  # a cattrs reason carried as a catalogue key and its values (JSON)
#: stand-ins for the parts structured apart, and for broken required keys (their problem is reported).
EMPTY_PARTS: dict[str, Any] = {"items": [], "levels": [], "rule": {"kind": ""}}
PLACEHOLDERS: dict[str, Any] = {"id": "?", "version": "?", "title": {"fr": "?", "en": "?"}, "sectors": ["?"]}


def _reason(key: str, **values: object) -> str:
    return REASON + json.dumps({"key": key, "values": values})


def _format_exception(exc: BaseException, type_: type | None) -> str:
    if isinstance(exc, WrongType):
        return _reason(exc.key, value=exc.value)
    if isinstance(exc, cattrs.ForbiddenExtraKeysError):
        return _reason("author.unknown_key", keys=sorted(exc.extra_fields))
    if isinstance(exc, KeyError):
        return _reason("author.required")
    if isinstance(exc, ValueError) and str(exc) and "literal" not in str(exc):
        return _reason("author.unreadable", reason=str(exc))
    if get_origin(type_) is Literal:
        return _reason("author.one_of", known=", ".join(repr(arg) for arg in get_args(type_)))
    if isinstance(exc, AttributeError | TypeError) and attrs.has(type_ or object):
        return _reason("author.table_expected")
    if isinstance(exc, TypeError) and type_ is not None:
        return _reason("author.type_expected", type=getattr(type_, "__name__", str(type_)))
    return _reason("author.unreadable", reason=cattrs.v.format_exception(exc, type_))


def structure_errors(exc: Exception, root: str = "$") -> list[str]:
    """cattrs errors as ``$.path: reason`` problems (``root`` replaces ``$``), one per unknown key."""
    lines: list[str] = []
    for line in cattrs.transform_error(exc, format_exception=_format_exception):
        reason, _, path = line.rpartition(" @ ")
        path = root + path[1:]
        if not reason.startswith(REASON):  # cattrs' own words (an error it does not pass to us)
            lines.append(Problem(path, "author.unreadable", reason=reason))
            continue
        found = json.loads(reason[len(REASON) :])
        if found["key"] == "author.unknown_key":
            lines += [Problem(json_path(path, key), "author.unknown_key") for key in found["values"]["keys"]]
        else:
            lines.append(Problem(path, found["key"], **found["values"]))
    return lines


def read_instrument(path: Path, raw: bytes | None = None) -> dict[str, Any]:
    """The raw TOML table of an instrument file (of ``raw``, its bytes if already read); a syntax error is
    reported with the file."""
    try:
        if raw is None:
            with path.open("rb") as handle:
                raw = handle.read(INSTRUMENT_MAX_BYTES + 1)
        if len(raw) > INSTRUMENT_MAX_BYTES:
            raise InstrumentInvalid([Problem(str(path), "author.too_large", limit=INSTRUMENT_MAX_BYTES)])
        return tomllib.loads(raw.decode())
    except OSError as exc:
        raise InstrumentInvalid([Problem(str(path), "author.cannot_read", reason=exc.strerror)]) from None
    except tomllib.TOMLDecodeError as exc:
        raise InstrumentInvalid([Problem(str(path), "author.not_toml", reason=str(exc))]) from None
    except RecursionError:
        raise InstrumentInvalid([Problem(str(path), "author.too_deep")]) from None
    except UnicodeDecodeError:
        raise InstrumentInvalid([Problem(str(path), "author.not_utf8")]) from None


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


def _at(problem: str) -> str:
    """Where a structural problem is (``$.title``)."""
    return problem.at if isinstance(problem, Problem) else problem.partition(": ")[0]


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
            problems.append(Problem(f"$.{name}", "author.list_expected", value=raw))
            continue
        for index, element in enumerate(raw):
            if name == "items" and isinstance(element, Mapping) and isinstance(element.get("id"), str):
                ids.add(element["id"])
            built = _structure(element, type_, f"$.{name}[{index}]", problems)
            if built is not None:
                kept[name].append(built)
                positions[name].append(index)
    problems += [
        Problem(f"$.{name}", "author.required") for name in ("items", "levels", "rule") if name not in data
    ]
    rule = _structure(data["rule"], Rule, "$.rule", problems) if "rule" in data else None
    rest = {key: value for key, value in data.items() if key not in LISTS and key not in ("rule", "origin")}
    if "origin" in data:  # set by the loader, never by the file
        problems.append(Problem("$.origin", "author.unknown_key"))
    top_problems: list[str] = []
    top = _structure({**rest, **EMPTY_PARTS, "origin": origin}, Instrument, "$", top_problems)
    if top is None:
        # leave out the broken keys (placeholders for the required ones) to go on with the other checks
        broken = {re.split(r"[.\[:]", _at(problem)[2:], maxsplit=1)[0] for problem in top_problems}
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
        raise InstrumentInvalid([Problem(f"{origin}: $", "author.table_expected")])
    instrument, layout, problems = structure_instrument(data, origin)
    named = data.get("id")
    if file_id is not None and isinstance(named, str) and named != file_id:
        problems.append(Problem("$.id", "author.id_not_file_name", named=named))
    if instrument is not None:
        problems += check_instrument(instrument, frozenset(factors), rules, layout)
    if problems:
        raise InstrumentInvalid([within(origin, problem) for problem in problems])
    assert instrument is not None  # no problem means every part was structured
    return instrument


def load_instrument(
    path: Path, factors: Iterable[str], rules: Mapping[str, ScoringRule], raw: bytes | None = None
) -> Instrument:
    """Read and check an instrument file (``raw``: its bytes if already read)."""
    return parse_instrument(read_instrument(path, raw), str(path), factors, rules, path.stem)


def _duplicates(layout: Layout, name: str, ids: list[str]) -> list[str]:
    first: dict[str, int] = {}
    problems: list[str] = []
    for index, row_id in enumerate(ids):
        if row_id in first:
            problems.append(
                Problem(
                    f"{layout.at(name, index)}.id",
                    "author.duplicate_id",
                    id=row_id,
                    first=layout.at(name, first[row_id]),
                )
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
        problems.append(Problem("$.id", "author.empty_id"))
    if not instrument.version.strip():
        problems.append(Problem("$.version", "author.empty_version"))
    if not instrument.sectors:
        problems.append(Problem("$.sectors", "author.no_sector"))
    problems += [
        Problem(
            f"$.protagonists[{index}]", "author.unknown_protagonist", name=name, known=", ".join(PROTAGONISTS)
        )
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
                Problem(
                    "$.rule.kind",
                    "author.unknown_rule",
                    kind=instrument.rule.kind,
                    known=", ".join(sorted(rules)),
                )
            )
        else:
            problems += rule.validate(instrument)
            problems += _reachability(instrument)
        for index, rule_item in enumerate(instrument.rule.items):
            if rule_item not in layout.ids:
                problems.append(Problem(f"$.rule.items[{index}]", "author.unknown_item", item=rule_item))
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
            problems.append(Problem(f"{at}.id", "author.empty_id"))
        if item.factor not in factors:
            problems.append(
                Problem(f"{at}.factor", "author.unknown_factor", factor=item.factor, item=item.id)
            )
        if item.type not in ITEM_TYPES:
            problems.append(
                Problem(f"{at}.type", "author.unknown_item_type", type=item.type, known=", ".join(ITEM_TYPES))
            )
        if item.type == "ordinal" and (item.min is None or item.max is None or item.min >= item.max):
            problems.append(Problem(at, "author.ordinal_range", item=item.id))
        if item.type == "count" and (
            (item.min is not None and item.min < 0) or (item.max is not None and item.max < (item.min or 0))
        ):
            problems.append(Problem(at, "author.count_range", item=item.id))
        if item.type not in ("ordinal", "count") and (item.min is not None or item.max is not None):
            problems.append(Problem(at, "author.min_max_type", type=item.type))
        if item.type == "multi_choice":
            if not item.choices:
                problems.append(Problem(f"{at}.choices", "author.no_choices", item=item.id))
            seen: set[str] = set()
            for number, choice in enumerate(item.choices):
                problems += text_problems(f"{at}.choices[{number}].label", choice.label)
                if choice.id in seen:
                    problems.append(
                        Problem(f"{at}.choices[{number}].id", "author.duplicate_choice", choice=choice.id)
                    )
                seen.add(choice.id)
        elif item.choices:
            problems.append(Problem(f"{at}.choices", "author.choices_type"))
        if item.critical and item.type != "yes_no":
            problems.append(Problem(f"{at}.critical", "author.critical_type"))
        if item.weight < 1:
            problems.append(Problem(f"{at}.weight", "author.weight", weight=item.weight))
        if declared_groups and item.group is not None and item.group not in declared_groups:
            problems.append(Problem(f"{at}.group", "author.unknown_group", group=item.group, item=item.id))
        if item.show_if is not None:
            problems += _show_if_problems(f"{at}.show_if", item, before, layout)
        before[item.id] = item
    return problems


def _show_if_problems(at: str, item: Item, before: Mapping[str, Item], layout: Layout) -> list[str]:
    show_if = item.show_if
    assert show_if is not None
    if show_if.equals is not None and show_if.any_of:
        return [Problem(at, "author.show_if_both")]
    if not show_if.wanted():
        return [Problem(at, "author.show_if_none", item=item.id)]
    target = before.get(show_if.item)
    if target is None:
        if show_if.item in layout.ids and show_if.item not in layout.kept:
            return []  # the target item is broken: its own problem is reported
        return [Problem(f"{at}.item", "author.show_if_not_before", target=show_if.item, item=item.id)]
    problems: list[str] = []
    for value in show_if.wanted():
        if target.type == "yes_no" and value not in YES_NO_VALUES:
            problems.append(Problem(at, "author.show_if_yes_no", value=value, item=target.id))
        elif target.type in ("ordinal", "count") and (
            not isinstance(value, int)
            or (target.min is not None and value < target.min)
            or (target.max is not None and value > target.max)
        ):
            problems.append(Problem(at, "author.show_if_answer", value=value, item=target.id))
        elif target.type == "multi_choice" and value not in {choice.id for choice in target.choices}:
            problems.append(Problem(at, "author.show_if_choice", value=value, item=target.id))
        elif target.type in ("text", "date"):
            problems.append(Problem(f"{at}.item", "author.show_if_type", type=target.type, item=target.id))
    return problems


def _level_problems(instrument: Instrument, layout: Layout) -> list[str]:
    problems: list[str] = []
    ranks = sorted(level.rank for level in instrument.levels)
    if not instrument.levels:
        problems.append(Problem("$.levels", "author.no_levels"))
    elif ranks != list(range(1, len(ranks) + 1)):
        problems.append(Problem("$.levels", "author.ranks", count=len(ranks), ranks=ranks))
    for index, level in enumerate(instrument.levels):
        at = layout.at("levels", index)
        problems += text_problems(f"{at}.label", level.label)
        if not 1 <= level.compromission <= 4:
            problems.append(Problem(f"{at}.compromission", "author.compromission", value=level.compromission))
        if level.reassess_after is not None and not is_duration(level.reassess_after):
            problems.append(Problem(f"{at}.reassess_after", "author.duration", value=level.reassess_after))
        if level.id.lower() in NO_RISK_IDS:
            problems.append(Problem(f"{at}.id", "author.no_risk_level", id=level.id))
    by_rank = sorted(instrument.levels, key=lambda level: level.rank)
    for lower, higher in itertools.pairwise(by_rank):
        if higher.compromission < lower.compromission:
            problems.append(Problem("$.levels", "author.level_order", higher=higher.id, lower=lower.id))
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
        Problem("$.levels", "author.unreachable_level", level=level.id)
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
                Problem(
                    f"{at}.when", "author.unknown_condition", when=flag.when, known=", ".join(FLAG_CONDITIONS)
                )
            )
        if flag.when in ("unknown_in_group", "yes_in_group") and flag.group not in groups:
            problems.append(Problem(f"{at}.group", "author.empty_group", group=flag.group))
        if (
            flag.when in ("score_at_least", "context_at_least", "context_within_days")
            and flag.threshold is None
        ):
            problems.append(Problem(f"{at}.threshold", "author.threshold", when=flag.when))
        if flag.when in ("context_at_least", "context_within_days") and not flag.key:
            problems.append(Problem(f"{at}.key", "author.context_key", when=flag.when))
        if flag.when == "any_yes":
            if not flag.items:
                problems.append(Problem(f"{at}.items", "author.any_yes_items"))
            yes_no = {item.id for item in instrument.items if item.type == "yes_no"}
            problems += [
                Problem(f"{at}.items", "author.not_yes_no", item=name)
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
            problems.append(Problem(f"{at}.sector", "author.empty_sector"))
        problems += text_problems(f"{at}.label", action.label)
        problems += [
            Problem(f"{at}.levels", "author.unknown_level", level=name)
            for name in action.levels
            if name not in levels
        ]
        problems += [
            Problem(f"{at}.flags", "author.unknown_flag", flag=name)
            for name in action.flags
            if name not in flags
        ]
        if not action.levels and not action.flags:
            problems.append(Problem(at, "author.action_trigger"))
        if action.due_after is not None and not is_duration(action.due_after):
            problems.append(Problem(f"{at}.due_after", "author.duration", value=action.due_after))
    return problems


def instrument_to_json(instrument: Instrument) -> dict[str, Any]:
    """The instrument as ``csvc instruments show --json`` prints it."""
    data: dict[str, Any] = converter.unstructure(instrument)
    data.pop("origin", None)
    return data
