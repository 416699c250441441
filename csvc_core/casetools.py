"""Case tools: what a sector plugin adds to a case (the shelter's safety plan), as data the TUI renders.

A plugin answers ``csvc_case_tools`` with :class:`CaseTool` objects: sections of fields, each field a free
text answer and a status among the tool's ``statuses`` (the first is the default). The store keeps one
sealed content per case and tool, with its history; the TUI edits and prints it without the plugin importing
Textual. A content is ``{"sections": {section: {field: {"answer": str, "status": str}}}}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from csvc_core.errors import BadInput
from csvc_core.model import Text
from csvc_core.problems import Problem

#: the longest answer a field keeps (characters).
MAX_ANSWER = 4000


@attrs.frozen
class ToolField:
    id: str
    label: Text


@attrs.frozen
class ToolSection:
    id: str
    title: Text
    fields: tuple[ToolField, ...]


@attrs.frozen
class ToolStatus:
    id: str
    label: Text


@attrs.frozen
class CaseTool:
    """A tool of the case screen: ``label`` names it in the key bar's menu, ``printable`` offers printing
    her answers under neutral headings (no field wording, no case, no organisation)."""

    id: str
    label: Text
    sections: tuple[ToolSection, ...]
    statuses: tuple[ToolStatus, ...]
    intro: Text | None = None
    printable: bool = False
    #: the sectors whose staff are offered the tool; empty: every sector.
    sectors: tuple[str, ...] = ()

    def offered_to(self, sector: str | None) -> bool:
        """Whether staff of ``sector`` are offered this tool (it is part of their mandate)."""
        return not self.sectors or sector in self.sectors

    def field_ids(self) -> list[tuple[str, str]]:
        return [(section.id, field.id) for section in self.sections for field in section.fields]


def tool_problems(tool: CaseTool) -> list[str]:
    """What makes a tool unusable: no section, no status, a duplicate id, a wording empty in fr or en."""
    problems: list[str] = []
    if not tool.sections:
        problems.append(Problem("", "author.tool_no_section"))
    if not tool.statuses:
        problems.append(Problem("", "author.tool_no_status"))
    ids = [f"{section}.{field}" for section, field in tool.field_ids()] + [s.id for s in tool.sections]
    problems += [Problem("", "author.tool_duplicate", id=i) for i in sorted(set(ids)) if ids.count(i) > 1]
    texts = [tool.label, *(s.title for s in tool.sections), *(s.label for s in tool.statuses)]
    texts += [field.label for section in tool.sections for field in section.fields]
    if any(not text.fr.strip() or not text.en.strip() for text in texts):
        problems.append(Problem("", "author.tool_empty_wording"))
    return problems


def empty_content(tool: CaseTool) -> dict[str, Any]:
    default = tool.statuses[0].id
    return {
        "sections": {
            section.id: {field.id: {"answer": "", "status": default} for field in section.fields}
            for section in tool.sections
        }
    }


def checked_content(tool: CaseTool, content: Any, source: str = "content") -> dict[str, Any]:
    """``content`` complete and in the tool's order (a field left out gets the default); :class:`BadInput`
    names the first bad section, field or value."""
    if not isinstance(content, Mapping) or not isinstance(content.get("sections", {}), Mapping):
        raise BadInput(key="error.tool.sections_expected", where=f"{source}: $.sections")
    given = content.get("sections", {})
    known = {section.id: section for section in tool.sections}
    stranger = next((section for section in given if section not in known), None)
    if stranger is not None:
        raise BadInput(key="error.tool.unknown_section", where=f"{source}: $.sections.{stranger}")
    statuses = [status.id for status in tool.statuses]
    checked = empty_content(tool)
    for section_id, fields in given.items():
        where = f"{source}: $.sections.{section_id}"
        if not isinstance(fields, Mapping):
            raise BadInput(key="error.tool.fields_expected", where=where)
        names = {field.id for field in known[section_id].fields}
        for field_id, entry in fields.items():
            at = f"{where}.{field_id}"
            if field_id not in names:
                raise BadInput(key="error.tool.unknown_field", where=at)
            if not isinstance(entry, Mapping) or set(entry) - {"answer", "status"}:
                raise BadInput(key="error.tool.entry_expected", where=at)
            answer = entry.get("answer", "")
            if not isinstance(answer, str) or len(answer) > MAX_ANSWER:
                raise BadInput(key="error.tool.answer", where=f"{at}.answer", max=MAX_ANSWER)
            status = entry.get("status", statuses[0])
            if status not in statuses:
                raise BadInput(
                    key="error.tool.status", where=f"{at}.status", value=status, known=", ".join(statuses)
                )
            checked["sections"][section_id][field_id] = {"answer": answer, "status": status}
    return checked


def known_part(tool: CaseTool, content: Mapping[str, Any]) -> dict[str, Any]:
    """A stored content cut to the tool's present sections and fields (a newer plugin may have dropped one:
    the version that held it stays in the history)."""
    known = {section.id: {field.id for field in section.fields} for section in tool.sections}
    return {
        "sections": {
            section: {field: entry for field, entry in fields.items() if field in known[section]}
            for section, fields in content.get("sections", {}).items()
            if section in known
        }
    }


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """``section.field`` of every field whose answer or status differs (ids only: what the history shows)."""
    old = before["sections"]
    return [
        f"{section}.{field}"
        for section, fields in after["sections"].items()
        for field, entry in fields.items()
        if old.get(section, {}).get(field) != entry
    ]
