"""A result as plain text for a person, in French or English (the CLI without ``--json``)."""

from __future__ import annotations

from csvc_core.explanation import explain
from csvc_core.i18n import t
from csvc_core.model import Result


def level_label(result: Result, level_id: str | None, lang: str) -> str:
    level = result.instrument.level(level_id) if level_id else None
    return level.label.get(lang) if level else "—"


def render_result(result: Result, lang: str = "fr") -> str:
    instrument = result.instrument
    lines = [
        t("result.title", lang, title=instrument.title.get(lang), version=instrument.version),
        t("result.assessed_at", lang, when=result.assessed_at.isoformat()),
        t("result.score", lang, score=result.score)
        if result.score is not None
        else t("result.no_score", lang),
    ]
    if result.computed_level is not None:
        lines.append(t("result.computed", lang, level=level_label(result, result.computed_level, lang)))
    explanation = explain(instrument, result.rule, result.score, result.computed_level, result.factors, lang)
    lines.extend(f"  {line}" for line in explanation.lines())
    lines.append(
        t(
            "result.final",
            lang,
            level=level_label(result, result.level, lang),
            compromission=result.compromission,
        )
    )
    if result.override is not None:
        key = "result.override" if result.override.by else "result.override_anonymous"
        lines.append(t(key, lang, by=result.override.by, reason=result.override.reason))
    lines.append(
        t("result.complete", lang)
        if result.complete
        else t("result.incomplete", lang, items=", ".join(result.missing))
    )
    lines.append(t("result.factors", lang) if result.factors else t("result.no_factors", lang))
    for factor in result.factors:
        item = instrument.item(factor.item)
        lines.append(f"  • {item.label.get(lang) if item else factor.item} (+{factor.contribution})")
    if result.flags:
        lines.append(t("result.flags", lang))
        for flag in result.flags:
            label = flag.label.get(lang) if flag.label else flag.id
            lines.append(f"  ⚑ {label}" + (f" — {', '.join(flag.items)}" if flag.items else ""))
    lines.append(t("result.actions", lang) if result.actions else t("result.no_actions", lang))
    for action in result.actions:
        details = [action.sector]
        if action.mandatory:
            details.append(t("result.mandatory", lang))
        if action.due is not None:
            details.append(t("result.due", lang, due=action.due.isoformat()))
        label = action.label.get(lang) if action.label else action.id
        lines.append(f"  → {label} ({'; '.join(details)})")
    lines.append(
        t("result.reassess", lang, when=result.reassess_by.isoformat())
        if result.reassess_by
        else t("result.no_reassess", lang)
    )
    return "\n".join(lines)
