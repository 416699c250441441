"""The shelter plugin: risk-checklist as defined, domination-process, shelter actions."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from csvc_core.errors import BadInput
from csvc_core.testing import raises_worded

ASSESSED = datetime.fromisoformat("2026-03-01T10:00:00-05:00")


def yes_no_items(csvc: Any) -> list[str]:
    return [item.id for item in csvc.instrument("risk-checklist").items if item.type == "yes_no"]


def answers_with(csvc: Any, count: int) -> dict[str, str]:
    return {item: "yes" if index < count else "no" for index, item in enumerate(yes_no_items(csvc))}


def flags(result: Any) -> set[str]:
    return {flag.id for flag in result.flags}


def test_checklist_has_twenty_items_or_more_each_with_a_known_factor(csvc: Any) -> None:
    checklist = csvc.instrument("risk-checklist")
    assert len(yes_no_items(csvc)) >= 20
    assert all(item.factor in csvc.vocabulary for item in checklist.items)
    assert {lv.id: (lv.rank, lv.compromission) for lv in checklist.levels} == {
        "standard": (1, 1),
        "medium": (2, 2),
        "high": (3, 3),
    }


@pytest.mark.parametrize(
    ("count", "level", "referred"),
    [
        (0, "standard", False),
        (9, "standard", False),
        (10, "medium", False),
        (13, "medium", False),
        (14, "high", True),
        (20, "high", True),
    ],
)
def test_count_bands_and_visible_high_risk(
    assess: Any, csvc: Any, count: int, level: str, referred: bool
) -> None:
    result = assess("risk-checklist", answers_with(csvc, count))
    assert (result.score, result.level) == (count, level)
    assert ("visible_high_risk" in flags(result)) == referred
    assert ("concertation_referral" in {a.id for a in result.actions}) == referred


def test_unknown_never_counts_as_yes(assess: Any, csvc: Any) -> None:
    answers = {item: "unknown" for item in yes_no_items(csvc)}
    result = assess("risk-checklist", answers)
    assert result.score == 0 and result.level == "standard" and not result.complete


@pytest.mark.parametrize(("incidents", "raised"), [(0, False), (2, False), (3, True), (7, True)])
def test_escalation_from_three_incidents_in_12_months(
    assess: Any, csvc: Any, incidents: int, raised: bool
) -> None:
    result = assess("risk-checklist", answers_with(csvc, 8), context={"incidents_12m": incidents})
    assert ("escalation" in flags(result)) == raised
    assert ("concertation_referral" in {a.id for a in result.actions}) == raised


@pytest.mark.parametrize(
    ("before", "raised"),
    [
        (timedelta(days=1), True),
        (timedelta(days=365), True),
        (timedelta(days=365, seconds=1), False),
        (timedelta(days=366), False),
        (timedelta(days=-1), False),
    ],
)
def test_repeat_when_referred_365_days_or_less_before(
    assess: Any, csvc: Any, before: timedelta, raised: bool
) -> None:
    last = (ASSESSED - before).isoformat()
    result = assess("risk-checklist", answers_with(csvc, 2), context={"last_referral_at": last})
    assert ("repeat" in flags(result)) == raised
    [action] = [a for a in result.actions if a.id == "concertation_referral"] or [None]
    assert (action is not None) == raised
    if raised:
        assert action.sector == "csvc" and action.mandatory


def test_bad_context_values_are_bad_input(assess: Any, csvc: Any) -> None:
    with raises_worded(BadInput, "incidents_12m"):
        assess("risk-checklist", {}, context={"incidents_12m": "three"})
    with raises_worded(BadInput, "last_referral_at"):
        assess("risk-checklist", {}, context={"last_referral_at": "2025-09-01"})


def test_override_up_is_professional_judgement_and_refers(assess: Any, csvc: Any) -> None:
    override = {"level": "high", "reason": "strangulation récente et séparation", "by": "intervenante"}
    result = assess("risk-checklist", answers_with(csvc, 9), override=override)
    assert (result.computed_level, result.level, result.compromission) == ("standard", "high", 3)
    assert "professional_judgement" in flags(result)
    assert "visible_high_risk" not in flags(result)
    [action] = [a for a in result.actions if a.id == "concertation_referral"]
    assert action.sector == "csvc" and action.mandatory


def test_override_confirming_the_level_is_not_professional_judgement(assess: Any, csvc: Any) -> None:
    override = {"level": "standard", "reason": "confirmé", "by": "intervenante"}
    result = assess("risk-checklist", answers_with(csvc, 9), override=override)
    assert "professional_judgement" not in flags(result)


def test_override_down_and_override_without_reason_are_refused(assess: Any, csvc: Any) -> None:
    with raises_worded(BadInput, "lower"):
        assess(
            "risk-checklist", answers_with(csvc, 16), override={"level": "medium", "reason": "r", "by": "x"}
        )
    with raises_worded(BadInput, "reason"):
        assess("risk-checklist", answers_with(csvc, 2), override={"level": "high", "by": "x"})


def test_cli_override_down_exits_2(run_csvc: Any, csvc: Any) -> None:
    payload = {"answers": answers_with(csvc, 16), "override": {"level": "medium", "reason": "r", "by": "x"}}
    status, output, stderr = run_csvc("assess", "--instrument", "risk-checklist", "--json", answers=payload)
    assert status == 2 and output is None and stderr.count("\n") == 1


def test_domination_process_is_judgement_the_worker_chooses(assess: Any) -> None:
    answers = {
        "control_tags": ["surveillance", "isolation"],
        "control_intensity": 3,
        "control_notes": "vérifie son téléphone chaque soir",
        "network_protection": 4,
    }
    with raises_worded(BadInput, "chooses"):
        assess("domination-process", answers)
    chosen = {"level": "elevated", "reason": "emprise envahissante, réseau absent", "by": "intervenante"}
    result = assess("domination-process", answers, override=chosen)
    assert (result.score, result.computed_level, result.level, result.compromission) == (
        None,
        None,
        "elevated",
        3,
    )
    assert "concertation" in {a.id for a in result.actions}
    low = assess("domination-process", answers, override={**chosen, "level": "concern"})
    assert low.level == "concern"


def test_domination_process_has_the_four_dimensions(csvc: Any) -> None:
    instrument = csvc.instrument("domination-process")
    assert {group.id for group in instrument.groups} == {"control", "protection", "network", "impacts"}
    assert instrument.override.direction == "any" and instrument.rule.kind == "judgement"
    for group in ("control", "protection", "network", "impacts"):
        types = {item.type for item in instrument.items if item.group == group}
        assert {"text", "ordinal", "multi_choice"} <= types


def test_shelter_actions_and_the_art_60_4_alert_at_imminent(assess: Any) -> None:
    imminent = assess("csvc-grid", {"homicide_plan": "yes"}, sector="shelter")
    ids = {a.id: a for a in imminent.actions}
    assert {"safety_plan", "shelter_offer", "accompaniment", "protection_order", "police_alert_60_4"} <= set(
        ids
    )
    assert ids["police_alert_60_4"].mandatory and ids["police_alert_60_4"].due == imminent.assessed_at
    assert ids["shelter_offer"].mandatory
    elevated = assess("csvc-grid", {"separation": "yes"}, sector="shelter")
    assert "police_alert_60_4" not in {a.id for a in elevated.actions}
