"""What the case screens ask of the store, in one place (called through ``CsvcApp.background``): a page of
cases, one case, its people, the forms and their drafts, recording an assessment, its actions and events, the
case tools and the outcomes. The store decides and audits; here its records are shaped for the screens.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from csvc_core.model import Instrument, Result
from csvc_core.store import assessing, casefile, cases, casetools, drafts, followup, outcomes
from csvc_tui.form import FormState
from csvc_tui.records import CaseRow
from csvc_tui.text import _, language
from csvc_tui.workspace import draft_key

if TYPE_CHECKING:
    from datetime import datetime

    from csvc_core.casetools import CaseTool
    from csvc_core.store.casetools import ToolRecord
    from csvc_tui.workspace import Workspace

#: what the case screen decrypts when it opens (audited): never the safe-contact information.
CASE_VIEW_REVEALS = ("label", "names", "notes")


@attrs.frozen
class DraftInfo:
    title: str
    instrument: str
    protagonist: str


@attrs.frozen
class CaseView:
    """A case as the case screen shows it: the store's record, where the level comes from, the drafts."""

    detail: Any
    holders: tuple[str, ...]
    drafts: tuple[DraftInfo, ...]


class CaseWork:
    """The case calls of one workspace (its unlocked session)."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self._recorded: set[tuple[str, str]] = set()  # (case, draft key) recorded since its form was opened

    # -- cases -----------------------------------------------------------------------------------------------
    def case_rows(self, offset: int, limit: int) -> list[CaseRow]:
        """A page of the user's cases with their labels (the store audits the read), newest first."""
        return [
            CaseRow(
                case_id=case.id,
                name=case.label or case.id,
                compromission=case.compromission,
                reassess_by=case.reassess_by,
                overdue=case.overdue,
                overdue_actions=case.overdue_actions,
            )
            for case in self.workspace.live.run(cases.list_cases, limit=limit, offset=offset, reveal=True)
        ]

    def all_case_rows(self, offset: int, page: int) -> list[CaseRow]:
        """Every case from ``offset`` on, ``page`` at a time."""
        rows: list[CaseRow] = []
        while True:
            found = self.case_rows(offset + len(rows), page)
            rows.extend(found)
            if len(found) < page:
                return rows

    def followup(self) -> list[Any]:
        """The follow-up queue, most urgent first (the store's order)."""
        return list(self.workspace.live.run(followup.followup))

    def new_case(self, label: str) -> str:
        return str(self.workspace.live.run(cases.new_case, label))

    def case_view(self, case_id: str) -> CaseView:
        """The case with its label, people's names and notes (the store audits the read); safe-contact
        information stays sealed: :meth:`reveal_person` shows it field by field."""
        detail = self.workspace.live.run(casefile.case_detail, case_id, reveal=CASE_VIEW_REVEALS)
        level = detail.level
        holders = tuple(
            _(
                "case.holder",
                sector=self.workspace.sector_name(r.sector),
                instrument=self.workspace.instrument_title(r.instrument),
                protagonist=_(f"protagonist.{r.protagonist}"),
                when=r.assessed_at.astimezone().strftime("%Y-%m-%d"),
            )
            for r in level.holders
        )
        kept = tuple(
            DraftInfo(
                title=self.workspace.instrument_title(d["instrument"]),
                instrument=d["instrument"],
                protagonist=d["protagonist"],
            )
            for d in self.workspace.live.run(drafts.case_drafts, case_id)
            if "instrument" in d  # the sharing forms keep their own drafts (csvc_tui.sharing)
        )
        return CaseView(detail=detail, holders=holders, drafts=kept)

    # -- people ----------------------------------------------------------------------------------------------
    def add_person(self, case_id: str, role: str, name: str) -> str:
        return str(self.workspace.live.run(cases.add_protagonist, case_id, role, name=name.strip() or None))

    def update_person(self, person: Any, field: str, value: Any) -> None:
        """Change one field of a person: ``name``, a safe-contact field (the others kept), or a yes/no."""
        from csvc_core.store.records import CONTACT_FIELDS

        if field in CONTACT_FIELDS:
            if field == "channels":
                value = [part.strip() for part in str(value).split(",") if part.strip()]
            self.workspace.live.run(
                cases.update_protagonist, person.id, person.version, contact_changes={field: value or None}
            )
        else:
            self.workspace.live.run(cases.update_protagonist, person.id, person.version, **{field: value})

    def reveal_person(self, person_id: str, fields: list[str]) -> dict[str, Any]:
        """Only ``fields`` of one person, decrypted (the store audits which)."""
        revealed: dict[str, Any] = self.workspace.live.run(cases.reveal_protagonist, person_id, fields)
        return revealed

    # -- assessing -------------------------------------------------------------------------------------------
    def form_for(self, case_id: str, instrument: Instrument, protagonist: str) -> FormState:
        """A new form, or the draft left for this case, instrument and protagonist."""
        key = f"{instrument.id}:{protagonist}"
        with self.workspace.guard:
            self._recorded.discard((case_id, key))
        draft = self.workspace.live.run(drafts.read_draft, case_id, key)
        if draft is not None:
            return FormState.from_draft(instrument, draft)
        return FormState(instrument, protagonist=protagonist)

    def save_draft(self, case_id: str, draft: dict[str, Any]) -> None:
        """Save what the form holds; a save that comes once its grid is recorded (a thread still running when
        she confirmed) is dropped: it would offer to resume a grid already recorded."""
        with self.workspace.guard:
            if self.workspace.unlocked and (case_id, draft_key(draft)) not in self._recorded:
                self.workspace.live.run(drafts.save_draft, case_id, draft_key(draft), draft)

    def preview(self, case_id: str, instrument_id: str, payload: Mapping[str, Any]) -> Result:
        """The result the store would record (same pipeline, the case's history), without recording it."""
        result: Result = self.workspace.live.run(
            assessing.preview, case_id, instrument_id, payload, source="tui"
        )
        return result

    def record(
        self, case_id: str, instrument_id: str, payload: Mapping[str, Any], accepted: list[str]
    ) -> Any:
        """Store the confirmed assessment; actions the professional did not accept are closed as not done
        (those the case already had declined stay as they were)."""
        stored = self.workspace.live.assess(case_id, instrument_id, payload, source="tui")
        for action in stored.actions:
            if action.action not in accepted and not action.mandatory and action.status == "open":
                self.workspace.live.run(
                    followup.set_action_status,
                    action.id,
                    "not_done",
                    _("result.not_accepted"),
                    expected_version=action.version,
                )
        key = f"{instrument_id}:{payload.get('protagonist', 'victim')}"
        with self.workspace.guard:
            self._recorded.add((case_id, key))
            self.workspace.live.run(drafts.discard_draft, case_id, key)
        return stored

    # -- following up ----------------------------------------------------------------------------------------
    @property
    def action_statuses(self) -> tuple[str, ...]:
        from csvc_core.store.records import ACTION_STATUSES

        return ACTION_STATUSES

    @property
    def event_kinds(self) -> tuple[str, ...]:
        from csvc_core.store.records import EVENT_KINDS

        return EVENT_KINDS

    def set_action_status(self, action: Any, status: str, note: str) -> None:
        self.workspace.live.run(
            followup.set_action_status, action.id, status, note or None, expected_version=action.version
        )

    def record_event(self, case_id: str, kind: str, note: str) -> None:
        self.workspace.live.run(cases.record_event, case_id, kind, note=note or None)

    # -- case tools (a plugin's, e.g. the safety plan): csvc_tui.screens.tool -------------------------------
    def case_tools(self) -> list[CaseTool]:
        """The case tools the installed plugins offer to her sector, in their order."""
        return [
            tool for tool in self.workspace.csvc.case_tools.values() if tool.offered_to(self.workspace.sector)
        ]

    def case_tool(self, case_id: str, tool_id: str) -> ToolRecord:
        return self.workspace.live.run(casetools.read_tool, case_id, tool_id)

    def save_case_tool(self, case_id: str, tool_id: str, content: dict[str, Any], seq: int) -> int:
        """Save what she typed, edited from version ``seq``; the new version."""
        return int(self.workspace.live.run(casetools.save_tool, case_id, tool_id, content, expected=seq))

    def print_tool(self, case_id: str, content: dict[str, Any], path: Path) -> None:
        """Her answers under a neutral title, written to ``path`` (atomic, mode 0600); the print audited."""
        from csvc_core.reports.plan import write_plan

        write_plan(path, content, lang=language())
        self.workspace.live.run(
            casefile.record_print, case_id, kind="plan", fmt="html", fields=["safety_plan"]
        )

    def record_outcome(self, case_id: str, kind: str, source: str, occurred_at: datetime, note: str) -> None:
        self.workspace.live.run(outcomes.record_outcome, case_id, kind, source, occurred_at, note or None)
