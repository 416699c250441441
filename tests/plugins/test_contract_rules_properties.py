"""The reference instruments' rules as properties over every answer pattern, not only the vignettes."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from csvc_core import Csvc

CSVC = Csvc.load()
ASSESSED = datetime.fromisoformat("2026-03-01T10:00:00-05:00")
ANSWER = st.sampled_from(["yes", "no", "unknown", None])  # None: left out
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
CHECKLIST = tuple(item.id for item in CSVC.instrument("risk-checklist").items if item.type == "yes_no")


def given_answers(values: dict[str, Any]) -> dict[str, Any]:
    return {item: value for item, value in values.items() if value is not None}


@settings(max_examples=300, deadline=None)
@given(st.fixed_dictionaries({item: ANSWER for item in GROUP_A + GROUP_B}))
def test_lethality_screen_rule(values: dict[str, Any]) -> None:
    answers = given_answers(values)
    result = CSVC.assess("lethality-screen", {"assessed_at": ASSESSED.isoformat(), "answers": answers})
    yes_a = sum(answers.get(item) == "yes" for item in GROUP_A)
    yes_b = sum(answers.get(item) == "yes" for item in GROUP_B)
    expected = "screened_in" if yes_a >= 1 or yes_b >= 4 else "not_screened_in"
    assert result.level == expected
    assert result.compromission == (3 if expected == "screened_in" else 2)
    assert ("no_answers" in {f.id for f in result.flags}) == all(
        answers.get(item, "unknown") == "unknown" for item in GROUP_A + GROUP_B
    )
    hotline = [a for a in result.actions if a.id == "hotline_contact"]
    assert bool(hotline) == (expected == "screened_in")
    if hotline:
        assert (hotline[0].sector, hotline[0].mandatory, hotline[0].due) == (
            "police",
            True,
            result.assessed_at,
        )


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=5), min_size=4, max_size=4))
def test_health_screen_rule(values: list[int]) -> None:
    answers = dict(zip(("hurt", "insult", "threaten", "scream"), values, strict=True))
    result = CSVC.assess("health-screen", {"answers": answers})
    assert result.score == sum(values)
    assert result.level == ("positive" if sum(values) > 10 else "negative")
    assert ("safety_assessment" in {a.id for a in result.actions}) == (sum(values) > 10)


@settings(max_examples=300, deadline=None)
@given(
    st.fixed_dictionaries({item: ANSWER for item in CHECKLIST}),
    st.one_of(st.none(), st.integers(min_value=0, max_value=10)),
    st.one_of(st.none(), st.integers(min_value=-30, max_value=800)),
)
def test_risk_checklist_rule(values: dict[str, Any], incidents: int | None, days_ago: int | None) -> None:
    answers = given_answers(values)
    context: dict[str, Any] = {}
    if incidents is not None:
        context["incidents_12m"] = incidents
    if days_ago is not None:
        context["last_referral_at"] = (ASSESSED - timedelta(days=days_ago)).isoformat()
    payload = {"assessed_at": ASSESSED.isoformat(), "answers": answers, "context": context}
    result = CSVC.assess("risk-checklist", payload)
    count = sum(value == "yes" for value in answers.values())
    assert result.score == count
    assert result.level == ("high" if count >= 14 else "medium" if count >= 10 else "standard")
    assert result.compromission == {"standard": 1, "medium": 2, "high": 3}[result.level]
    expected = set()
    if count >= 14:
        expected.add("visible_high_risk")
    if incidents is not None and incidents >= 3:
        expected.add("escalation")
    if days_ago is not None and 0 <= days_ago <= 365:
        expected.add("repeat")
    criteria = {"visible_high_risk", "escalation", "repeat", "professional_judgement"}
    assert {flag.id for flag in result.flags} & criteria == expected
    referral = [a for a in result.actions if a.id == "concertation_referral"]
    assert bool(referral) == bool(expected)
    if referral:
        assert (referral[0].sector, referral[0].mandatory) == ("csvc", True)
