"""The partner-programme plugin: partner-risk (suicide, homicide, accountability) and its actions."""

from __future__ import annotations

from typing import Any

import pytest

from csvc_core.errors import BadInput
from csvc_core.testing import raises_worded


def partner(assess: Any, answers: dict[str, Any], **fields: Any) -> Any:
    return assess("partner-risk", answers, protagonist="partner", **fields)


def ids(result: Any) -> dict[str, Any]:
    return {action.id: action for action in result.actions}


def test_partner_risk_assesses_the_partner_only(assess: Any) -> None:
    with raises_worded(BadInput, "protagonist"):
        assess("partner-risk", {"rage": "yes"})
    assert partner(assess, {"rage": "yes"}).input.protagonist == "partner"


@pytest.mark.parametrize(
    ("answers", "level"),
    [
        ({}, "concern"),
        ({"depression": "yes"}, "moderate"),
        ({"depression": "yes", "separation_refused": "yes"}, "elevated"),
        ({"suicide_plan": "yes"}, "imminent"),
        ({"acknowledges_responsibility": "yes", "minimises": "yes", "blames_others": "yes"}, "concern"),
    ],
)
def test_tiers_set_the_level_and_accountability_does_not(
    assess: Any, answers: dict[str, str], level: str
) -> None:
    assert partner(assess, answers).level == level


def test_precipitating_factor_warns_people_at_risk_at_once(assess: Any) -> None:
    result = partner(assess, {"homicide_plan": "yes"})
    actions = ids(result)
    warn = actions["warn_people_at_risk"]
    assert (warn.sector, warn.mandatory, warn.due) == ("partner_program", True, result.assessed_at)
    assert actions["emergency_concertation"].sector == "csvc"
    assert "precipitating_factors" in {flag.id for flag in result.flags}


def test_suicide_risk_refers_to_suicide_prevention(assess: Any) -> None:
    ideas = partner(assess, {"suicidal_ideation": "yes"})
    referral = ids(ideas)["suicide_prevention_referral"]
    assert referral.mandatory and (referral.due - ideas.assessed_at).total_seconds() == 24 * 3600
    assert "suicide_risk" in {flag.id for flag in ideas.flags}
    plan = partner(assess, {"suicide_plan": "yes"})
    assert ids(plan)["suicide_prevention_referral"].due == plan.assessed_at
    assert "warn_people_at_risk" in ids(plan)


def test_breach_informs_corrections_and_follow_up_is_always_proposed(assess: Any) -> None:
    result = partner(assess, {"breach_of_conditions": "yes"})
    assert "inform_corrections" in ids(result)
    quiet = partner(assess, {})
    assert set(ids(quiet)) >= {"program_follow_up"}
    assert "inform_corrections" not in ids(quiet) and "warn_people_at_risk" not in ids(quiet)


def test_low_accountability_flag(assess: Any) -> None:
    low = partner(assess, {"minimises": "yes", "denies": "yes", "acknowledges_responsibility": "no"})
    [flag] = [flag for flag in low.flags if flag.id == "low_accountability"]
    assert flag.items == ("minimises", "denies") and flag.proposed_by == "partner_programs"
    owns = partner(assess, {"minimises": "yes", "acknowledges_responsibility": "yes"})
    assert "low_accountability" not in {flag.id for flag in owns.flags}


def test_control_tactics_use_the_duluth_categories(assess: Any, csvc: Any) -> None:
    item = csvc.instrument("partner-risk").item("control_tactics")
    assert item.type == "multi_choice" and len(item.choices) == 8
    result = partner(assess, {"control_tactics": ["isolation", "economic_abuse"]})
    assert result.input.answers["control_tactics"] == ("isolation", "economic_abuse")
    with raises_worded(BadInput, "unknown choice 'charm'"):
        partner(assess, {"control_tactics": ["charm"]})


def test_precipitating_factor_on_the_shared_grid_warns_when_the_programme_acts(assess: Any) -> None:
    result = assess("csvc-grid", {"no_way_out": "yes"}, sector="partner_program")
    assert "warn_people_at_risk" in ids(result)
    shelter = assess("csvc-grid", {"no_way_out": "yes"}, sector="shelter")
    assert "warn_people_at_risk" not in ids(shelter)
