"""Scoring strategies. Each reads an instrument's ``rule`` and the answers, and returns a :class:`Score`.

Unknown never counts as yes. Items not shown (their ``show_if`` not met) are left out.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Protocol

from csvc_core.model import YES, AnswerValue, Band, Factor, Instrument, Item, Score


class ScoringRule(Protocol):
    """A named scoring strategy, contributed through ``csvc_scoring_rules``."""

    kind: str

    def score(self, instrument: Instrument, answers: Mapping[str, AnswerValue]) -> Score: ...

    def validate(self, instrument: Instrument) -> list[str]:
        """Problems of ``instrument.rule`` for this strategy, each ``$.path: reason``."""
        ...


def applies(item: Item, answers: Mapping[str, AnswerValue]) -> bool:
    """Whether a follow-up item is asked given the answers so far."""
    return item.show_if is None or item.show_if.matches(answers.get(item.show_if.item))


def _band_level(bands: tuple[Band, ...], score: int) -> str | None:
    for band in bands:
        if score >= band.min and (band.max is None or score <= band.max):
            return band.level
    return None


def _validate_levels_exist(instrument: Instrument, names: list[tuple[str, str]]) -> list[str]:
    known = {level.id for level in instrument.levels}
    return [f"{path}: unknown level {name!r}" for path, name in names if name not in known]


def _validate_bands(instrument: Instrument, lowest: int, highest: int) -> list[str]:
    rule = instrument.rule
    problems = _validate_levels_exist(
        instrument, [(f"$.rule.bands[{i}].level", band.level) for i, band in enumerate(rule.bands)]
    )
    if not rule.bands:
        return [*problems, "$.rule.bands: a count or sum rule needs bands"]
    ordered = sorted(enumerate(rule.bands), key=lambda pair: pair[1].min)
    first_index, first = ordered[0]
    if first.min > lowest:
        problems.append(
            f"$.rule.bands[{first_index}].min: bands leave a gap: scores {lowest}..{first.min - 1}"
        )
    for (_, previous), (index, band) in itertools.pairwise(ordered):
        if previous.max is None or band.min <= previous.max:
            problems.append(f"$.rule.bands[{index}].min: band overlaps the band before it (min {band.min})")
        elif band.min > previous.max + 1:
            problems.append(
                f"$.rule.bands[{index}].min: bands leave a gap: scores {previous.max + 1}..{band.min - 1}"
            )
    for index, band in enumerate(rule.bands):
        if band.max is not None and band.max < band.min:
            problems.append(f"$.rule.bands[{index}].max: max {band.max} is below min {band.min}")
    last_index, last = ordered[-1]
    if last.max is not None and last.max < highest:
        problems.append(
            f"$.rule.bands[{last_index}].max: bands leave a gap: scores {last.max + 1}..{highest}"
        )
    return problems


def _scored_items(instrument: Instrument, types: tuple[str, ...]) -> list[Item]:
    chosen = set(instrument.rule.items)
    return [item for item in instrument.items if item.type in types and (not chosen or item.id in chosen)]


class TieredRule:
    """The highest tier met sets the level: ``min_yes`` or more yes in the tier's group; else the default."""

    kind = "tiered"

    def score(self, instrument: Instrument, answers: Mapping[str, AnswerValue]) -> Score:
        rule = instrument.rule
        yes_by_group: dict[str, list[Item]] = {}
        for item in instrument.items:
            if (
                item.group is not None
                and item.type == "yes_no"
                and answers.get(item.id) == YES
                and applies(item, answers)
            ):
                yes_by_group.setdefault(item.group, []).append(item)
        level = rule.default_level
        for tier in rule.tiers:
            if len(yes_by_group.get(tier.group, ())) >= tier.min_yes:
                level = tier.level
                break
        tier_groups = {tier.group for tier in rule.tiers}
        factors = tuple(
            Factor(item.id, item.factor, 1)
            for group, items in yes_by_group.items()
            if group in tier_groups
            for item in items
        )
        return Score(score=len(factors), level=level, factors=factors, rule=self.kind)

    def validate(self, instrument: Instrument) -> list[str]:
        rule = instrument.rule
        names = [(f"$.rule.tiers[{i}].level", tier.level) for i, tier in enumerate(rule.tiers)]
        if rule.default_level is None:
            problems = ["$.rule.default_level: a tiered rule needs a default level (never 'no risk')"]
        else:
            problems = []
            names.append(("$.rule.default_level", rule.default_level))
        problems += _validate_levels_exist(instrument, names)
        groups = {item.group for item in instrument.items}
        for index, tier in enumerate(rule.tiers):
            if tier.group not in groups:
                problems.append(f"$.rule.tiers[{index}].group: no item is in group {tier.group!r}")
            if tier.min_yes < 1:
                problems.append(f"$.rule.tiers[{index}].min_yes: must be 1 or more, not {tier.min_yes}")
        if not rule.tiers:
            problems.append("$.rule.tiers: a tiered rule needs at least one tier")
        return problems


class CountRule:
    """Score = number of yes among the yes/no items (or ``rule.items``); bands give the level."""

    kind = "count"

    def score(self, instrument: Instrument, answers: Mapping[str, AnswerValue]) -> Score:
        factors = tuple(
            Factor(item.id, item.factor, 1)
            for item in _scored_items(instrument, ("yes_no",))
            if answers.get(item.id) == YES and applies(item, answers)
        )
        total = len(factors)
        return Score(
            score=total, level=_band_level(instrument.rule.bands, total), factors=factors, rule=self.kind
        )

    def validate(self, instrument: Instrument) -> list[str]:
        return _validate_bands(instrument, 0, len(_scored_items(instrument, ("yes_no",))))


class SumRule:
    """Weighted sum: a yes adds its weight, an ordinal or count value x weight; bands give the level."""

    kind = "sum"

    def score(self, instrument: Instrument, answers: Mapping[str, AnswerValue]) -> Score:
        factors: list[Factor] = []
        for item in _scored_items(instrument, ("yes_no", "ordinal", "count")):
            value = answers.get(item.id)
            if not applies(item, answers):
                continue
            if item.type == "yes_no":
                if value == YES:
                    factors.append(Factor(item.id, item.factor, item.weight))
            elif isinstance(value, int):
                factors.append(Factor(item.id, item.factor, value * item.weight))
        total = sum(factor.contribution for factor in factors)
        level = _band_level(instrument.rule.bands, total)
        return Score(score=total, level=level, factors=tuple(factors), rule=self.kind)

    def validate(self, instrument: Instrument) -> list[str]:
        lowest = highest = 0
        for item in _scored_items(instrument, ("yes_no", "ordinal", "count")):
            if item.type == "yes_no":
                lowest += min(0, item.weight)
                highest += max(0, item.weight)
            elif item.min is not None and item.max is not None:
                lowest += item.min * item.weight
                highest += item.max * item.weight
        return _validate_bands(instrument, lowest, highest)


class JudgementRule:
    """Structured professional judgement: no score and no computed level; the professional chooses."""

    kind = "judgement"

    def score(self, instrument: Instrument, answers: Mapping[str, AnswerValue]) -> Score:
        factors = tuple(
            Factor(item.id, item.factor, 0)
            for item in instrument.items
            if answers.get(item.id) not in (None, "unknown", "no", "") and applies(item, answers)
        )
        return Score(score=None, level=None, factors=factors, rule=self.kind)

    def validate(self, instrument: Instrument) -> list[str]:
        problems = []
        if instrument.override.direction != "any":
            problems.append(
                "$.override.direction: a judgement instrument lets the professional choose: use 'any'"
            )
        if instrument.rule.tiers or instrument.rule.bands:
            problems.append("$.rule: a judgement rule takes no tiers or bands")
        return problems


BUILTIN_RULES: tuple[ScoringRule, ...] = (TieredRule(), CountRule(), SumRule(), JudgementRule())
