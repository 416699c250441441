"""Item types (yes/no/unknown, ordinal, multi-choice, text, count, date), show_if and answers checking."""

from __future__ import annotations

from typing import Any

import pytest
from core_kit import count_table, label

from csvc_core.errors import BadInput
from csvc_core.jsonio import answers_to_json, parse_assessment
from csvc_core.testing import raises_worded


def every_type_table() -> dict[str, Any]:
    table = count_table()
    table["id"] = "test-types"
    table["items"] += [
        {
            "id": "often",
            "factor": "escalation",
            "type": "ordinal",
            "min": 1,
            "max": 5,
            "label": label("Often"),
        },
        {
            "id": "weapons",
            "factor": "firearm_access",
            "type": "multi_choice",
            "label": label("Weapons"),
            "choices": [{"id": "gun", "label": label("Gun")}, {"id": "knife", "label": label("Knife")}],
        },
        {"id": "details", "factor": "firearm_access", "type": "text", "label": label("Details")},
        {
            "id": "calls",
            "factor": "breach_of_conditions",
            "type": "count",
            "max": 50,
            "label": label("Calls"),
        },
        {"id": "last", "factor": "escalation", "type": "date", "label": label("Last incident")},
        {
            "id": "gun_where",
            "factor": "firearm_access",
            "type": "text",
            "label": label("Where is the gun"),
            "show_if": {"item": "weapons", "equals": "gun"},
        },
        {
            "id": "threat_detail",
            "factor": "threats_to_kill",
            "type": "yes_no",
            "label": label("Threat repeated"),
            "show_if": {"item": "q4", "equals": "yes"},
        },
    ]
    return table


GOOD = {
    "q1": "yes",
    "q2": "no",
    "q3": "unknown",
    "often": 3,
    "weapons": ["gun"],
    "details": "carabine de chasse",
    "calls": 12,
    "last": "2026-02-20",
    "gun_where": "sous-sol",
}


def test_every_item_type_is_parsed(build: Any) -> None:
    instrument = build(every_type_table())
    assessment = parse_assessment({"answers": GOOD}, instrument, "case.json")
    assert assessment.answers["often"] == 3
    assert assessment.answers["weapons"] == ("gun",)
    assert assessment.answers["last"] == "2026-02-20"
    assert answers_to_json(assessment)["answers"]["weapons"] == ["gun"]


@pytest.mark.parametrize(
    ("item", "value", "message"),
    [
        ("q1", "oui", r'\$\.answers\.q1: expected "yes", "no" or "unknown", got \'oui\''),
        ("q1", True, r"\$\.answers\.q1: expected \"yes\""),
        ("often", 6, r"\$\.answers\.often: 6 is out of range \(1 to 5\)"),
        ("often", 0, r"\$\.answers\.often: 0 is out of range"),
        ("often", "3", r"\$\.answers\.often: expected an integer, got '3'"),
        ("often", 2.5, r"\$\.answers\.often: expected an integer"),
        ("often", True, r"\$\.answers\.often: expected an integer, got True"),
        ("calls", -1, r"\$\.answers\.calls: -1 is out of range \(0 to 50\)"),
        ("weapons", "gun", r"\$\.answers\.weapons: expected a list of choices"),
        ("weapons", ["axe"], r"\$\.answers\.weapons: unknown choice 'axe'"),
        ("details", 5, r"\$\.answers\.details: expected text, got 5"),
        ("last", "20 février", r"\$\.answers\.last: expected an ISO 8601 date"),
        ("last", 20260220, r"\$\.answers\.last: expected an ISO 8601 date"),
        ("ghost", "yes", r"\$\.answers\.ghost: unknown item 'ghost' of test-types"),
    ],
)
def test_bad_answers_name_file_item_and_value(build: Any, item: str, value: Any, message: str) -> None:
    with raises_worded(BadInput, r"^case\.json: " + message):
        parse_assessment({"answers": {item: value}}, build(every_type_table()), "case.json")


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ([], r"case\.json: expected a JSON object, got list"),
        ("yes", r"case\.json: expected a JSON object, got str"),
        ({"answers": []}, r"\$\.answers: expected an object of item ids"),
        ({"answers": "q1"}, r"\$\.answers: expected an object of item ids"),
        ({"answerz": {}}, r"case\.json: unknown field 'answerz'"),
        ({"assessed_at": "2026-03-01T10:00:00"}, r"\$\.assessed_at: .* has no UTC offset"),
        ({"assessed_at": "hier"}, r"\$\.assessed_at: not an ISO 8601 date and time: 'hier'"),
        ({"assessed_at": 1}, r"\$\.assessed_at: expected an ISO 8601 date and time"),
        ({"protagonist": "neighbour"}, r"\$\.protagonist: unknown protagonist 'neighbour'"),
        ({"protagonist": "partner"}, r"\$\.protagonist: test-types assesses victim, not 'partner'"),
        ({"protagonist": []}, r"\$\.protagonist: unknown protagonist \[\]"),
        ({"context": [1]}, r"\$\.context: expected an object"),
        ({"notes": {"ghost": "x"}}, r"\$\.notes\.ghost: unknown item"),
        ({"instrument": "csvc-grid"}, r"\$\.instrument: 'csvc-grid' differs"),
    ],
)
def test_bad_payloads(build: Any, payload: Any, message: str) -> None:
    with raises_worded(BadInput, message):
        parse_assessment(payload, build(every_type_table()), "case.json")


def test_null_answers_count_as_left_out(build: Any) -> None:
    assessment = parse_assessment({"answers": {"q1": None}, "override": None}, build(every_type_table()))
    assert assessment.answers == {}


def test_show_if_asks_follow_ups_only_when_their_answer_is_given(evaluate: Any) -> None:
    table = every_type_table()
    shown = evaluate(table, {"answers": {**GOOD, "q4": "yes"}})
    assert "threat_detail" in shown.missing  # asked (q4 is yes) and not answered
    hidden = evaluate(table, {"answers": {**GOOD, "q4": "no", "weapons": ["knife"]}})
    assert "threat_detail" not in hidden.missing
    assert "gun_where" not in hidden.missing


def test_follow_up_yes_is_left_out_when_its_condition_is_not_met(evaluate: Any) -> None:
    table = count_table()
    table["items"].append(
        {
            "id": "q7",
            "factor": "stalking",
            "type": "yes_no",
            "label": label("Follow-up"),
            "show_if": {"item": "q1", "any_of": ["yes"]},
        }
    )
    asked = evaluate(table, {"answers": {"q1": "yes", "q7": "yes"}})
    assert asked.score == 2
    not_asked = evaluate(table, {"answers": {"q1": "no", "q7": "yes"}})
    assert not_asked.score == 0
    assert "q7" not in not_asked.missing


def test_text_items_are_never_missing(evaluate: Any) -> None:
    result = evaluate(every_type_table(), {"answers": {"q1": "no"}})
    assert "details" not in result.missing
    assert {"often", "weapons", "calls", "last"} <= set(result.missing)


def test_critical_mark_is_kept_on_the_item(build: Any) -> None:
    instrument = build(count_table())
    assert [item.id for item in instrument.items if item.critical] == ["q3"]
