"""What the core offers sector plugins: action catalogues, observed factors, the any_yes flag, rules."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from csvc_core.action_specs import acts_for, load_action_specs
from csvc_core.errors import InstrumentInvalid
from csvc_core.instruments import parse_instrument
from csvc_core.problems import worded
from csvc_core.testing import compare_vignette, load_vignettes, raises_worded

GOOD = """
[[actions]]
id = "address_watch"
sector = "police"
due_after = "PT24H"
label = { fr = "Surveiller l'adresse", en = "Watch the address" }
"""


def test_action_catalogue_proposes_with_due_offsets(tmp_path: Path, csvc: Any) -> None:
    path = tmp_path / "actions.toml"
    path.write_text(GOOD, encoding="utf-8")
    spec = load_action_specs(path, sectors=("police", "csvc"))["address_watch"]
    result = csvc.assess("csvc-grid", {"assessed_at": "2026-03-01T10:00:00-05:00", "answers": {}})
    assert spec.propose(result).due == result.assessed_at + timedelta(hours=24)
    assert spec.propose(result, due_after="PT2H").due == result.assessed_at + timedelta(hours=2)
    assert spec.propose(result, mandatory=True).mandatory


def test_action_catalogue_reports_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "actions.toml"
    path.write_text(
        GOOD
        + """
[[actions]]
id = "address_watch"
sector = "shelter"
due_after = "soon"
label = { fr = "", en = "x" }
""",
        encoding="utf-8",
    )
    with pytest.raises(InstrumentInvalid) as caught:
        load_action_specs(path, sectors=("police", "csvc"))
    text = "\n".join(worded(problem, "en") for problem in caught.value.problems)
    assert "duplicate id 'address_watch'" in text
    assert "'shelter' is outside" in text
    assert "'soon' is not an ISO 8601 duration" in text
    assert "label.fr: empty wording" in text


def test_action_catalogue_refuses_unknown_keys(tmp_path: Path) -> None:
    path = tmp_path / "actions.toml"
    path.write_text(GOOD.replace('sector = "police"', 'sector = "police"\nowner = "x"'), encoding="utf-8")
    with raises_worded(InstrumentInvalid, "owner"):
        load_action_specs(path)


def test_acts_for_the_mandate() -> None:
    assert acts_for("police", None) and acts_for("police", "police")
    assert not acts_for("police", "shelter")


def test_observed_factors_ignore_unknown_never_and_hidden(csvc: Any) -> None:
    result = csvc.assess(
        "csvc-grid", {"answers": {"stalking": "yes", "separation": "unknown", "escalation": "no"}}
    )
    assert result.observed_factors() == {"stalking"}
    hits = csvc.assess("health-screen", {"answers": {"hurt": 1, "insult": 2, "threaten": 1, "scream": 5}})
    assert hits.observed_factors() == {"verbal_abuse", "screaming"}


def _instrument_table(flag: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "t",
        "version": "1",
        "title": {"fr": "t", "en": "t"},
        "sectors": ["csvc"],
        "items": [
            {"id": "a", "factor": "stalking", "type": "yes_no", "label": {"fr": "a", "en": "a"}},
            {"id": "n", "factor": "other", "type": "text", "label": {"fr": "n", "en": "n"}},
        ],
        "levels": [{"id": "low", "rank": 1, "compromission": 1, "label": {"fr": "b", "en": "l"}}],
        "rule": {"kind": "count", "bands": [{"level": "low", "min": 0}]},
        "flags": [flag],
    }


def test_any_yes_flag_is_checked_and_raised(csvc: Any) -> None:
    label = {"fr": "f", "en": "f"}
    with pytest.raises(InstrumentInvalid) as caught:
        parse_instrument(
            _instrument_table({"id": "f", "when": "any_yes", "label": label}),
            "t.toml",
            csvc.vocabulary,
            csvc.rules,
        )
    assert "demande les questions" in caught.value.problems[0]
    with raises_worded(InstrumentInvalid, "'n' is not a yes/no item"):
        parse_instrument(
            _instrument_table({"id": "f", "when": "any_yes", "items": ["n"], "label": label}),
            "t.toml",
            csvc.vocabulary,
            csvc.rules,
        )
    instrument = parse_instrument(
        _instrument_table({"id": "f", "when": "any_yes", "items": ["a"], "label": label}),
        "t.toml",
        csvc.vocabulary,
        csvc.rules,
    )
    from csvc_core.jsonio import parse_assessment

    raised = csvc.evaluate(instrument, parse_assessment({"answers": {"a": "yes"}}, instrument)).flags
    assert [(flag.id, flag.items) for flag in raised] == [("f", ("a",))]
    quiet = csvc.evaluate(instrument, parse_assessment({"answers": {"a": "unknown"}}, instrument)).flags
    assert quiet == ()


def test_compare_vignette_reports_each_mismatch() -> None:
    output = {
        "assessed_at": "2026-03-01T10:00:00-05:00",
        "level": "high",
        "flags": [{"id": "repeat"}],
        "actions": [{"id": "x", "due": "2026-03-01T13:00:00-05:00"}],
    }
    expect = {
        "exit": 0,
        "level": "medium",
        "flags_include": ["visible_high_risk"],
        "actions_include": [{"id": "x", "due_within_hours": 2}, {"id": "y"}],
    }
    problems = compare_vignette(expect, 0, output)
    assert len(problems) == 4
    assert compare_vignette({"exit": 2}, 0, output) == ["exit: attendu 2, obtenu 0"]
    assert [worded(p, "en") for p in compare_vignette({"exit": 2}, 0, output)] == ["exit: expected 2, got 0"]


def test_a_misspelt_expectation_key_is_reported_as_such() -> None:
    output = {
        "assessed_at": "2026-03-01T10:00:00-05:00",
        "level": "high",
        "actions": [{"id": "x", "due": None}],
    }
    found = compare_vignette({"levle": "high", "actions_include": [{"id": "x", "due_within": 2}]}, 0, output)
    problems = [worded(problem, "en") for problem in found]
    assert problems[0].startswith(
        "expect: unknown key 'levle' (one of exit, flags_include, actions_include, "
    )
    assert problems[1] == (
        "actions_include: 'due_within' in {'id': 'x', 'due_within': 2} (keys: id, due_within_hours)"
    )
    assert len(problems) == 2
    assert compare_vignette({"level": "high", "actions_include": [{"id": "x"}]}, 0, output) == []


def test_load_vignettes_fails_on_a_missing_or_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="missing: no vignette"):
        load_vignettes(tmp_path / "missing")
    (tmp_path / "notes.txt").write_text("no vignette here", encoding="utf-8")
    with pytest.raises(FileNotFoundError, match="no vignette"):
        load_vignettes(tmp_path)
    (tmp_path / "one.json").write_text(
        '{"instrument": "csvc-grid", "input": {}, "expect": {}}', encoding="utf-8"
    )
    assert [name for name, _ in load_vignettes(tmp_path)] == ["one"]
