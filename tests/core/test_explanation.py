"""A result explains itself: what the rule did in a plain sentence, which tier set the level, the thresholds
of a count, a critical factor that did not raise the level, in French and in English; the same words in the
text of ``csvc assess`` and in the case report."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from csvc_core.errors import BadInput
from csvc_core.explanation import explain
from csvc_core.framework import Csvc
from csvc_core.model import YES
from csvc_core.render import render_result
from csvc_core.reports.casefile import case_report

NOW = "2026-03-01T10:00:00-05:00"


def all_yes(csvc: Csvc, instrument_id: str, but: dict[str, str] | None = None) -> dict[str, Any]:
    instrument = csvc.instrument(instrument_id)
    answers = {item.id: YES for item in instrument.items if item.type == "yes_no"}
    return {"assessed_at": NOW, "answers": {**answers, **(but or {})}}


@pytest.fixture(scope="module")
def csvc() -> Csvc:
    return Csvc.load()


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fr", ["Règle par paliers", "c'est lui qui donne le niveau", "un palier plus élevé l'emporte"]),
        ("en", ["Tiered rule", "this tier gives the level", "a higher tier prevails"]),
    ],
)
def test_tiered_rule_says_which_tier_set_the_level(csvc: Csvc, lang: str, words: list[str]) -> None:
    result = csvc.assess("csvc-grid", all_yes(csvc, "csvc-grid"), sector="shelter")
    found = explain(result.instrument, result.rule, result.score, result.computed_level, result.factors, lang)
    text = "\n".join(found.lines())
    for word in words:
        assert word in text, text
    decisive = [tier for tier in found.tiers if words[1] in tier.text]
    assert len(decisive) == 1 and "Imminent" in decisive[0].text
    chronic = next(group.label.get(lang) for group in result.instrument.groups if group.id == "chronic")
    assert any(chronic in tier.text and words[2] in tier.text for tier in found.tiers), text
    assert "tiered" not in text


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fr", ["Règle par décompte", "Seuils : 0 à 9 → Standard ; 10 à 13 →", "14 et plus → Élevé"]),
        ("en", ["Count rule", "Thresholds: 0 to 9 → Standard; 10 to 13 →", "14 and more → High"]),
    ],
)
def test_count_rule_shows_its_thresholds(csvc: Csvc, lang: str, words: list[str]) -> None:
    result = csvc.assess("risk-checklist", all_yes(csvc, "risk-checklist"), sector="shelter")
    text = render_result(result, lang)
    for word in words:
        assert word in text, text
    assert "(count)" not in text


@pytest.mark.parametrize(
    ("lang", "word"), [("fr", "Facteur critique présent qui n'a pas changé"), ("en", "did not change")]
)
def test_a_critical_factor_that_did_not_raise_the_level_is_explained(
    csvc: Csvc, lang: str, word: str
) -> None:
    instrument = csvc.instrument("csvc-grid")
    critical = next(item for item in instrument.items if item.critical and item.group == "aggravating")
    precipitating = {item.id: YES for item in instrument.items if item.group == "precipitating"}
    answers = {item.id: "no" for item in instrument.items if item.type == "yes_no"}
    payload = {"assessed_at": NOW, "answers": {**answers, **precipitating, critical.id: YES}}
    result = csvc.assess("csvc-grid", payload, sector="shelter")
    found = explain(result.instrument, result.rule, result.score, result.computed_level, result.factors, lang)
    assert found.critical is not None and word in found.critical
    assert critical.label.get(lang) in found.critical
    only_critical = {"assessed_at": NOW, "answers": {**answers, critical.id: YES}}
    raised = csvc.assess("csvc-grid", only_critical, sector="shelter")
    alone = explain(raised.instrument, raised.rule, raised.score, raised.computed_level, raised.factors, lang)
    assert alone.critical is None  # its tier gives the level: it did raise it


@pytest.mark.parametrize(("lang", "words"), [("fr", "Ce que la règle a fait"), ("en", "What the rule did")])
@pytest.mark.parametrize("fmt", ["md", "html"])
def test_the_case_report_explains_the_rule_in_words(csvc: Csvc, lang: str, words: str, fmt: str) -> None:
    from tests.reports.synthetic import synthetic_case

    text = case_report(
        synthetic_case(csvc),
        csvc,
        fmt=fmt,
        lang=lang,
        generated_at=datetime.fromisoformat(NOW),
        generated_by="x",
    )
    assert words in text
    assert ("Règle par paliers" if lang == "fr" else "Tiered rule") in text
    assert ", tiered)" not in text


def test_the_core_says_which_levels_may_be_chosen(csvc: Csvc) -> None:
    from csvc_core.framework import allowed_levels

    grid = csvc.instrument("csvc-grid")
    assert [level.id for level in allowed_levels(grid, "moderate")] == ["moderate", "elevated", "imminent"]
    assert [level.id for level in allowed_levels(grid, None)] == [
        "concern",
        "moderate",
        "elevated",
        "imminent",
    ]
    for level in grid.levels:
        if level not in allowed_levels(grid, "elevated"):
            payload = {**all_yes(csvc, "csvc-grid"), "override": {"level": level.id, "reason": "x"}}
            payload["answers"] = {item.id: "no" for item in grid.items if item.type == "yes_no"}
            payload["answers"]["separation"] = YES
            with pytest.raises(BadInput, match=r"\$\.override\.level"):
                csvc.assess("csvc-grid", payload, sector="shelter")
