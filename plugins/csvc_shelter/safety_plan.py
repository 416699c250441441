"""The victim's safety plan: a template (TOML, fr/en) and the plan made from it with her.

    template = load_template()
    plan = build_plan({
        "made_at": "2026-03-01T10:00:00-05:00", "made_by": "intervenante",
        "sections": {"at_home": {"ready_bag": {"answer": "chez sa sœur", "status": "in_place"}}},
    })
    plan_to_json(plan)     # what the store keeps and the report prints

Every section of the template is kept in the plan, in order; a prompt not yet discussed is ``to_do``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

import attrs

from csvc_core.plugin import (
    PROTAGONISTS,
    BadInput,
    CaseTool,
    Text,
    ToolField,
    ToolSection,
    ToolStatus,
    converter,
    parse_datetime,
    register_catalogue,
    t,
)
from csvc_shelter import SECTOR

#: the plugin's wording (plan statuses, its error messages), in French and English.
register_catalogue(Path(__file__).parent / "locale")

#: the sections every plan covers, in this order.
SECTIONS = ("at_home", "when_leaving", "after_leaving", "children", "technology", "court")
STATUSES = ("to_do", "in_place", "not_applicable")
#: the plan's id among the case tools, where the store keeps it.
TOOL_ID = "safety-plan"
PLAN_KEYS = ("made_at", "made_by", "protagonist", "review_by", "sections", "template", "template_version")


@attrs.frozen
class Prompt:
    id: str
    text: Text
    help: Text | None = None


@attrs.frozen
class PlanSection:
    id: str
    title: Text
    prompts: tuple[Prompt, ...]


@attrs.frozen
class PlanTemplate:
    id: str
    version: str
    title: Text
    sections: tuple[PlanSection, ...]
    intro: Text | None = None

    def section(self, section_id: str) -> PlanSection | None:
        return next((section for section in self.sections if section.id == section_id), None)


@attrs.frozen
class PlanEntry:
    """Her answer to one prompt, and where it stands."""

    section: str
    prompt: str
    answer: str = ""
    status: str = "to_do"


@attrs.frozen
class SafetyPlan:
    template_id: str
    template_version: str
    made_at: datetime
    made_by: str
    entries: tuple[PlanEntry, ...]
    protagonist: str = "victim"
    review_by: datetime | None = None

    def entry(self, section: str, prompt: str) -> PlanEntry | None:
        return next((e for e in self.entries if (e.section, e.prompt) == (section, prompt)), None)


def template_problems(template: PlanTemplate) -> list[str]:
    """Every problem of a template: the six sections in order, unique prompt ids, wording fr and en."""
    problems = []
    ids = tuple(section.id for section in template.sections)
    if ids != SECTIONS:
        problems.append(
            f"$.sections: expected the sections {', '.join(SECTIONS)} in this order, got {', '.join(ids)}"
        )
    texts: list[tuple[str, Text]] = [("$.title", template.title)]
    for index, section in enumerate(template.sections):
        at = f"$.sections[{index}]"
        texts.append((f"{at}.title", section.title))
        prompt_ids = [prompt.id for prompt in section.prompts]
        if not prompt_ids:
            problems.append(f"{at}.prompts: section {section.id!r} has no prompt")
        problems += [
            f"{at}.prompts: duplicate id {p!r}" for p in sorted(set(prompt_ids)) if prompt_ids.count(p) > 1
        ]
        texts += [(f"{at}.prompts[{i}].text", prompt.text) for i, prompt in enumerate(section.prompts)]
    problems += [
        f"{path}.{lang}: empty wording"
        for path, text in texts
        for lang in ("fr", "en")
        if not getattr(text, lang).strip()
    ]
    return problems


def load_template() -> PlanTemplate:
    """The shelter plugin's safety-plan template (checked; a problem is :class:`BadInput`)."""
    import tomllib

    resource = files("csvc_shelter") / "data" / "safety-plan.toml"
    data = tomllib.loads(resource.read_text(encoding="utf-8"))
    template = converter.structure(data, PlanTemplate)
    problems = template_problems(template)
    if problems:
        raise BadInput(key="shelter.error.template", path=resource, problem=problems[0])
    return template


def build_plan(payload: Any, template: PlanTemplate | None = None, source: str = "plan") -> SafetyPlan:
    """Check a plan object against the template and build the plan; errors name the field and the value."""
    template = template or load_template()
    if not isinstance(payload, Mapping):
        raise BadInput(key="error.input.object_expected", where=source, got=type(payload).__name__)
    extra = sorted(set(payload) - set(PLAN_KEYS))
    if extra:
        raise BadInput(
            key="error.input.unknown_field", where=source, field=extra[0], fields=", ".join(PLAN_KEYS)
        )
    named = payload.get("template")
    if named is not None and named != template.id:
        raise BadInput(
            key="shelter.error.other_template",
            where=f"{source}: $.template",
            named=named,
            template=template.id,
        )
    made_at = parse_datetime(payload.get("made_at"), f"{source}: $.made_at")
    made_by = payload.get("made_by")
    if not isinstance(made_by, str) or not made_by.strip():
        raise BadInput(key="shelter.error.made_by", where=f"{source}: $.made_by", value=made_by)
    protagonist = payload.get("protagonist") or "victim"
    if protagonist not in PROTAGONISTS:
        raise BadInput(
            key="error.input.unknown_protagonist",
            where=source,
            value=protagonist,
            roles=", ".join(PROTAGONISTS),
        )
    review_by = payload.get("review_by")
    review = parse_datetime(review_by, f"{source}: $.review_by") if review_by is not None else None
    if review is not None and review < made_at:
        raise BadInput(key="shelter.error.review_before", where=f"{source}: $.review_by", value=review_by)
    given = payload.get("sections") or {}
    if not isinstance(given, Mapping):
        raise BadInput(key="shelter.error.sections_expected", where=f"{source}: $.sections", value=given)
    for section_id in given:
        if template.section(section_id) is None:
            raise BadInput(
                key="shelter.error.unknown_section",
                where=f"{source}: $.sections.{section_id}",
                known=", ".join(SECTIONS),
            )
    entries = []
    for section in template.sections:
        answers = given.get(section.id) or {}
        where = f"{source}: $.sections.{section.id}"
        if not isinstance(answers, Mapping):
            raise BadInput(key="shelter.error.prompts_expected", where=where, value=answers)
        known = {prompt.id for prompt in section.prompts}
        strangers = sorted(set(answers) - known)
        if strangers:
            raise BadInput(
                key="shelter.error.unknown_prompt", where=f"{where}.{strangers[0]}", section=section.id
            )
        entries += [
            _entry(section.id, prompt.id, answers.get(prompt.id), f"{where}.{prompt.id}")
            for prompt in section.prompts
        ]
    version = payload.get("template_version") or template.version
    if not isinstance(version, str):
        raise BadInput(key="error.input.text_expected", where=f"{source}: $.template_version", value=version)
    return SafetyPlan(
        template_id=template.id,
        template_version=version,
        made_at=made_at,
        made_by=made_by.strip(),
        entries=tuple(entries),
        protagonist=protagonist,
        review_by=review,
    )


def _entry(section: str, prompt: str, raw: Any, where: str) -> PlanEntry:
    if raw is None:
        return PlanEntry(section, prompt)
    if isinstance(raw, str):
        return PlanEntry(section, prompt, answer=raw, status="in_place" if raw.strip() else "to_do")
    if not isinstance(raw, Mapping):
        raise BadInput(key="shelter.error.entry_expected", where=where, value=raw)
    extra = sorted(set(raw) - {"answer", "status"})
    if extra:
        raise BadInput(key="error.input.unknown_field", where=where, field=extra[0], fields="answer, status")
    answer = raw.get("answer", "")
    if not isinstance(answer, str):
        raise BadInput(key="error.input.text_expected", where=f"{where}.answer", value=answer)
    status = raw.get("status", "to_do")
    if status not in STATUSES:
        raise BadInput(
            key="shelter.error.status", where=f"{where}.status", value=status, known=", ".join(STATUSES)
        )
    return PlanEntry(section, prompt, answer=answer, status=status)


def plan_to_json(plan: SafetyPlan) -> dict[str, Any]:
    """The plan as JSON, in the shape :func:`build_plan` reads back."""
    sections: dict[str, dict[str, Any]] = {section: {} for section in SECTIONS}
    for entry in plan.entries:
        sections[entry.section][entry.prompt] = {"answer": entry.answer, "status": entry.status}
    return {
        "template": plan.template_id,
        "template_version": plan.template_version,
        "made_at": plan.made_at.isoformat(),
        "made_by": plan.made_by,
        "protagonist": plan.protagonist,
        "review_by": plan.review_by.isoformat() if plan.review_by else None,
        "sections": sections,
    }


def template_to_json(template: PlanTemplate) -> dict[str, Any]:
    data: dict[str, Any] = converter.unstructure(template)
    return data


def plan_tool(template: PlanTemplate | None = None) -> CaseTool:
    """The template as a case tool: each section's prompts are its fields, a field's status is the plan's."""
    template = template or load_template()
    statuses = tuple(
        ToolStatus(
            status,
            Text(fr=t(f"shelter.plan.status.{status}", "fr"), en=t(f"shelter.plan.status.{status}", "en")),
        )
        for status in STATUSES
    )
    return CaseTool(
        id=TOOL_ID,
        label=template.title,
        sections=tuple(
            ToolSection(section.id, section.title, tuple(ToolField(p.id, p.text) for p in section.prompts))
            for section in template.sections
        ),
        statuses=statuses,
        intro=template.intro,
        printable=True,
        sectors=(SECTOR,),
    )


def plan_content(plan: SafetyPlan) -> dict[str, Any]:
    """What the store keeps of a plan read from a file: her answers and their statuses."""
    return {"sections": plan_to_json(plan)["sections"]}
