"""The framework's data: instruments, items, levels, rules, answers and results (frozen attrs classes)."""

from __future__ import annotations

from datetime import datetime
from functools import cached_property
from typing import Any, Literal, cast

import attrs

from csvc_core.durations import parse_duration

YES, NO, UNKNOWN = "yes", "no", "unknown"
YES_NO_VALUES = (YES, NO, UNKNOWN)
PROTAGONISTS = ("victim", "child", "close_one", "partner")
#: the flag the core raises for any critical item answered yes, unless the instrument declares its own.
CRITICAL_FLAG = "critical_item"

ItemType = Literal["yes_no", "ordinal", "multi_choice", "text", "count", "date"]
ITEM_TYPES: tuple[str, ...] = ("yes_no", "ordinal", "multi_choice", "text", "count", "date")
#: value of an answer once parsed: "yes"/"no"/"unknown", an int, a tuple of choices, text or an ISO date.
AnswerValue = str | int | tuple[str, ...]


class Data:
    """Base of csvc's data classes (``@attrs.frozen(repr=False)``): the ``__repr__`` attrs would write,
    ``Text(fr='…', en='…')``, shared rather than generated and compiled for each class when csvc starts."""

    __slots__ = ()

    def __repr__(self) -> str:
        fields = attrs.fields(cast("type[attrs.AttrsInstance]", type(self)))
        shown = ", ".join(f"{field.name}={getattr(self, field.name)!r}" for field in fields)
        return f"{type(self).__qualname__}({shown})"


@attrs.frozen(repr=False)
class Text(Data):
    """A wording in both languages."""

    fr: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.fr


@attrs.frozen(repr=False)
class ShowIf(Data):
    """A follow-up item is asked only when ``item`` was answered ``equals`` (or one of ``any_of``)."""

    item: str
    equals: str | int | None = None
    any_of: tuple[str | int, ...] = ()

    def wanted(self) -> tuple[str | int, ...]:
        return self.any_of if self.any_of else (() if self.equals is None else (self.equals,))

    def matches(self, value: AnswerValue | None) -> bool:
        """Whether an answer shows the item; a multi-choice shows it when a wanted choice is picked."""
        wanted = self.wanted()
        if isinstance(value, tuple):
            return any(choice in wanted for choice in value)
        return value is not None and value in wanted


@attrs.frozen(repr=False)
class Choice(Data):
    id: str
    label: Text


@attrs.frozen(repr=False)
class Item(Data):
    """One question of an instrument. ``factor`` is a code of the shared risk-factor vocabulary."""

    id: str
    factor: str
    type: str
    label: Text
    group: str | None = None
    critical: bool = False
    weight: int = 1
    min: int | None = None
    max: int | None = None
    choices: tuple[Choice, ...] = ()
    help: Text | None = None
    show_if: ShowIf | None = None
    source: str | None = None  # e.g. "police_records": where a sector establishes this item


@attrs.frozen(repr=False)
class Group(Data):
    id: str
    label: Text


@attrs.frozen(repr=False)
class Level(Data):
    """A level of one instrument, mapped onto the shared case scale (compromission 1-4)."""

    id: str
    rank: int
    compromission: int
    label: Text
    reassess_after: str | None = None  # ISO 8601 duration


@attrs.frozen(repr=False)
class Tier(Data):
    """Tiered rule step: ``min_yes`` or more yes among the items of ``group`` gives ``level``."""

    group: str
    level: str
    min_yes: int = 1


@attrs.frozen(repr=False)
class Band(Data):
    """Score band ``min``..``max`` (inclusive; ``max`` None means no upper bound) gives ``level``."""

    level: str
    min: int
    max: int | None = None


@attrs.frozen(repr=False)
class Rule(Data):
    """How an instrument computes its level; ``kind`` names a scoring strategy (:mod:`csvc_core.rules`)."""

    kind: str
    tiers: tuple[Tier, ...] = ()
    bands: tuple[Band, ...] = ()
    default_level: str | None = None
    items: tuple[str, ...] = ()  # restrict a count/sum to these items (empty: all scorable items)


@attrs.frozen(repr=False)
class OverridePolicy(Data):
    direction: Literal["up", "any"] = "up"
    reason_required: bool = True


@attrs.frozen(repr=False)
class FlagRule(Data):
    """A declarative red flag or escalation criterion.

    ``when`` is one of: ``unknown_in_group``, ``all_unknown``, ``critical_yes``, ``score_at_least``,
    ``context_at_least``, ``context_within_days``, ``override_up``, ``yes_in_group``, ``any_yes`` (a yes
    among ``items``).
    """

    id: str
    when: str
    label: Text
    group: str | None = None
    items: tuple[str, ...] = ()
    threshold: int | None = None
    key: str | None = None
    incomplete: bool = False  # the flag makes the result incomplete


@attrs.frozen(repr=False)
class ActionRule(Data):
    """A default action: recommended when the final level is in ``levels`` or any of ``flags`` is raised."""

    id: str
    sector: str
    label: Text
    levels: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    mandatory: bool = False
    due_after: str | None = None  # ISO 8601 duration after assessed_at; None: no due date


@attrs.frozen(repr=False)
class Instrument(Data):
    id: str
    version: str
    title: Text
    sectors: tuple[str, ...]
    items: tuple[Item, ...]
    levels: tuple[Level, ...]
    rule: Rule
    source: Text | None = None
    licence: str | None = None
    description: Text | None = None
    protagonists: tuple[str, ...] = ("victim",)
    groups: tuple[Group, ...] = ()
    override: OverridePolicy = OverridePolicy()
    flags: tuple[FlagRule, ...] = ()
    actions: tuple[ActionRule, ...] = ()
    origin: str = ""  # the file it was read from, for messages

    @cached_property
    def _items_by_id(self) -> dict[str, Item]:
        return {item.id: item for item in self.items}

    @cached_property
    def _levels_by_id(self) -> dict[str, Level]:
        return {level.id: level for level in self.levels}

    def item(self, item_id: str) -> Item | None:
        return self._items_by_id.get(item_id)

    def level(self, level_id: str) -> Level | None:
        return self._levels_by_id.get(level_id)

    def lowest_level(self) -> Level:
        return min(self.levels, key=lambda lv: lv.rank)


@attrs.frozen(repr=False)
class Override(Data):
    """A professional's decision on the level: confirm or raise (lower only when the instrument allows)."""

    level: str
    reason: str
    by: str | None = None


@attrs.frozen(repr=False)
class AssessmentInput(Data):
    """Answers to one instrument, as given by the TUI, a JSON file or the API (already checked)."""

    instrument_id: str
    assessed_at: datetime
    answers: dict[str, AnswerValue] = attrs.field(factory=dict)
    protagonist: str = "victim"
    override: Override | None = None
    context: dict[str, Any] = attrs.field(factory=dict)
    notes: dict[str, str] = attrs.field(factory=dict)


@attrs.frozen(repr=False)
class Factor(Data):
    item: str
    factor: str
    contribution: int


@attrs.frozen(repr=False)
class Flag(Data):
    id: str
    items: tuple[str, ...] = ()
    label: Text | None = None
    proposed_by: str = "csvc_core"


@attrs.frozen(repr=False)
class Action(Data):
    id: str
    sector: str
    due: datetime | None
    mandatory: bool = False
    label: Text | None = None
    proposed_by: str = "csvc_core"


@attrs.frozen(repr=False)
class Score(Data):
    """What a scoring strategy returns: the score (None if it computes none) and the computed level."""

    score: int | None
    level: str | None
    factors: tuple[Factor, ...] = ()
    rule: str = ""


@attrs.frozen(repr=False)
class Result(Data):
    """One scored assessment: the proposal, the final level, and why."""

    instrument: Instrument
    input: AssessmentInput
    score: int | None
    computed_level: str | None
    level: str | None
    compromission: int | None
    complete: bool
    missing: tuple[str, ...]
    factors: tuple[Factor, ...]
    flags: tuple[Flag, ...]
    actions: tuple[Action, ...]
    reassess_by: datetime | None
    rule: str = ""

    @property
    def override(self) -> Override | None:
        return self.input.override

    @property
    def assessed_at(self) -> datetime:
        return self.input.assessed_at

    def observed_factors(self) -> frozenset[str]:
        """Factor codes of the items answered as present: a yes, an ordinal above its lowest value, a
        count above zero, a choice made. Unknown and "never" are not; hidden follow-up items are left out."""
        return self._observed_factors

    @cached_property
    def _observed_factors(self) -> frozenset[str]:
        from csvc_core.rules import applies

        answers = self.input.answers
        found = set()
        for item in self.instrument.items:
            value = answers.get(item.id)
            if value is None or not applies(item, answers):
                continue
            if item.type == "yes_no":
                present = value == YES
            elif item.type in ("ordinal", "count"):
                present = isinstance(value, int) and value > (item.min if item.min is not None else 0)
            elif item.type == "multi_choice":
                present = bool(value)
            else:
                present = False
            if present:
                found.add(item.factor)
        return frozenset(found)

    def to_json(self) -> dict[str, Any]:
        """The result as JSON: exactly what ``csvc assess --json`` prints."""
        from csvc_core.jsonio import result_to_json

        return result_to_json(self)


def add_duration(start: datetime, duration: str | None) -> datetime | None:
    """``start`` plus an ISO 8601 duration, or None when there is none."""
    if duration is None:
        return None
    return start + parse_duration(duration)
