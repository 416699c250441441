"""The victim's plan, printable: a neutral title and nothing that would endanger her if it were found.

Only her own answers are printed, under neutral headings: no prompt wording, no case id, no organisation, no
worker, no level, and none of the words that say what the paper is about. The plan object is the one the
shelter plugin's safety-plan model writes (``plan_to_json``) or
the case tool's stored content: ``sections`` -> prompt -> ``{answer, status}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from csvc_core.errors import BadInput
from csvc_core.i18n import t
from csvc_core.outputfiles import check_destination, write_file
from csvc_core.reports.rendering import render

#: the case tool whose content is her plan (the shelter plugin's safety plan).
PLAN_TOOL = "safety-plan"


def plan_context(plan: Any, lang: str, source: str = "plan") -> dict[str, Any]:
    """Her answers grouped under neutral headings; :class:`BadInput` names what is malformed."""
    if not isinstance(plan, Mapping) or not isinstance(plan.get("sections"), Mapping):
        raise BadInput(key="error.report.sections_expected", where=f"{source}: $.sections")
    sections = []
    for number, (section_id, prompts) in enumerate(plan["sections"].items(), start=1):
        if not isinstance(prompts, Mapping):
            raise BadInput(key="error.report.prompts_expected", where=f"{source}: $.sections.{section_id}")
        answers = []
        for prompt_id, entry in prompts.items():
            answer = entry.get("answer") if isinstance(entry, Mapping) else entry
            status = entry.get("status", "in_place") if isinstance(entry, Mapping) else "in_place"
            if not isinstance(answer, str):
                raise BadInput(
                    key="error.report.answer_expected",
                    where=f"{source}: $.sections.{section_id}.{prompt_id}.answer",
                )
            if answer.strip() and status != "not_applicable":
                answers.append(answer.strip())
        if answers:
            key = f"report.plan.section.{section_id}"
            heading = t(key, lang)
            sections.append(
                {
                    "heading": t("report.plan.section", lang, n=number) if heading == key else heading,
                    "answers": answers,
                }
            )
    return {"lang": lang, "sections": sections, "review_by": plan.get("review_by")}


def plan_report(plan: Any, *, fmt: str = "html", lang: str = "fr", source: str = "plan") -> str:
    return render("plan", fmt, **plan_context(plan, lang, source))


def write_plan(path: Path, plan: Any, *, fmt: str = "html", lang: str = "fr") -> None:
    """Her printable plan written to ``path`` (checked first, written atomically, mode 0600)."""
    check_destination(path)
    write_file(path, plan_report(plan, fmt=fmt, lang=lang, source=PLAN_TOOL))
