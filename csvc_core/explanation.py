"""What a scoring rule did, in plain sentences: the rule in one line, each tier and whether it set the level,
the thresholds of a count or a sum, and the critical factors present that did not raise the level.

It reads only what a stored result keeps (rule, score, computed level, factors and their contributions), so
the terminal, ``csvc assess`` and the case report explain a result with the same words.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from csvc_core.i18n import t
from csvc_core.model import Factor, Instrument
from csvc_core.rules import band_level


@attrs.frozen
class TierLine:
    """One tier of a tiered rule: its sentence, and the items answered yes in its group."""

    text: str
    items: tuple[str, ...]


@attrs.frozen
class Explanation:
    """The rule's sentence, its tiers (a tiered rule) or thresholds (a count or a sum), critical factors."""

    rule: str
    tiers: tuple[TierLine, ...] = ()
    thresholds: str | None = None
    critical: str | None = None

    def lines(self) -> list[str]:
        """Every sentence, in reading order (the items of a tier left out)."""
        return [
            self.rule,
            *(tier.text for tier in self.tiers),
            *filter(None, (self.thresholds, self.critical)),
        ]


def level_name(instrument: Instrument, level_id: str | None, lang: str) -> str:
    level = instrument.level(level_id) if level_id else None
    return level.label.get(lang) if level else t("explain.no_level", lang)


def thresholds(instrument: Instrument, lang: str) -> str:
    """``0 à 9 → Standard ; 10 à 13 → Moyen ; 14 et plus → Élevé``."""
    parts = []
    for band in sorted(instrument.rule.bands, key=lambda band: band.min):
        span = (
            t("explain.band_open", lang, min=band.min)
            if band.max is None
            else t("explain.band", lang, min=band.min, max=band.max)
        )
        parts.append(f"{span} → {level_name(instrument, band.level, lang)}")
    return t("explain.thresholds", lang, bands=t("explain.separator", lang).join(parts))


def explain(
    instrument: Instrument,
    rule: str,
    score: int | None,
    computed_level: str | None,
    factors: Sequence[Factor],
    lang: str,
) -> Explanation:
    """Explain the computed level of ``instrument`` by ``rule`` (its kind) from a result's factors."""
    level = level_name(instrument, computed_level, lang)
    critical_ids = {item.id for item in instrument.items if item.critical}
    present = [f for f in factors if f.item in critical_ids]
    if rule == "tiered":
        return _tiered(instrument, computed_level, factors, present, lang)
    if rule in ("count", "sum"):
        bands = instrument.rule.bands
        without = [f for f in present if band_level(bands, (score or 0) - f.contribution) == computed_level]
        return Explanation(
            rule=t(f"explain.{rule}", lang, score=score, level=level),
            thresholds=thresholds(instrument, lang),
            critical=_critical(instrument, without, lang),
        )
    if rule == "judgement":
        return Explanation(rule=t("explain.judgement", lang))
    return Explanation(rule=t("explain.other", lang, rule=rule, level=level))


def _tiered(
    instrument: Instrument,
    computed_level: str | None,
    factors: Sequence[Factor],
    present: Sequence[Factor],
    lang: str,
) -> Explanation:
    rule = instrument.rule
    groups = {group.id: group.label.get(lang) for group in instrument.groups}
    by_group = {item.id: item.group for item in instrument.items}
    tiers = sorted(rule.tiers, key=lambda tier: -(instrument.level(tier.level).rank))  # type: ignore[union-attr]
    decisive = next(
        (
            tier
            for tier in tiers
            if tier.level == computed_level
            and sum(1 for f in factors if by_group.get(f.item) == tier.group) >= tier.min_yes
        ),
        None,
    )
    lines = []
    for tier in tiers:
        items = tuple(f.item for f in factors if by_group.get(f.item) == tier.group)
        met = len(items) >= tier.min_yes
        state = "decisive" if tier is decisive else "met" if met else "not_met"
        text = t(
            "explain.tier",
            lang,
            group=groups.get(tier.group, tier.group),
            yes=len(items),
            min_yes=tier.min_yes,
            level=level_name(instrument, tier.level, lang),
            state=t(f"explain.tier_{state}", lang),
        )
        lines.append(TierLine(text, items))
    default = level_name(instrument, rule.default_level, lang)
    sentence = t("explain.tiered", lang, default=default)
    if decisive is None:
        sentence += " " + t("explain.tier_default", lang, level=default)
    without = [f for f in present if decisive is None or by_group.get(f.item) != decisive.group]
    return Explanation(rule=sentence, tiers=tuple(lines), critical=_critical(instrument, without, lang))


def _critical(instrument: Instrument, factors: Sequence[Factor], lang: str) -> str | None:
    if not factors:
        return None
    labels = []
    for factor in factors:
        item = instrument.item(factor.item)
        labels.append(t("explain.item", lang, label=item.label.get(lang) if item else factor.item))
    return t("explain.critical_not_raising", lang, items=t("explain.separator", lang).join(labels))
