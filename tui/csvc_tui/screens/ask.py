"""Small modal questions: a line of text (a note, a reason, a typed answer), a choice in a list, several
choices ticked in a list."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text as RichText
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from csvc_tui.keys import bind
from csvc_tui.text import _


class AskText(ModalScreen[str | None]):
    """Ask one line of text; Enter gives it, Escape gives None (nothing changed). A value offered is selected
    (typing replaces it); a line being typed before (``resumed``) is not: typing goes on at its end."""

    BINDINGS: ClassVar[list[BindingType]] = [bind("cancel", "cancel")]

    def __init__(
        self, prompt: str, value: str = "", *, password: bool = False, error: str = "", resumed: bool = False
    ) -> None:
        super().__init__(classes="ask")
        self.prompt, self.value, self.password, self.error = prompt, value, password, error
        self.resumed = resumed

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.prompt, classes="prompt")
            yield Input(self.value, password=self.password, id="answer", select_on_focus=not self.resumed)
            yield Static(self.error, id="error", classes="error")
            yield Static(_("ask.hint"), classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def show_error(self, message: str) -> None:
        self.query_one("#error", Static).update(message)

    def action_cancel(self) -> None:
        self.dismiss(None)


class AskChoice(ModalScreen[str | None]):
    """Choose one of ``choices`` (id, label); Escape gives None."""

    BINDINGS: ClassVar[list[BindingType]] = [bind("cancel", "cancel")]

    def __init__(
        self, prompt: str, choices: Sequence[tuple[str, object]], selected: str | None = None
    ) -> None:
        super().__init__(classes="ask")
        self.prompt, self.choices, self.selected = prompt, list(choices), selected

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.prompt, classes="prompt")
            yield OptionList(*(Option(label, id=key) for key, label in self.choices), id="choices")  # type: ignore[arg-type]
            yield Static(_("ask.choice_hint"), classes="hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        ids = [key for key, _label in self.choices]
        if self.selected in ids:
            options.highlighted = ids.index(self.selected)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class AskMany(ModalScreen[list[str] | None]):
    """Tick any of ``choices`` (space: ``[x]`` or ``[ ]``, in text, not colour), Enter to give them, Escape to
    cancel."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("cancel", "cancel"),
        bind("many_tick", "tick", priority=True),
        bind("many_done", "done", priority=True),
    ]

    def __init__(self, prompt: str, choices: Sequence[tuple[str, str]], error: str = "") -> None:
        super().__init__(classes="ask")
        self.prompt, self.choices, self.error = prompt, list(choices), error
        self.ticked: set[str] = set()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.prompt, classes="prompt")
            yield OptionList(
                *(Option(self.line(key, label), id=key) for key, label in self.choices), id="many"
            )
            yield Static(self.error, classes="error")
            yield Static(_("ask.many_hint"), classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = 0

    def line(self, key: str, label: str) -> RichText:
        """The box and the label as plain text (a ``str`` prompt is markup: ``[x]`` would vanish)."""
        return RichText(f"[{'x' if key in self.ticked else ' '}] {label}")

    def action_tick(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return
        key, label = self.choices[options.highlighted]
        self.ticked.symmetric_difference_update({key})
        options.replace_option_prompt_at_index(options.highlighted, self.line(key, label))

    def action_done(self) -> None:
        self.dismiss([key for key, _label in self.choices if key in self.ticked])

    def action_cancel(self) -> None:
        self.dismiss(None)
