"""Instrument validation: every problem of a file at once, each with the file, the $.path and the reason."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

import pytest
from core_kit import count_table, label, run_csvc, sum_table, tiered_table

from csvc_core.errors import InstrumentInvalid
from csvc_core.problems import Problem, worded
from tests.support.instruments import write_toml

GRID = Path(__file__).resolve().parents[2] / "instruments" / "csvc_instruments" / "shared" / "csvc-grid.toml"


def problems_of(build: Any, table: dict[str, Any]) -> list[str]:
    with pytest.raises(InstrumentInvalid) as caught:
        build(table, "instruments/broken.toml")
    assert all(problem.startswith("instruments/broken.toml: $") for problem in caught.value.problems)
    assert all(isinstance(problem, Problem) for problem in caught.value.problems)  # worded late, by key
    return [
        worded(problem, "en").removeprefix("instruments/broken.toml: ") for problem in caught.value.problems
    ]


def test_the_shipped_grid_is_valid(build: Any) -> None:
    with GRID.open("rb") as handle:
        instrument = build(tomllib.load(handle))
    assert instrument.id == "csvc-grid"


def test_the_test_instruments_are_valid(build: Any) -> None:
    for table in (count_table(), sum_table(), tiered_table()):
        build(table)


def mutate(path: str, value: Any, table: dict[str, Any] | None = None) -> dict[str, Any]:
    table = copy.deepcopy(table or count_table())
    *parents, last = path.split(".")
    target: Any = table
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    if value is DELETE:
        del target[int(last) if last.isdigit() else last]
    else:
        target[int(last) if last.isdigit() else last] = value
    return table


DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        # unknown keys, anywhere
        ("colour", "red", "$.colour: unknown key"),
        ("items.1.colour", "red", "$.items[1].colour: unknown key"),
        ("rule.bands.0.colour", "red", "$.rule.bands[0].colour: unknown key"),
        ("items.1.label.de", "Frage", "$.items[1].label.de: unknown key"),
        # wrong types
        ("items.2.weight", "heavy", "$.items[2].weight: expected an integer, got 'heavy'"),
        ("items.2.critical", "yes", "$.items[2].critical: expected true or false, got 'yes'"),
        ("levels.0.rank", "1", "$.levels[0].rank: expected an integer, got '1'"),
        ("sectors", "csvc", "$.sectors: expected a list, got 'csvc'"),
        ("title", "Count", "$.title: expected a table"),
        ("items", {"id": "q1"}, "$.items: expected a list (an array of tables)"),
        ("override", {"direction": "down"}, "$.override.direction: expected one of 'up', 'any'"),
        # missing fr or en labels
        ("items.0.label", {"fr": "Question"}, "$.items[0].label.en: required key missing"),
        ("levels.2.label", {"en": "High"}, "$.levels[2].label.fr: required key missing"),
        ("items.0.label", {"fr": "Question", "en": " "}, "$.items[0].label.en: empty wording"),
        ("title", {"fr": "", "en": "Count"}, "$.title.fr: empty wording"),
        ("id", DELETE, "$.id: required key missing"),
        # unknown factor codes
        ("items.4.factor", "bad_mood", "$.items[4].factor: unknown factor code 'bad_mood' (item 'q5')"),
        # duplicate ids
        ("items.5.id", "q2", "$.items[5].id: duplicate id 'q2' (see $.items[1])"),
        ("levels.1.id", "low", "$.levels[1].id: duplicate id 'low' (see $.levels[0])"),
        # bands that overlap or leave gaps
        ("rule.bands.1.min", 1, "$.rule.bands[1].min: band overlaps the band before it (min 1)"),
        ("rule.bands.1.min", 3, "$.rule.bands[1].min: bands leave a gap: scores 2..2"),
        ("rule.bands.0.min", 1, "$.rule.bands[0].min: bands leave a gap: scores 0..0"),
        ("rule.bands.2.max", 5, "$.rule.bands[2].max: bands leave a gap: scores 6..6"),
        ("rule.bands.2.level", "low", "$.rule.bands[2].level: 'low' ranks below 'mid' for higher scores"),
        ("rule.bands.1.level", "peak", "$.rule.bands[1].level: unknown level 'peak'"),
        # show_if to nowhere
        (
            "items.3.show_if",
            {"item": "q9", "equals": "yes"},
            "$.items[3].show_if.item: 'q9' is not an item before 'q4'",
        ),
        ("items.0.show_if", {"item": "q2", "equals": "yes"}, None),  # a later item: checked below
        (
            "items.3.show_if",
            {"item": "q1", "equals": "oui"},
            "$.items[3].show_if: 'oui' is not yes, no or unknown",
        ),
        ("items.3.show_if", {"item": "q1"}, "$.items[3].show_if: give the answer that shows 'q4'"),
        # levels, rule, flags, actions
        ("levels.2.compromission", 5, "$.levels[2].compromission: 5 is outside the case scale 1-4"),
        (
            "levels.0.reassess_after",
            "1 month",
            "$.levels[0].reassess_after: '1 month' is not an ISO 8601 duration",
        ),
        ("levels.0.id", "none", "$.levels[0].id: 'none' would mean 'no risk'"),
        ("levels.2.rank", 5, "$.levels: ranks must be 1..3 without gaps or repeats, got [1, 2, 5]"),
        ("rule.kind", "magic", "$.rule.kind: unknown scoring rule 'magic'"),
        ("items.2.weight", 0, "$.items[2].weight: 0 must be 1 or more"),
        ("actions.0.levels", ["peak"], "$.actions[0].levels: unknown level 'peak'"),
        ("actions.0.due_after", "P1M", "$.actions[0].due_after: 'P1M' is not an ISO 8601 duration"),
        ("items.0.type", "slider", "$.items[0].type: unknown item type 'slider'"),
        ("protagonists", ["victim", "dog"], "$.protagonists[1]: unknown protagonist 'dog'"),
    ],
)
def test_each_problem_is_named_with_its_path(build: Any, path: str, value: Any, expected: str | None) -> None:
    table = mutate(path, value)
    if expected is None:
        assert any("is not an item before 'q1'" in p for p in problems_of(build, table))
        return
    problems = problems_of(build, table)
    assert any(problem.startswith(expected) for problem in problems), problems


def test_every_problem_of_a_file_at_once(build: Any) -> None:
    table = count_table()
    table["colour"] = "red"  # unknown key
    table["items"][0]["weight"] = "x"  # wrong type
    table["items"][1]["factor"] = "bad_mood"  # unknown factor code
    table["items"][2]["id"] = "q4"  # duplicate id
    table["items"][4]["show_if"] = {"item": "nowhere", "equals": "yes"}  # show_if to nowhere
    table["items"][5]["label"] = {"fr": "Question"}  # missing en
    table["rule"]["bands"][1]["min"] = 1  # overlap
    table["rule"]["bands"][2]["min"] = 6  # gap
    table["levels"][1]["label"] = {"en": "Mid"}  # missing fr
    problems = problems_of(build, table)
    for expected in (
        "$.colour: unknown key",
        "$.items[0].weight: expected an integer, got 'x'",
        "$.items[1].factor: unknown factor code 'bad_mood'",
        "$.items[3].id: duplicate id 'q4' (see $.items[2])",
        "$.items[4].show_if.item: 'nowhere' is not an item before 'q5'",
        "$.items[5].label.en: required key missing",
        "$.levels[1].label.fr: required key missing",
        "$.rule.bands[1].min: band overlaps the band before it",
        "$.rule.bands[2].min: bands leave a gap: scores 4..5",
    ):
        assert any(problem.startswith(expected) for problem in problems), (expected, problems)


def test_a_follow_up_of_a_broken_item_is_not_reported_as_pointing_nowhere(build: Any) -> None:
    table = count_table()
    table["items"][0]["weight"] = "x"
    table["items"][1]["show_if"] = {"item": "q1", "equals": "yes"}
    assert problems_of(build, table) == ["$.items[0].weight: expected an integer, got 'x'"]


def test_tiered_rule_checks(build: Any) -> None:
    table = tiered_table()
    table["rule"]["tiers"][0]["group"] = "zzz"
    table["rule"]["tiers"][1]["min_yes"] = 0
    del table["rule"]["default_level"]
    problems = problems_of(build, table)
    assert "$.rule.tiers[0].group: no yes/no item is in group 'zzz'" in problems
    assert "$.rule.tiers[1].min_yes: must be 1 or more, not 0" in problems
    assert any(p.startswith("$.rule.default_level: a tiered rule needs a default level") for p in problems)


def test_a_tier_below_the_default_level_is_refused(build: Any) -> None:
    table = tiered_table()
    table["rule"]["default_level"] = "mid"
    table["rule"]["tiers"][0]["level"] = "low"
    assert any(
        p.startswith("$.rule.tiers[0].level: 'low' ranks below the default level")
        for p in problems_of(build, table)
    )


def test_sum_bands_must_cover_every_possible_score(build: Any) -> None:
    table = sum_table()
    table["rule"]["bands"][0]["min"] = 2  # the lowest possible sum is 1 (the ordinal starts at 1)
    table["rule"]["bands"][2]["max"] = 19  # the highest possible sum is 3 + 2 + 5 + 10
    problems = problems_of(build, table)
    assert "$.rule.bands[0].min: bands leave a gap: scores 1..1" in problems
    assert "$.rule.bands[2].max: bands leave a gap: scores 20..20" in problems


def test_unbounded_count_needs_an_open_top_band(build: Any) -> None:
    table = sum_table()
    del table["items"][3]["max"]
    table["rule"]["bands"][2]["max"] = 100
    assert "$.rule.bands[2].max: bands leave a gap: scores 101 and more" in problems_of(build, table)


def test_a_level_the_rule_never_gives_is_reported(build: Any) -> None:
    table = count_table()
    table["levels"].append({"id": "extreme", "rank": 4, "compromission": 4, "label": label("Extreme")})
    assert "$.levels: level 'extreme' is never given by the rule" in problems_of(build, table)


def test_critical_only_on_yes_no_items(build: Any) -> None:
    table = sum_table()
    table["items"][2]["critical"] = True
    assert any(p.startswith("$.items[2].critical: only a yes/no item") for p in problems_of(build, table))


def test_validate_command_lists_every_problem_with_file_and_path(tmp_path: Path) -> None:
    good, bad = tmp_path / "test-count.toml", tmp_path / "bad" / "test-broken.toml"
    bad.parent.mkdir()
    write_toml(good, count_table())
    broken = count_table()
    broken["id"] = "test-broken"
    broken["items"][1]["factor"] = "bad_mood"
    broken["items"][2]["id"] = "q1"
    broken["rule"]["bands"][1]["min"] = 3
    write_toml(bad, broken)
    done = run_csvc("instruments", "validate", str(good))
    assert done.returncode == 0, done.stderr
    done = run_csvc("instruments", "validate", str(good), str(bad), "--lang", "en")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert lines == [
        f"{bad}: $.items[2].id: duplicate id 'q1' (see $.items[0])",
        f"{bad}: $.items[1].factor: unknown factor code 'bad_mood' (item 'q2')",
        f"{bad}: $.rule.bands[1].min: bands leave a gap: scores 2..2",
    ]


def test_validate_reports_unreadable_and_malformed_files(tmp_path: Path) -> None:
    malformed = tmp_path / "malformed.toml"
    malformed.write_text("id = \n", encoding="utf-8")
    missing = tmp_path / "missing.toml"
    done = run_csvc("instruments", "validate", str(malformed), str(missing), "--lang", "en")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert f"{malformed}: not valid TOML" in done.stderr
    assert f"{missing}: cannot read" in done.stderr


def test_validate_folder_and_duplicate_ids_across_files(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        write_toml(tmp_path / folder / "test-count.toml", count_table())
    done = run_csvc("instruments", "validate", str(tmp_path / "a"), str(tmp_path / "b"), "--lang", "en")
    assert done.returncode == 2
    first, second = tmp_path / "a" / "test-count.toml", tmp_path / "b" / "test-count.toml"
    assert f"{second}: $.id: instrument 'test-count' is already defined in {first}" in done.stderr


def test_an_instrument_file_is_named_after_its_id(tmp_path: Path) -> None:
    write_toml(tmp_path / "count.toml", count_table())
    done = run_csvc("instruments", "validate", str(tmp_path / "count.toml"), "--lang", "en")
    assert done.returncode == 2
    expected = "$.id: 'test-count' differs from the file name: name the file test-count.toml"
    assert done.stderr.strip() == f"{tmp_path / 'count.toml'}: {expected}"


def test_validate_without_paths_checks_the_installed_instruments() -> None:
    done = run_csvc("instruments", "validate", "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert "valid instruments." in done.stdout
