"""What the sharing forms have in common: a title, labelled rows that fit 80 columns, one line of refusal in
the UI's language, Ctrl+S to go on and Escape to leave with nothing recorded."""

from __future__ import annotations

from abc import ABCMeta, abstractmethod
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.segment import Segment
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Select, SelectionList, Static
from textual.widgets._select import SelectCurrent, SelectOverlay  # Select's own parts: no public name
from textual.widgets.selection_list import Selection

from csvc_core.errors import CsvcError
from csvc_tui.keys import bind
from csvc_tui.screens.working import WorkingScreen
from csvc_tui.sharing_words import refusal_text
from csvc_tui.text import _

if TYPE_CHECKING:
    from csvc_tui.sharing import SharingWork


def row(label: str, widget: Widget) -> Horizontal:
    """A label and its field on one line."""
    return Horizontal(Static(label, classes="row-label"), widget, classes="form-row")


class ChoiceOverlay(SelectOverlay):
    """The open list of a choice, its Escape named in the UI's language (Textual's says "Dismiss menu")."""

    BINDINGS: ClassVar[list[BindingType]] = [bind("choice_close", "dismiss")]


class Choice(Select[str]):
    """A one-line choice whose open list speaks the UI's language."""

    def compose(self) -> ComposeResult:
        yield SelectCurrent(self.prompt)
        yield ChoiceOverlay().data_bind(compact=Select.compact)


def choice(choices: Iterable[tuple[str, str]], widget_id: str, value: str | None = None) -> Select[str]:
    """A one-line choice (value, label): ``value`` chosen, or nothing (and a blank line to go back to)."""
    options = [(label, key) for key, label in choices]
    if value is None:
        return Choice(options, id=widget_id, compact=True, prompt=_("sharing.choose"))
    return Choice(options, id=widget_id, compact=True, value=value, allow_blank=False)


class TickList(SelectionList[str]):
    """A list ticked one by one with Space; an unticked box is empty, so that it reads without colours."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        index = self.scroll_offset.y + y
        boxed = len(segments) > 1 and segments[1].text == Checkbox.BUTTON_INNER and index < self.option_count
        if boxed and self.get_option_at_index(index).value not in self.selected:
            segments[1] = Segment(" ", segments[1].style)
        return Strip(segments, strip.cell_length)

    def on_focus(self) -> None:
        if self.highlighted is None and self.option_count:
            self.highlighted = 0


class TickBox(Checkbox):
    """A checkbox whose box is empty until ticked (readable without colours)."""

    @property  # Textual reads the box's inside from this name
    def BUTTON_INNER(self) -> str:  # type: ignore[override]
        return "X" if self.value else " "


def ticks(choices: Iterable[tuple[str, str]], widget_id: str) -> TickList:
    """A list ticked one by one with Space: nothing is ticked to begin with."""
    return TickList(*(Selection(label, key, False) for key, label in choices), id=widget_id, compact=True)


class SharingPart(WorkingScreen[Any]):
    """A screen of the sharing part: it reaches the store through the workspace's sharing calls."""

    @property
    def work(self) -> SharingWork:
        return self.csvc_app.workspace.sharing


class AbstractScreenMeta(type(Screen), ABCMeta):  # type: ignore[misc]
    """Textual's metaclass (reached through a screen: it has no public name) and the abstract methods' check
    together: a screen that leaves one of them undefined cannot be made."""


class SharingForm(SharingPart, metaclass=AbstractScreenMeta):  # type: ignore[metaclass]  # mypy: see above
    """Base of the consent, share and disclosure forms: ``submit`` on Ctrl+S, Escape leaves."""

    DEFAULT_CSS = """
    SharingForm .form-body { height: 1fr; padding: 0 1; }
    SharingForm .form-row { height: 1; margin-top: 1; }
    SharingForm .row-label { width: 30; color: $text-muted; }
    SharingForm .form-row Input, SharingForm .form-row Select { width: 1fr; }
    SharingForm .form-row Input { background: $panel; }
    SharingForm .form-row Input:focus, SharingForm .form-row Select:focus { background: $accent 30%; }
    SharingForm .form-intro { color: $text-muted; }
    SharingForm SelectionList { height: auto; max-height: 12; margin-top: 1; }
    SharingForm .form-error { height: auto; max-height: 7; padding: 0 1; overflow-y: auto; }
    SharingForm Checkbox { margin-top: 1; }
    SharingForm .form-guard { height: auto; max-height: 4; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("form_submit", "submit"),
        bind("cancel", "cancel"),
        # Tab moves the focus before the next key is read: what is typed right after lands in the next field
        # (Textual's own Tab waits behind the keys already handed to the field being left).
        bind("focus_next", "app.focus_next", priority=True, show=False),
        bind("focus_previous", "app.focus_previous", priority=True, show=False),
    ]

    def on_mount(self) -> None:
        """Open at the top (the first field's focus would scroll the introduction away)."""
        body = self.query_one(".form-body")
        self.call_after_refresh(body.scroll_home, animate=False)

    def no_partner_hint(self, partners: Iterable[object]) -> ComposeResult:
        """Under an empty list of partner organisations: who adds one, and where."""
        if not any(True for _partner in partners):
            yield Static(_("sharing.no_partner"), classes="form-intro")

    def error_line(self) -> ComposeResult:
        yield Static(id="form-error", classes="form-error error")

    def show_error(self, message: str) -> None:
        self.query_one("#form-error", Static).update(message)

    def refused(self, error: CsvcError) -> None:
        """The core's or the store's refusal, as one message in the UI's language; nothing was recorded."""
        self.show_error(refusal_text(error))

    def text(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value.strip()

    def chosen(self, widget_id: str) -> str:
        value = self.query_one(f"#{widget_id}", Select).value
        return "" if value is Select.NULL else str(value)

    def ticked(self, widget_id: str) -> list[str]:
        return list(self.query_one(f"#{widget_id}", SelectionList).selected)

    @abstractmethod
    def submit(self) -> None:
        """Check what is typed (nothing recorded yet) and go on; each form says how."""

    def action_submit(self) -> None:
        self.show_error("")
        self.submit()

    def action_cancel(self) -> None:
        self.dismiss(None)
