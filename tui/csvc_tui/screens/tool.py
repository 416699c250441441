"""A plugin's case tool (the shelter's safety plan), drawn from its description alone: for each section its
fields, each a line of her answer and a status. Ctrl+S saves (sealed in the case, with who changed what and
when), Ctrl+T changes the status of the field being typed in, Ctrl+O prints her answers under a neutral title
to a file, Escape goes back (twice when something is not saved)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text as RichText
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import Input, Static

from csvc_core.casetools import CaseTool, empty_content
from csvc_tui.keys import bind
from csvc_tui.screens.ask import AskText
from csvc_tui.screens.working import WorkingScreen
from csvc_tui.text import _, language
from csvc_tui.widgets.keybar import KeyBar


def field_widget_id(section: str, field: str) -> str:
    return f"tool-{section}--{field}"


class ToolScreen(WorkingScreen[None]):
    """One case tool of one case, for editing and printing."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("tool_save", "save"),
        bind("tool_status", "status"),
        bind("tool_print", "print"),
        bind("back", "back", show=False),
    ]

    def __init__(self, case_id: str, tool: CaseTool) -> None:
        super().__init__(classes="tool-screen")
        self.case_id, self.tool = case_id, tool
        self.saved: dict[str, Any] = empty_content(tool)
        self.statuses: dict[tuple[str, str], str] = {
            (section, field): entry["status"]
            for section, fields in self.saved["sections"].items()
            for field, entry in fields.items()
        }
        self.seq: int | None = None  # the version on screen, once read
        self.leaving = False

    def compose(self) -> ComposeResult:
        lang = language()
        yield Static(self.tool.label.get(lang), classes="screen-title", markup=False)
        with VerticalScroll(id="tool-body"):
            yield Static(_("tool.loading"), id="tool-state", classes="hint", markup=False)
            if self.tool.intro is not None:
                yield Static(self.tool.intro.get(lang), classes="hint", markup=False)
            for section in self.tool.sections:
                yield Static(section.title.get(lang), classes="heading", markup=False)
                for field in section.fields:
                    yield Static(id=field_widget_id(section.id, field.id) + "-label", classes="tool-label")
                    yield Input(id=field_widget_id(section.id, field.id), compact=True, disabled=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.draw_labels()
        self.background(
            lambda: self.csvc_app.workspace.cases.case_tool(self.case_id, self.tool.id),
            self.show,
            group="tool",
        )

    # -- drawing ---------------------------------------------------------------------------------------------
    def show(self, record: Any) -> None:
        self.saved, self.seq = record.content, record.seq
        for section, fields in record.content["sections"].items():
            for field, entry in fields.items():
                self.statuses[(section, field)] = entry["status"]
                widget = self.query_one("#" + field_widget_id(section, field), Input)
                widget.value, widget.disabled = entry["answer"], False
        self.draw_labels()
        last = record.last
        self.query_one("#tool-state", Static).update(
            _("tool.never_saved")
            if last is None
            else _(
                "tool.last_saved",
                seq=last.seq,
                when=last.saved_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                by=last.saved_by,
            )
        )
        first = next(iter(self.query(Input)), None)
        if first is not None:
            first.focus()

    def draw_labels(self) -> None:
        lang = language()
        names = {status.id: status.label.get(lang) for status in self.tool.statuses}
        for section in self.tool.sections:
            for field in section.fields:
                status = names[self.statuses[(section.id, field.id)]]
                label = self.query_one("#" + field_widget_id(section.id, field.id) + "-label", Static)
                label.update(RichText.assemble((f"[{status}]", "bold"), " ", field.label.get(lang)))

    def say(self, message: str, *, warning: bool = False) -> None:
        """A word to her, in the line under the title and as a notification."""
        self.query_one("#tool-state", Static).update(message)
        self.notify(message, severity="warning" if warning else "information", markup=False)

    def content(self) -> dict[str, Any]:
        """What is on screen, in the tool's shape."""
        return {
            "sections": {
                section.id: {
                    field.id: {
                        "answer": self.query_one("#" + field_widget_id(section.id, field.id), Input).value,
                        "status": self.statuses[(section.id, field.id)],
                    }
                    for field in section.fields
                }
                for section in self.tool.sections
            }
        }

    def focused_field(self) -> tuple[str, str] | None:
        focused = self.focused
        if not isinstance(focused, Input) or focused.id is None:
            return None
        section, _sep, field = focused.id.removeprefix("tool-").partition("--")
        return section, field

    # -- actions ---------------------------------------------------------------------------------------------
    def action_status(self) -> None:
        """The next status of the field being typed in."""
        key = self.focused_field()
        if key is None:
            self.say(_("tool.pick_field"), warning=True)
            return
        ids = [status.id for status in self.tool.statuses]
        self.statuses[key] = ids[(ids.index(self.statuses[key]) + 1) % len(ids)]
        self.leaving = False
        self.draw_labels()

    def action_save(self) -> None:
        if self.seq is None:
            return
        content, seq = self.content(), self.seq

        def saved(new_seq: int) -> None:
            self.saved, self.seq, self.leaving = content, new_seq, False
            self.say(_("tool.saved", seq=new_seq))

        self.background(
            lambda: self.csvc_app.workspace.cases.save_case_tool(self.case_id, self.tool.id, content, seq),
            saved,
            group="tool-save",
        )

    def action_print(self) -> None:
        """Her answers on screen, under a neutral title, to a file she names."""
        if not self.tool.printable:
            self.say(_("tool.not_printable"), warning=True)
            return
        self.run_worker(self.print_to(self.content()), exclusive=True, group="tool-ask")

    async def print_to(self, content: dict[str, Any]) -> None:
        """The file asked (one in the home folder offered), then ``content`` printed to it."""
        path = await self.ask(AskText(_("tool.print_prompt"), str(Path.home() / _("tool.print_name"))))
        if not path:
            return
        target, workspace, case_id = Path(path).expanduser(), self.csvc_app.workspace, self.case_id
        self.background(
            lambda: workspace.cases.print_tool(case_id, content, target),
            lambda _done: self.say(_("tool.printed", path=str(target))),
            group="tool-print",
        )

    def action_back(self) -> None:
        if self.seq is not None and self.content() != self.saved and not self.leaving:
            self.leaving = True
            self.say(_("tool.unsaved"), warning=True)
            return
        self.dismiss()
