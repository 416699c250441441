"""The rule engine and the pipeline: rule kinds, unknowns, flags, overrides, actions, re-assessment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from core_kit import count_table, judgement_table, label, sum_table, tiered_table

from csvc_core.errors import BadInput
from csvc_core.testing import raises_worded


def answers(**values: str | int) -> dict[str, Any]:
    return {"answers": values}


# -- count with bands ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("yes", "level", "compromission"),
    [(0, "low", 1), (1, "low", 1), (2, "mid", 2), (3, "mid", 2), (4, "high", 3), (6, "high", 3)],
)
def test_count_bands(evaluate: Any, yes: int, level: str, compromission: int) -> None:
    given = {f"q{n}": "yes" if n <= yes else "no" for n in range(1, 7)}
    result = evaluate(count_table(), {"answers": given})
    assert (result.score, result.computed_level, result.level, result.compromission) == (
        yes,
        level,
        level,
        compromission,
    )
    assert [factor.item for factor in result.factors] == [f"q{n}" for n in range(1, yes + 1)]
    assert all(factor.contribution == 1 for factor in result.factors)


def test_unknown_never_counts_as_yes(evaluate: Any) -> None:
    result = evaluate(count_table(), answers(q1="unknown", q2="unknown", q4="unknown", q5="unknown"))
    assert result.score == 0
    assert result.level == "low"
    assert result.factors == ()


def test_missing_lists_unknown_and_left_out_items(evaluate: Any) -> None:
    result = evaluate(count_table(), answers(q1="yes", q2="no", q3="unknown"))
    assert result.missing == ("q3", "q4", "q5", "q6")
    assert result.complete is False
    full = evaluate(count_table(), {"answers": {f"q{n}": "no" for n in range(1, 7)}})
    assert full.missing == ()
    assert full.complete is True


# -- weighted sum with bands --------------------------------------------------------------------------------
def test_weighted_sum(evaluate: Any) -> None:
    result = evaluate(sum_table(), answers(y1="yes", y2="no", o1=4, c1=2))
    assert result.score == 3 + 4 + 2
    assert result.computed_level == "mid"
    assert [(f.item, f.factor, f.contribution) for f in result.factors] == [
        ("y1", "stalking", 3),
        ("o1", "escalation", 4),
        ("c1", "violence_history", 2),
    ]


def test_sum_leaves_out_zero_contributions_and_unknowns(evaluate: Any) -> None:
    result = evaluate(sum_table(), answers(y1="unknown", y2="yes", c1=0))
    assert result.score == 2
    assert [f.item for f in result.factors] == ["y2"]
    assert result.missing == ("y1", "o1")


def test_sum_high_band_is_open(evaluate: Any) -> None:
    result = evaluate(sum_table(), answers(y1="yes", y2="yes", o1=5, c1=10))
    assert (result.score, result.level) == (20, "high")


# -- tiered -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("given", "level"),
    [
        ({}, "low"),
        ({"q1": "yes"}, "low"),
        ({"q1": "yes", "q2": "yes"}, "mid"),
        ({"q4": "yes"}, "high"),
        ({"q1": "yes", "q2": "yes", "q6": "yes"}, "high"),
        ({"q4": "unknown", "q5": "unknown", "q1": "yes"}, "low"),
    ],
)
def test_tiered(evaluate: Any, given: dict[str, str], level: str) -> None:
    result = evaluate(tiered_table(), {"answers": given})
    assert result.computed_level == level
    assert {f.item for f in result.factors} == {item for item, value in given.items() if value == "yes"}


def test_tiered_takes_the_highest_tier_met_whatever_their_order(evaluate: Any) -> None:
    table = tiered_table()
    table["rule"]["tiers"].reverse()  # the low tier first: the highest level still wins
    result = evaluate(table, answers(q1="yes", q2="yes", q4="yes"))
    assert result.computed_level == "high"


# -- judgement only -----------------------------------------------------------------------------------------
def test_judgement_needs_the_professional(evaluate: Any) -> None:
    with raises_worded(BadInput, r"\$\.override.*computes no level"):
        evaluate(judgement_table(), answers(q1="yes"))
    result = evaluate(
        judgement_table(),
        {
            "answers": {"q1": "yes", "q2": "no"},
            "override": {"level": "low", "reason": "peu d'indices", "by": "A"},
        },
    )
    assert result.score is None
    assert result.computed_level is None
    assert result.level == "low"
    assert [f.item for f in result.factors] == ["q1"]
    assert result.to_json()["score"] is None


# -- critical items -----------------------------------------------------------------------------------------
def test_critical_yes_raises_a_flag_whatever_the_total(evaluate: Any) -> None:
    result = evaluate(count_table(), answers(q3="yes"))
    assert result.level == "low"  # one yes: the lowest band
    assert [(flag.id, flag.items) for flag in result.flags] == [("critical_item", ("q3",))]
    assert result.flags[0].label is not None and result.flags[0].label.fr and result.flags[0].label.en


def test_critical_unknown_or_no_raises_nothing(evaluate: Any) -> None:
    assert evaluate(count_table(), answers(q3="unknown")).flags == ()
    assert evaluate(count_table(), answers(q3="no")).flags == ()


def test_declared_critical_flag_replaces_the_builtin_one(evaluate: Any) -> None:
    table = count_table()
    table["flags"] = [{"id": "danger", "when": "critical_yes", "label": label("Danger")}]
    result = evaluate(table, answers(q3="yes"))
    assert [(flag.id, flag.items) for flag in result.flags] == [("danger", ("q3",))]


# -- declared flags -----------------------------------------------------------------------------------------
def flagged_table() -> dict[str, Any]:
    table = count_table()
    table["flags"] = [
        {"id": "many", "when": "score_at_least", "threshold": 4, "label": label("Many")},
        {
            "id": "incidents",
            "when": "context_at_least",
            "key": "incidents_12m",
            "threshold": 3,
            "label": label("I"),
        },
        {
            "id": "repeat",
            "when": "context_within_days",
            "key": "last_referral_at",
            "threshold": 365,
            "label": label("R"),
        },
        {"id": "judgement", "when": "override_up", "label": label("J")},
        {"id": "nothing_known", "when": "all_unknown", "label": label("N")},
    ]
    table["actions"].append(
        {
            "id": "referral",
            "sector": "csvc",
            "flags": ["many", "incidents", "repeat", "judgement"],
            "mandatory": True,
            "label": label("Referral"),
        }
    )
    return table


def flag_ids(result: Any) -> list[str]:
    return [flag.id for flag in result.flags]


def test_flag_conditions(evaluate: Any) -> None:
    assert flag_ids(evaluate(flagged_table(), {})) == ["nothing_known"]
    four = {f"q{n}": "yes" for n in (1, 2, 4, 5)}
    assert flag_ids(evaluate(flagged_table(), {"answers": four})) == ["many"]
    context = {"incidents_12m": 3, "last_referral_at": "2025-03-02T09:00:00-05:00"}
    result = evaluate(flagged_table(), {"answers": {"q1": "no"}, "context": context})
    assert flag_ids(result) == ["incidents", "repeat"]
    assert [action.id for action in result.actions] == ["referral"]
    old = {"incidents_12m": 2, "last_referral_at": "2025-02-27T09:00:00-05:00"}
    assert flag_ids(evaluate(flagged_table(), {"answers": {"q1": "no"}, "context": old})) == []
    raised = evaluate(
        flagged_table(), {"answers": {"q1": "no"}, "override": {"level": "mid", "reason": "ce qu'elle dit"}}
    )
    assert flag_ids(raised) == ["judgement"]


def test_unknown_in_group_makes_the_result_incomplete(evaluate: Any) -> None:
    table = tiered_table()
    table["flags"] = [
        {"id": "unknown_b", "when": "unknown_in_group", "group": "b", "incomplete": True, "label": label("U")}
    ]
    done = {f"q{n}": "no" for n in range(1, 7)}
    assert evaluate(table, {"answers": done}).complete is True
    result = evaluate(table, {"answers": {**done, "q5": "unknown"}})
    assert (flag_ids(result), result.flags[0].items, result.complete) == (["unknown_b"], ("q5",), False)


# -- overrides ----------------------------------------------------------------------------------------------
def test_override_up_keeps_both_levels_and_follows_the_final_level(evaluate: Any) -> None:
    result = evaluate(
        count_table(),
        {
            "answers": {"q1": "yes"},
            "override": {"level": "high", "reason": "elle craint pour sa vie", "by": "Inf. B"},
        },
    )
    assert (result.computed_level, result.level, result.compromission) == ("low", "high", 3)
    assert result.override is not None and result.override.reason == "elle craint pour sa vie"
    assert [action.id for action in result.actions] == ["call_back"]
    assert result.reassess_by == datetime.fromisoformat("2026-03-04T10:00:00-05:00")
    data = result.to_json()
    assert data["override"] == {"level": "high", "reason": "elle craint pour sa vie", "by": "Inf. B"}
    assert (data["computed_level"], data["level"]) == ("low", "high")


def test_override_confirming_the_computed_level_is_allowed(evaluate: Any) -> None:
    result = evaluate(
        count_table(), {"answers": {"q1": "yes"}, "override": {"level": "low", "reason": "confirmé"}}
    )
    assert result.level == "low"


@pytest.mark.parametrize(
    ("override", "message"),
    [
        (
            {"level": "low", "reason": "calme"},
            r"\$\.override\.level: 'low' is lower than the computed level 'mid'",
        ),
        ({"level": "high"}, r"\$\.override\.reason: an override needs a reason"),
        ({"level": "high", "reason": "   "}, r"\$\.override\.reason: an override needs a reason"),
        ({"level": "extreme", "reason": "x"}, r"\$\.override\.level: unknown level 'extreme'"),
        ({"level": "high", "reason": "x", "when": "now"}, r"\$\.override: unknown field 'when'"),
        ("high", r"\$\.override: expected an object"),
    ],
)
def test_bad_overrides(evaluate: Any, override: Any, message: str) -> None:
    with raises_worded(BadInput, message):
        evaluate(count_table(), {"answers": {"q1": "yes", "q2": "yes"}, "override": override})


def test_instrument_may_allow_lowering(evaluate: Any) -> None:
    table = count_table()
    table["override"] = {"direction": "any", "reason_required": True}
    result = evaluate(
        table, {"answers": {"q1": "yes", "q2": "yes"}, "override": {"level": "low", "reason": "x"}}
    )
    assert (result.computed_level, result.level) == ("mid", "low")


# -- re-assessment ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("offset", ["-05:00", "-04:00", "+00:00", "+05:30"])
def test_reassess_by_keeps_the_offset(evaluate: Any, offset: str) -> None:
    at = f"2026-03-07T22:30:00{offset}"
    result = evaluate(count_table(), {"assessed_at": at, "answers": {"q1": "yes", "q2": "yes"}})
    expected = datetime.fromisoformat(at) + timedelta(days=7)
    assert result.reassess_by == expected
    assert result.to_json()["reassess_by"] == expected.isoformat()
    assert result.to_json()["reassess_by"].endswith(offset)


def test_no_reassessment_when_the_level_has_no_interval(evaluate: Any) -> None:
    table = count_table()
    del table["levels"][0]["reassess_after"]
    assert evaluate(table, {}).reassess_by is None


def test_default_assessed_at_is_now_with_an_offset(framework: Any, build: Any) -> None:
    from csvc_core.jsonio import parse_assessment

    before = datetime.now(UTC).replace(microsecond=0)
    assessment = parse_assessment({"answers": {}}, build(count_table()))
    assert assessment.assessed_at.tzinfo is not None
    assert before <= assessment.assessed_at <= datetime.now(UTC)


def test_action_due_follows_assessed_at(evaluate: Any) -> None:
    result = evaluate(count_table(), {"answers": {f"q{n}": "yes" for n in range(1, 5)}})
    (action,) = result.actions
    assert (action.id, action.sector, action.mandatory, action.proposed_by) == (
        "call_back",
        "csvc",
        True,
        "csvc_core",
    )
    assert action.due == datetime.fromisoformat("2026-03-02T10:00:00-05:00")


def test_assessing_reads_only_the_instrument_asked_for(framework: Any) -> None:
    from csvc_core.framework import Csvc

    csvc = Csvc(framework.pm)
    assert csvc.assess("csvc-grid", {"answers": {"stalking": "yes"}}).level == "elevated"
    assert "catalogue" not in csvc.__dict__  # the other instruments were not read
    assert [Path(path).name for path in csvc._loaded] == ["csvc-grid.toml"]
    assert (
        csvc.instrument("csvc-grid") is csvc.catalogue.instruments["csvc-grid"]
    )  # the same object, read once
