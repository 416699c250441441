"""docs/instruments.md keeps up with the model: every key, item type, rule kind and flag condition is
described, and its example is a valid instrument."""

from __future__ import annotations

import re
import tomllib
from datetime import datetime
from pathlib import Path
from typing import Any

import attrs
import pytest

from csvc_core import model
from csvc_core.instruments import FLAG_CONDITIONS, parse_instrument
from csvc_core.rules import BUILTIN_RULES

DOC = (Path(__file__).resolve().parents[2] / "docs" / "instruments.md").read_text(encoding="utf-8")
FILE_CLASSES = (
    model.Instrument,
    model.Item,
    model.ShowIf,
    model.Choice,
    model.Group,
    model.Level,
    model.Rule,
    model.Tier,
    model.Band,
    model.OverridePolicy,
    model.FlagRule,
    model.ActionRule,
)


@pytest.mark.parametrize("cls", FILE_CLASSES, ids=lambda cls: cls.__name__)
def test_every_key_is_described(cls: type) -> None:
    missing = [
        field.name for field in attrs.fields(cls) if field.name != "origin" and f"`{field.name}" not in DOC
    ]
    assert not missing, f"docs/instruments.md does not describe {cls.__name__}: {missing}"


def test_item_types_rule_kinds_and_flag_conditions_are_described() -> None:
    for name in (*model.ITEM_TYPES, *(rule.kind for rule in BUILTIN_RULES)):
        assert f"`{name}`" in DOC, name
    for condition in FLAG_CONDITIONS:
        assert re.search(rf"^\| `{condition}` \|", DOC, flags=re.M), condition


def test_the_example_is_a_valid_instrument(framework: Any) -> None:
    (example,) = re.findall(r"```toml\n(.*?)```", DOC, flags=re.S)
    instrument = parse_instrument(
        tomllib.loads(example), "my-screen.toml", framework.vocabulary, framework.rules, "my-screen"
    )
    result = framework.evaluate(
        instrument,
        model.AssessmentInput(
            instrument_id=instrument.id,
            assessed_at=datetime.fromisoformat("2026-03-01T10:00:00-05:00"),
            answers={"stalking": "yes"},
        ),
    )
    assert (result.level, [flag.id for flag in result.flags]) == ("high", ["critical_item"])
    assert [action.id for action in result.actions] == ["concertation_referral"]
