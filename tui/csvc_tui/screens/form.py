"""The assessment form, answered from the keyboard: one line per item, the current one highlighted.

o/n/i (French) or y/n/u (English) or 1/2/3 answer yes/no/unknown and move to the next unanswered item;
digits answer ordinal items; Enter types a text, count or date; a note per item; follow-up items appear
when they apply.
Every change saves the draft (encrypted, in the store), in a worker of the form (csvc_tui.assessment).
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text as RichText
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import ProgressBar, Static

from csvc_core.errors import BadInput
from csvc_core.model import NO, UNKNOWN, YES
from csvc_tui.form import Field, FormState
from csvc_tui.keys import bind
from csvc_tui.screens.ask import AskText
from csvc_tui.screens.working import WorkingScreen
from csvc_tui.text import _, language
from csvc_tui.widgets.keybar import KeyBar
from csvc_tui.workspace import Draft, draft_key


def answer_text(field: Field, value: Any) -> str:
    """How an answer reads in the form."""
    if value is None:
        return _("form.unanswered")
    if field.type == "yes_no":
        return {YES: _("answer.yes"), NO: _("answer.no"), UNKNOWN: _("answer.unknown")}.get(value, str(value))
    if field.type == "multi_choice" and field.item is not None:
        labels = {choice.id: choice.label.get(language()) for choice in field.item.choices}
        return ", ".join(labels.get(v, v) for v in value)
    if field.context_key is not None and field.type == "date":
        return str(value)[:10]
    return str(value)


class FieldRow(Horizontal):
    """One field: its label (with a note mark) and its answer."""

    def __init__(self, number: str, field: Field) -> None:
        super().__init__(classes="field-row")
        self.field = field
        self.number = number

    def compose(self) -> ComposeResult:
        yield Static(f"{self.number + '.':>4}", classes="field-number")
        yield Static(classes="field-label")
        yield Static(classes="field-answer")

    def show(self, value: Any, noted: bool) -> None:
        label = RichText(self.field.label.get(language()))
        if self.field.item is not None and self.field.item.critical:
            label.append(" ⚑", style="bold")
        if noted:
            label.append(" ✎")
        self.query_one(".field-label", Static).update(label)
        self.query_one(".field-answer", Static).update(answer_text(self.field, value))
        self.set_class(value is None, "-unanswered")


class FormScreen(WorkingScreen[dict[str, Any] | None]):
    """Answer one instrument for one protagonist; left (Esc) with its draft, for the screen below to save."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("answer_yes", "answer('yes')"),
        bind("answer_no", "answer('no')"),
        bind("answer_unknown", "answer('unknown')"),
        *(bind("answer_digit", f"digit({n})", show=False, variant=str(n)) for n in range(10)),
        bind("item_next", "move(1)", show=False),
        bind("item_previous", "move(-1)", show=False),
        bind("section_next", "section(1)", show=False),
        bind("section_previous", "section(-1)", show=False),
        bind("item_type", "type_answer", show=False),
        bind("item_note", "note", show=False),
        bind("item_help", "toggle_help", show=False),
        bind("draft_save", "save_draft", show=False),
        bind("form_result", "result"),
        bind("back", "back", show=False),
    ]

    def __init__(self, state: FormState, title: str, *, case_id: str) -> None:
        super().__init__(classes="form-screen")
        self.state = state
        self.title_text = title
        self.case_id = case_id
        numbers = state.numbers()
        self.rows: list[FieldRow] = [FieldRow(numbers[field.id], field) for field in state.fields]
        self._current: FieldRow | None = None

    def compose(self) -> ComposeResult:
        yield Static(self.title_text, id="form-title", classes="screen-title")
        with Horizontal(id="form-progress"):
            yield ProgressBar(show_eta=False, show_percentage=False, id="progress")
            yield Static(id="answered")
            yield Static(id="section")
        with VerticalScroll(id="fields", can_focus=False):
            yield from self.rows
        with Vertical(id="item-detail"):
            yield Static(id="item-help")
            yield Static(id="item-note")
        yield KeyBar()

    def draft_snapshot(self) -> Draft:
        """What to keep when the screen is locked: the case and everything typed."""
        draft = self.state.draft()
        return self.case_id, draft_key(draft), draft

    def on_mount(self) -> None:
        for row in self.rows:
            row.show(self.state.value(row.field), row.field.id in self.state.notes)
        self.refresh_form()

    # -- drawing ---------------------------------------------------------------------------------------------
    def refresh_form(self, changed: Field | None = None) -> None:
        """Redraw what may have changed: the changed row, visibility, progress, the current row, its help."""
        state = self.state
        visible = {field.id for field in state.visible()}
        for row in self.rows:
            row.display = row.field.id in visible
            if changed is not None and row.field is changed:
                row.show(state.value(changed), changed.id in state.notes)
        answered, total = state.progress()
        self.query_one("#progress", ProgressBar).update(total=max(total, 1), progress=answered)
        self.query_one("#answered", Static).update(_("form.answered", answered=answered, total=total))
        current = state.current()
        row = next(r for r in self.rows if r.field is current)
        if self._current is not row:
            if self._current is not None:
                self._current.remove_class("-current")
            row.add_class("-current")
            self._current = row
        row.scroll_visible(animate=False)
        self.query_one("#section", Static).update(self.section_label(current))
        self.query_one("#item-help", Static).update(self.help_text(current))
        note = state.notes.get(current.id)
        self.query_one("#item-note", Static).update(_("form.note", note=note) if note else "")

    def section_label(self, field: Field) -> str:
        if field.context_key is not None:
            return _("form.context_section")
        groups = {group.id: group.label.get(language()) for group in self.state.instrument.groups}
        return groups.get(field.section or "", "")

    def help_text(self, field: Field) -> str:
        item = field.item
        parts = []
        if item is not None and item.help is not None:
            parts.append(item.help.get(language()))
        parts.append(_(f"form.hint.{field.type}"))
        return "\n".join(parts)

    def changed(self, field: Field) -> None:
        self.refresh_form(field)
        self.save_draft()

    def save_draft(self) -> None:
        from csvc_tui.assessment import save_draft

        save_draft(self)

    # -- actions ---------------------------------------------------------------------------------------------
    def action_answer(self, value: str) -> None:
        field = self.state.current()
        if self.state.answer_key(value):
            self.changed(field)
        else:
            self.notify(_("form.not_yes_no"), severity="warning")

    def action_digit(self, digit: int) -> None:
        field = self.state.current()
        if self.state.answer_digit(digit):
            self.changed(field)
        else:
            self.notify(_("form.digit_refused", digit=digit), severity="warning")

    def action_move(self, step: int) -> None:
        self.state.move(step)
        self.refresh_form()

    def action_section(self, step: int) -> None:
        self.state.move_section(step)
        self.refresh_form()

    def action_toggle_help(self) -> None:
        detail = self.query_one("#item-help", Static)
        detail.display = not detail.display

    def action_type_answer(self) -> None:
        field = self.state.current()
        if field.type == "yes_no":
            self.state.move(1)
            self.refresh_form()
            return
        current = self.state.value(field)
        shown = (
            ""
            if current is None
            else answer_text(field, current)
            if field.type != "multi_choice"
            else ",".join(current)
        )
        self.run_worker(self.type_answer(field, shown), exclusive=True, group="form-ask")

    async def type_answer(self, field: Field, shown: str) -> None:
        """The answer typed (``shown`` offered); one the field refuses is asked again, with why."""
        prompt = f"{field.label.get(language())}\n{_(f'form.hint.{field.type}')}"
        error = ""
        while True:
            raw = await self.ask(AskText(prompt, shown, error=error))
            if raw is None or self.state.current() is not field:
                return
            try:
                self.state.answer_text(raw)
            except BadInput as exc:
                shown, error = raw, _("form.bad_answer", error=exc.text(language()))
                continue
            self.state.move(1)
            self.changed(field)
            return

    def action_note(self) -> None:
        self.run_worker(self.ask_note(self.state.current()), exclusive=True, group="form-ask")

    async def ask_note(self, field: Field) -> None:
        prompt = _("form.note_prompt", item=field.label.get(language()))
        note = await self.ask(AskText(prompt, self.state.notes.get(field.id, "")))
        if note is not None and self.state.current() is field:
            self.state.set_note(note)
            self.changed(field)

    def action_save_draft(self) -> None:
        self.save_draft()
        self.notify(_("form.draft_saved"))

    def action_result(self) -> None:
        from csvc_tui.assessment import show_result

        show_result(self)

    def action_back(self) -> None:
        """Back to the case, with the draft as it is (saved by the case screen: this one is going)."""
        self.dismiss(self.state.draft())
