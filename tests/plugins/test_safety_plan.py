"""The shelter plugin's safety plan: template (fr/en, six sections) and building/validating a plan."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from csvc_shelter.safety_plan import SECTIONS, build_plan, load_template, plan_to_json, template_to_json

from csvc_core.errors import BadInput
from csvc_core.testing import raises_worded
from tests.support.cli import csvc_process

MADE = "2026-03-01T10:00:00-05:00"


def test_template_has_the_six_sections_in_both_languages() -> None:
    template = load_template()
    assert tuple(section.id for section in template.sections) == SECTIONS
    for section in template.sections:
        assert section.title.fr and section.title.en and section.prompts
        for prompt in section.prompts:
            assert prompt.text.fr.strip() and prompt.text.en.strip() and prompt.text.fr != prompt.text.en
    assert template_to_json(template)["sections"][0]["id"] == "at_home"


def test_plan_keeps_every_prompt_and_round_trips() -> None:
    plan = build_plan(
        {
            "made_at": MADE,
            "made_by": "intervenante",
            "review_by": "2026-03-08T10:00:00-05:00",
            "sections": {
                "at_home": {"ready_bag": {"answer": "chez sa sœur", "status": "in_place"}},
                "technology": {"location_tracking": "partage désactivé"},
                "children": {"custody_exchanges": {"status": "not_applicable"}},
            },
        }
    )
    template = load_template()
    assert len(plan.entries) == sum(len(section.prompts) for section in template.sections)
    assert plan.entry("at_home", "ready_bag").status == "in_place"
    assert plan.entry("technology", "location_tracking").answer == "partage désactivé"
    assert plan.entry("court", "protection_order").status == "to_do"
    again = build_plan(plan_to_json(plan))
    assert again == plan


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"made_by": " "}, r"\$\.made_by"),
        ({"made_at": "2026-03-01"}, r"\$\.made_at"),
        ({"sections": {"garden": {}}}, r"\$\.sections\.garden: unknown section"),
        ({"sections": {"at_home": {"moat": "x"}}}, r"\$\.sections\.at_home\.moat: unknown prompt"),
        ({"sections": {"at_home": {"ready_bag": {"status": "maybe"}}}}, r"ready_bag\.status: 'maybe'"),
        ({"sections": {"at_home": {"ready_bag": 3}}}, r"ready_bag: expected text"),
        ({"review_by": "2026-02-01T10:00:00-05:00"}, r"\$\.review_by"),
        ({"colour": "red"}, r"unknown field 'colour'"),
        ({"protagonist": "neighbour"}, r"\$\.protagonist"),
    ],
)
def test_bad_plans_name_the_field(change: dict[str, Any], message: str) -> None:
    with raises_worded(BadInput, message):
        build_plan({"made_at": MADE, "made_by": "intervenante", **change})


def test_cli_template_and_check(run_csvc: Any, tmp_path: Path) -> None:
    status, template, _ = run_csvc("safety-plan", "template", "--json")
    assert status == 0 and [section["id"] for section in template["sections"]] == list(SECTIONS)
    good = {"made_at": MADE, "made_by": "intervenante", "sections": {"court": {"court_days": "accompagnée"}}}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(good), encoding="utf-8")
    status, plan, _ = run_csvc("safety-plan", "check", str(path), "--json")
    assert status == 0 and plan["sections"]["court"]["court_days"] == {
        "answer": "accompagnée",
        "status": "in_place",
    }
    done = csvc_process(["safety-plan", "check", str(path), "--lang", "en"], os.environ)
    assert done.returncode == 0 and "Valid safety plan: 1 item in place" in done.stdout
    path.write_text(json.dumps({**good, "made_by": ""}), encoding="utf-8")
    status, output, stderr = run_csvc("safety-plan", "check", str(path), "--json")
    assert status == 2 and output is None and "$.made_by" in stderr and stderr.count("\n") == 1
