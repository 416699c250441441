"""``highest_answer``: a scoring strategy contributed by the health plugin through ``csvc_scoring_rules``.

The score is the strongest answer given among the instrument's ordinal items; the rule's bands turn it into a
level. Nothing answered gives no score and the rule's ``default_level`` (the result then lists every item as
missing: an unanswered screen is never read as a negative one without saying so).
"""

from __future__ import annotations

from collections.abc import Mapping

from csvc_core.plugin import AnswerValue, Factor, Instrument, Score


class HighestAnswerRule:
    kind = "highest_answer"

    def score(self, instrument: Instrument, answers: Mapping[str, AnswerValue]) -> Score:
        values = {
            item.id: value
            for item in instrument.items
            if item.type == "ordinal" and isinstance(value := answers.get(item.id), int)
        }
        if not values:
            return Score(score=None, level=instrument.rule.default_level, rule=self.kind)
        top = max(values.values())
        factors = tuple(
            Factor(item.id, item.factor, top) for item in instrument.items if values.get(item.id) == top
        )
        level = next(
            (
                band.level
                for band in instrument.rule.bands
                if band.min <= top and (band.max is None or top <= band.max)
            ),
            None,
        )
        return Score(score=top, level=level, factors=factors, rule=self.kind)

    def validate(self, instrument: Instrument) -> list[str]:
        rule = instrument.rule
        levels = {level.id for level in instrument.levels}
        ordinals = [item for item in instrument.items if item.type == "ordinal"]
        problems = []
        if not ordinals:
            problems.append("$.items: a highest_answer rule reads ordinal items; there are none")
        if rule.default_level not in levels:
            problems.append(f"$.rule.default_level: {rule.default_level!r} is not a level of the instrument")
        if not rule.bands:
            problems.append("$.rule.bands: a highest_answer rule needs bands")
        problems += [
            f"$.rule.bands[{index}].level: unknown level {band.level!r}"
            for index, band in enumerate(rule.bands)
            if band.level not in levels
        ]
        lowest = min((item.min or 0 for item in ordinals), default=0)
        highest = max((item.max or 0 for item in ordinals), default=0)
        for value in range(lowest, highest + 1):
            covering = [b for b in rule.bands if b.min <= value and (b.max is None or value <= b.max)]
            if len(covering) != 1:
                problems.append(
                    f"$.rule.bands: answer {value} falls in {len(covering)} bands, not exactly one"
                )
        return problems
