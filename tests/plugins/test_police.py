"""The police plugin: lethality-screen as defined, the grid adaptation, police actions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from csvc_core.errors import BadInput
from csvc_core.testing import raises_worded

GROUP_A = ("weapon_threat", "threat_to_kill", "believes_may_kill")
GROUP_B = (
    "firearm_access",
    "strangulation",
    "jealousy_control",
    "separation",
    "unemployed",
    "perpetrator_suicidal",
    "child_not_perpetrators",
    "stalking",
)


def no_to_all() -> dict[str, str]:
    return dict.fromkeys(GROUP_A + GROUP_B, "no")


def test_instrument_has_the_contract_items_groups_and_levels(csvc: Any) -> None:
    screen = csvc.instrument("lethality-screen")
    assert screen.sectors == ("police",)
    groups = {item.id: item.group for item in screen.items if item.type == "yes_no"}
    assert groups == {**dict.fromkeys(GROUP_A, "a"), **dict.fromkeys(GROUP_B, "b")}
    levels = {lv.id: (lv.rank, lv.compromission) for lv in screen.levels}
    assert levels == {"not_screened_in": (1, 2), "screened_in": (2, 3)}
    assert screen.source is not None and screen.licence


@pytest.mark.parametrize("item", GROUP_A)
def test_any_single_yes_in_group_a_screens_in(assess: Any, item: str) -> None:
    result = assess("lethality-screen", {**no_to_all(), item: "yes"})
    assert (result.computed_level, result.level, result.compromission) == ("screened_in", "screened_in", 3)


@pytest.mark.parametrize("count", range(len(GROUP_B) + 1))
def test_group_b_screens_in_from_four_yes(assess: Any, count: int) -> None:
    answers = {**no_to_all(), **dict.fromkeys(GROUP_B[:count], "yes")}
    result = assess("lethality-screen", answers)
    assert result.level == ("screened_in" if count >= 4 else "not_screened_in")
    assert result.score == count


def test_three_of_b_plus_unknowns_is_not_screened_in(assess: Any) -> None:
    answers = {"weapon_threat": "unknown", **dict.fromkeys(GROUP_B[:3], "yes"), GROUP_B[3]: "unknown"}
    result = assess("lethality-screen", answers)
    assert result.level == "not_screened_in" and result.compromission == 2
    assert "weapon_threat" in result.missing and not result.complete


def test_every_item_unknown_or_left_out_sets_no_answers(assess: Any) -> None:
    for answers in ({}, dict.fromkeys(GROUP_A + GROUP_B, "unknown"), {"separation": "unknown"}):
        result = assess("lethality-screen", answers)
        assert "no_answers" in {flag.id for flag in result.flags}
        assert result.level == "not_screened_in" and not result.complete


def test_one_answer_clears_no_answers(assess: Any) -> None:
    result = assess("lethality-screen", {"stalking": "no"})
    assert "no_answers" not in {flag.id for flag in result.flags}


def test_officer_may_screen_in_on_belief_with_a_reason(assess: Any) -> None:
    answers = {**no_to_all(), **dict.fromkeys(GROUP_B[:3], "yes")}
    override = {
        "level": "screened_in",
        "reason": "propos inquiétants à la question ouverte",
        "by": "agente 123",
    }
    result = assess("lethality-screen", answers, override=override)
    assert (result.computed_level, result.level, result.compromission) == (
        "not_screened_in",
        "screened_in",
        3,
    )
    assert "officer_belief" in {flag.id for flag in result.flags}
    assert "hotline_contact" in {action.id for action in result.actions}


def test_override_without_reason_and_override_down_are_refused(assess: Any) -> None:
    with raises_worded(BadInput, "reason"):
        assess("lethality-screen", no_to_all(), override={"level": "screened_in", "reason": " ", "by": "x"})
    with raises_worded(BadInput, "lower"):
        assess(
            "lethality-screen",
            {**no_to_all(), "weapon_threat": "yes"},
            override={"level": "not_screened_in", "reason": "calme", "by": "x"},
        )


def test_screened_in_recommends_hotline_contact_due_at_once(assess: Any) -> None:
    result = assess("lethality-screen", {"threat_to_kill": "yes"})
    [hotline] = [action for action in result.actions if action.id == "hotline_contact"]
    assert (hotline.sector, hotline.mandatory, hotline.due) == ("police", True, result.assessed_at)


def test_not_screened_in_has_no_hotline_contact(assess: Any) -> None:
    result = assess("lethality-screen", no_to_all())
    assert "hotline_contact" not in {action.id for action in result.actions}


def test_bad_value_and_unknown_item_are_bad_input(assess: Any) -> None:
    with raises_worded(BadInput, r"\$\.answers\.stalking"):
        assess("lethality-screen", {"stalking": "maybe"})
    with raises_worded(BadInput, "unknown item 'homicide_plan'"):
        assess("lethality-screen", {"homicide_plan": "yes"})


def test_cli_screened_in_and_exit_2_on_override_down(run_csvc: Any) -> None:
    base = {"assessed_at": "2026-03-01T22:15:00-05:00", "answers": {"believes_may_kill": "yes"}}
    status, output, _ = run_csvc("assess", "--instrument", "lethality-screen", "--json", answers=base)
    assert status == 0 and output["level"] == "screened_in"
    [hotline] = [a for a in output["actions"] if a["id"] == "hotline_contact"]
    assert datetime.fromisoformat(hotline["due"]) == datetime.fromisoformat(output["assessed_at"])
    down = {**base, "override": {"level": "not_screened_in", "reason": "r", "by": "x"}}
    status, output, stderr = run_csvc("assess", "--instrument", "lethality-screen", "--json", answers=down)
    assert status == 2 and output is None and "override" in stderr and "Traceback" not in stderr


def test_grid_as_police_marks_items_from_police_records(csvc: Any) -> None:
    grid = csvc.instrument("csvc-grid", "police")
    sources = {item.id: item.source for item in grid.items}
    for item in ("violence_history", "breach_of_conditions", "firearm_access"):
        assert sources[item] == "police_records"
    assert sources["fear_for_life"] is None
    assert [item.id for item in grid.items] == [item.id for item in csvc.instrument("csvc-grid").items]


def test_police_actions_follow_level_and_firearm(assess: Any) -> None:
    low = assess("csvc-grid", {"obsessive_jealousy": "yes"}, sector="police")
    assert {a.id for a in low.actions if a.proposed_by == "police"} == set()
    armed = assess("csvc-grid", {"firearm_access": "yes", "threats_to_kill": "yes"}, sector="police")
    ids = {a.id: a for a in armed.actions}
    assert {"firearm_seizure", "investigation", "release_conditions_request", "address_watch"} <= set(ids)
    assert ids["firearm_seizure"].mandatory and ids["concertation_referral"].sector == "csvc"
    unarmed = assess("csvc-grid", {"threats_to_kill": "yes"}, sector="police")
    assert "firearm_seizure" not in {a.id for a in unarmed.actions}


def test_imminent_level_watches_the_address_within_two_hours(assess: Any) -> None:
    result = assess("csvc-grid", {"homicide_plan": "yes"}, sector="police")
    [watch] = [a for a in result.actions if a.id == "address_watch"]
    assert watch.due is not None and (watch.due - result.assessed_at).total_seconds() == 2 * 3600
