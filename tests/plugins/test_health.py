"""The health plugin: health-screen as defined (HITS), tension-screen, health actions."""

from __future__ import annotations

from typing import Any

import pytest

from csvc_core.errors import BadInput
from csvc_core.testing import raises_worded

ITEMS = ("hurt", "insult", "threaten", "scream")


def test_instrument_has_the_contract_items_and_levels(csvc: Any) -> None:
    screen = csvc.instrument("health-screen")
    assert [(i.id, i.type, i.min, i.max) for i in screen.items] == [(name, "ordinal", 1, 5) for name in ITEMS]
    assert {lv.id: (lv.rank, lv.compromission) for lv in screen.levels} == {
        "negative": (1, 1),
        "positive": (2, 2),
    }


@pytest.mark.parametrize(
    ("values", "score", "level"),
    [
        ((1, 1, 1, 1), 4, "negative"),
        ((2, 3, 2, 3), 10, "negative"),
        ((3, 3, 2, 3), 11, "positive"),
        ((5, 5, 5, 5), 20, "positive"),
        ((1, 5, 1, 4), 11, "positive"),
    ],
)
def test_score_is_the_sum_and_positive_above_ten(
    assess: Any, values: tuple[int, ...], score: int, level: str
) -> None:
    result = assess("health-screen", dict(zip(ITEMS, values, strict=True)))
    assert (result.score, result.level) == (score, level)
    actions = {a.id for a in result.actions}
    assert ("safety_assessment" in actions) == (level == "positive")


def test_positive_recommends_safety_assessment_for_health(assess: Any) -> None:
    result = assess("health-screen", {"hurt": 3, "insult": 4, "threaten": 2, "scream": 3})
    [action] = [a for a in result.actions if a.id == "safety_assessment"]
    assert action.sector == "health"


@pytest.mark.parametrize("value", [0, 6, -1, 10, "3", 2.5, True])
def test_value_outside_one_to_five_is_bad_input(assess: Any, value: Any) -> None:
    with raises_worded(BadInput, r"\$\.answers\.insult"):
        assess("health-screen", {"hurt": 1, "insult": value, "threaten": 1, "scream": 1})


def test_cli_out_of_range_exits_2_naming_item_and_value(run_csvc: Any) -> None:
    answers = {"answers": {"hurt": 6, "insult": 1, "threaten": 1, "scream": 1}}
    status, output, stderr = run_csvc("assess", "--instrument", "health-screen", "--json", answers=answers)
    assert status == 2 and output is None
    assert "hurt" in stderr and "6" in stderr and stderr.count("\n") == 1


def test_missing_items_leave_the_result_incomplete(assess: Any) -> None:
    result = assess("health-screen", {"hurt": 5, "insult": 5, "threaten": 1})
    assert result.level == "positive" and result.missing == ("scream",) and not result.complete


@pytest.mark.parametrize(
    ("answers", "level"),
    [
        ({"relationship_tension": 2, "conflict_resolution": 2}, "negative"),
        ({"relationship_tension": 3, "conflict_resolution": 1}, "positive"),
        ({"relationship_tension": 1, "conflict_resolution": 3}, "positive"),
        ({}, "negative"),
    ],
)
def test_tension_screen_is_positive_on_the_strongest_answer(
    assess: Any, answers: dict[str, int], level: str
) -> None:
    result = assess("tension-screen", answers)
    assert result.level == level
    assert result.complete == (len(answers) == 2)


def test_health_actions_by_factor(assess: Any) -> None:
    grid = {"strangulation": "yes", "suicidal_ideation": "yes", "violence_toward_children": "yes"}
    result = assess("csvc-grid", grid, sector="health")
    ids = {a.id: a for a in result.actions if a.proposed_by == "health"}
    assert set(ids) == {
        "document_injuries",
        "support_referral",
        "youth_protection_report",
        "suicide_risk_evaluation",
    }
    assert (
        ids["youth_protection_report"].mandatory and ids["youth_protection_report"].due == result.assessed_at
    )
    assert ids["suicide_risk_evaluation"].mandatory


def test_never_is_not_an_injury(assess: Any) -> None:
    result = assess("health-screen", {"hurt": 1, "insult": 5, "threaten": 5, "scream": 5}, sector="health")
    assert "document_injuries" not in {a.id for a in result.actions}
    result = assess("health-screen", {"hurt": 2, "insult": 5, "threaten": 5, "scream": 5}, sector="health")
    assert "document_injuries" in {a.id for a in result.actions}


def test_children_exposed_in_context_calls_for_a_youth_protection_report(assess: Any) -> None:
    result = assess(
        "health-screen", dict.fromkeys(ITEMS, 1), sector="health", context={"children_exposed": True}
    )
    assert "youth_protection_report" in {a.id for a in result.actions}


def test_nothing_answered_is_negative_incomplete_and_flagged(assess: Any) -> None:
    result = assess("health-screen", {})
    assert (result.score, result.level, result.complete) == (0, "negative", False)
    assert result.missing == ITEMS and "no_answers" in {flag.id for flag in result.flags}


def test_no_shelter_referral_when_the_partner_is_assessed(assess: Any) -> None:
    result = assess("partner-risk", {"rage": "yes"}, sector="health", protagonist="partner")
    assert "support_referral" not in {a.id for a in result.actions}
    victim = assess("csvc-grid", {"stalking": "yes"}, sector="health")
    assert "support_referral" in {a.id for a in victim.actions}
