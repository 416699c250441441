"""Scoring strategies. Each reads an instrument's ``rule`` and the answers, and returns a :class:`Score`.

Unknown never counts as yes. Items not shown (their ``show_if`` not met) are left out. Every strategy is
monotone: one more yes never lowers the level (the validators refuse rules that would break this).
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import pairwise
from typing import Protocol

from csvc_core.model import YES, AnswerValue, Band, Factor, Instrument, Item, Score
from csvc_core.problems import Problem

#: item types a sum adds up (a yes adds its weight, a number its value times its weight).
SUMMED_TYPES = ("yes_no", "ordinal", "count")


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


def band_level(bands: tuple[Band, ...], score: int) -> str | None:
    for band in bands:
        if score >= band.min and (band.max is None or score <= band.max):
            return band.level
    return None


def _rank(instrument: Instrument, level_id: str | None) -> int | None:
    level = instrument.level(level_id) if level_id is not None else None
    return level.rank if level is not None else None


def _validate_levels_exist(instrument: Instrument, names: list[tuple[str, str]]) -> list[str]:
    return [
        Problem(path, "author.unknown_level", level=name)
        for path, name in names
        if instrument.level(name) is None
    ]


def _validate_bands(instrument: Instrument, lowest: int, highest: int | None) -> list[str]:
    """Bands must cover every possible score (``lowest``..``highest``, None: unbounded) once, rising."""
    rule = instrument.rule
    problems = _validate_levels_exist(
        instrument, [(f"$.rule.bands[{i}].level", band.level) for i, band in enumerate(rule.bands)]
    )
    if not rule.bands:
        return [*problems, Problem("$.rule.bands", "author.bands_needed")]
    for index, band in enumerate(rule.bands):
        if band.max is not None and band.max < band.min:
            problems.append(
                Problem(f"$.rule.bands[{index}].max", "author.band_max", max=band.max, min=band.min)
            )
    ordered = sorted(enumerate(rule.bands), key=lambda pair: pair[1].min)
    first_index, first = ordered[0]
    if first.min > lowest:
        problems.append(
            Problem(
                f"$.rule.bands[{first_index}].min", "author.band_gap", scores=f"{lowest}..{first.min - 1}"
            )
        )
    for (_, previous), (index, band) in pairwise(ordered):
        if previous.max is None or band.min <= previous.max:
            problems.append(Problem(f"$.rule.bands[{index}].min", "author.band_overlap", min=band.min))
        elif band.min > previous.max + 1:
            problems.append(
                Problem(
                    f"$.rule.bands[{index}].min",
                    "author.band_gap",
                    scores=f"{previous.max + 1}..{band.min - 1}",
                )
            )
        low, high = _rank(instrument, previous.level), _rank(instrument, band.level)
        if low is not None and high is not None and high < low:
            problems.append(
                Problem(
                    f"$.rule.bands[{index}].level",
                    "author.band_order",
                    level=band.level,
                    below=previous.level,
                )
            )
    last_index, last = ordered[-1]
    if last.max is not None and (highest is None or last.max < highest):
        at = f"$.rule.bands[{last_index}].max"
        if highest is None:
            problems.append(Problem(at, "author.band_gap_open", min=last.max + 1))
        else:
            problems.append(Problem(at, "author.band_gap", scores=f"{last.max + 1}..{highest}"))
    return problems


def _scored_items(instrument: Instrument, types: tuple[str, ...]) -> list[Item]:
    chosen = set(instrument.rule.items)
    return [item for item in instrument.items if item.type in types and (not chosen or item.id in chosen)]


class TieredRule:
    """The highest level among the tiers met sets it (``min_yes`` or more yes in the tier's group); else the
    default level."""

    kind = "tiered"

    def score(self, instrument: Instrument, answers: Mapping[str, AnswerValue]) -> Score:
        rule = instrument.rule
        tier_groups = {tier.group for tier in rule.tiers}
        yes_count: dict[str, int] = {}
        factors = []
        for item in instrument.items:
            if item.group in tier_groups and answers.get(item.id) == YES and applies(item, answers):
                yes_count[item.group] = yes_count.get(item.group, 0) + 1
                factors.append(Factor(item.id, item.factor, 1))
        level = rule.default_level
        best = _rank(instrument, level) or 0
        for tier in rule.tiers:
            if yes_count.get(tier.group, 0) >= tier.min_yes:
                rank = _rank(instrument, tier.level) or 0
                if rank > best:
                    level, best = tier.level, rank
        # the score of a tiered rule is informative: the number of yes in its groups
        return Score(score=len(factors), level=level, factors=tuple(factors), rule=self.kind)

    def validate(self, instrument: Instrument) -> list[str]:
        rule = instrument.rule
        names = [(f"$.rule.tiers[{i}].level", tier.level) for i, tier in enumerate(rule.tiers)]
        problems: list[str] = []
        if rule.default_level is None:
            problems.append(Problem("$.rule.default_level", "author.default_level"))
        else:
            names.append(("$.rule.default_level", rule.default_level))
        problems += _validate_levels_exist(instrument, names)
        groups = {item.group for item in instrument.items if item.type == "yes_no"}
        default_rank = _rank(instrument, rule.default_level)
        for index, tier in enumerate(rule.tiers):
            if tier.group not in groups:
                problems.append(
                    Problem(f"$.rule.tiers[{index}].group", "author.tier_group", group=tier.group)
                )
            if tier.min_yes < 1:
                problems.append(
                    Problem(f"$.rule.tiers[{index}].min_yes", "author.min_yes", value=tier.min_yes)
                )
            rank = _rank(instrument, tier.level)
            if rank is not None and default_rank is not None and rank < default_rank:
                problems.append(
                    Problem(
                        f"$.rule.tiers[{index}].level",
                        "author.tier_below_default",
                        level=tier.level,
                        default=rule.default_level,
                    )
                )
        if not rule.tiers:
            problems.append(Problem("$.rule.tiers", "author.tiers_needed"))
        if rule.bands:
            problems.append(Problem("$.rule.bands", "author.tiered_no_bands"))
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
            score=total, level=band_level(instrument.rule.bands, total), factors=factors, rule=self.kind
        )

    def validate(self, instrument: Instrument) -> list[str]:
        problems = _validate_bands(instrument, 0, len(_scored_items(instrument, ("yes_no",))))
        if instrument.rule.tiers:
            problems.append(Problem("$.rule.tiers", "author.bands_not_tiers", kind=self.kind))
        return problems


class SumRule:
    """Weighted sum: a yes adds its weight, an ordinal or count value x weight; bands give the level."""

    kind = "sum"

    def score(self, instrument: Instrument, answers: Mapping[str, AnswerValue]) -> Score:
        factors: list[Factor] = []
        for item in _scored_items(instrument, SUMMED_TYPES):
            value = answers.get(item.id)
            if value is None or not applies(item, answers):
                continue
            if item.type == "yes_no":
                contribution = item.weight if value == YES else 0
            else:
                contribution = value * item.weight if isinstance(value, int) else 0
            if contribution:
                factors.append(Factor(item.id, item.factor, contribution))
        total = sum(factor.contribution for factor in factors)
        level = band_level(instrument.rule.bands, total)
        return Score(score=total, level=level, factors=tuple(factors), rule=self.kind)

    def validate(self, instrument: Instrument) -> list[str]:
        lowest = 0
        highest: int | None = 0
        for item in _scored_items(instrument, SUMMED_TYPES):
            if item.type == "yes_no":
                highest = None if highest is None else highest + item.weight
                continue
            low = item.min if item.min is not None else 0
            lowest += low * item.weight
            if item.max is None or highest is None:
                highest = None
            else:
                highest += item.max * item.weight
        problems = _validate_bands(instrument, lowest, highest)
        if instrument.rule.tiers:
            problems.append(Problem("$.rule.tiers", "author.bands_not_tiers", kind=self.kind))
        return problems


class JudgementRule:
    """Structured professional judgement: no score and no computed level; the professional chooses.

    Factors are the items answered yes (and numbers above zero): what the professional weighed.
    """

    kind = "judgement"

    def score(self, instrument: Instrument, answers: Mapping[str, AnswerValue]) -> Score:
        factors = []
        for item in instrument.items:
            value = answers.get(item.id)
            if not applies(item, answers):
                continue
            if value == YES:
                factors.append(Factor(item.id, item.factor, 1))
            elif item.type in ("ordinal", "count") and isinstance(value, int) and value > 0:
                factors.append(Factor(item.id, item.factor, value))
        return Score(score=None, level=None, factors=tuple(factors), rule=self.kind)

    def validate(self, instrument: Instrument) -> list[str]:
        problems: list[str] = []
        if instrument.override.direction != "any":
            problems.append(Problem("$.override.direction", "author.judgement_override"))
        if instrument.rule.tiers or instrument.rule.bands or instrument.rule.default_level:
            problems.append(Problem("$.rule", "author.judgement_rule"))
        return problems


BUILTIN_RULES: tuple[ScoringRule, ...] = (TieredRule(), CountRule(), SumRule(), JudgementRule())
