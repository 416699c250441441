"""The case list as a Line API widget: only the rows on screen are drawn, so 10,000 cases open at once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.style import Style
from rich.text import Text as RichText
from textual import events
from textual.binding import BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from csvc_tui.keys import bind
from csvc_tui.records import CaseRow
from csvc_tui.text import _
from csvc_tui.widgets.level import compromission_text

LEVEL_WIDTH, DUE_WIDTH, ACTIONS_WIDTH = 16, 21, 17
#: the case number as the list shows it: its first digits, enough to find it (the search reads the whole);
#: shown when the names keep NAME_ROOM columns beside it (at 80 columns, unless the list has overdue actions).
NUMBER_DIGITS = 6
NUMBER_WIDTH = NUMBER_DIGITS + 1
NAME_ROOM = 24


def due_text(row: CaseRow) -> RichText:
    """What is due: an assessment never made (or none in force), a late re-assessment, or the next one."""
    if row.compromission is None:
        return RichText(_("cases.assess_due"), style="bold")
    if row.reassess_by is None:
        return RichText()
    when = row.reassess_by.astimezone().strftime("%Y-%m-%d")
    if row.overdue:
        return RichText(_("cases.overdue_since", when=when), style="bold")
    return RichText(_("cases.reassess", when=when))


def row_text(row: CaseRow, width: int, actions_column: bool = False) -> RichText:
    """``■ 3 Aggravé   name   3fa4c2 EN RETARD 2026-11-28 2 act. en retard``, each column whole at 80
    columns: level, name, case number (what the search also finds) when there is room, what is due; the column
    of overdue actions only when a row of the list has some (``actions_column``)."""
    text = compromission_text(row.compromission)
    text.pad_right(max(0, LEVEL_WIDTH - text.cell_len))
    room = width - LEVEL_WIDTH - DUE_WIDTH - (ACTIONS_WIDTH if actions_column else 0)
    number = room - NUMBER_WIDTH >= NAME_ROOM
    name_width = max(8, room - NUMBER_WIDTH if number else room)
    name = RichText(row.name if len(row.name) < name_width else row.name[: name_width - 2] + "…")
    name.pad_right(name_width - name.cell_len)
    text.append_text(name)
    if number:
        text.append(row.case_id[:NUMBER_DIGITS].ljust(NUMBER_WIDTH), style="dim")
    due = due_text(row)
    if row.overdue_actions:
        due.pad_right(max(0, DUE_WIDTH - due.cell_len))
        due.append(_("cases.overdue_actions", count=row.overdue_actions), style="bold")
    text.append_text(due)
    return text


class CaseTable(ScrollView, can_focus=True):
    """Rows of cases; ↑↓ PgUp PgDn Home End move, Enter opens."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("list_down", "cursor(1)", show=False),
        bind("list_up", "cursor(-1)", show=False),
        bind("list_page_down", "page(1)", show=False),
        bind("list_page_up", "page(-1)", show=False),
        bind("list_first", "first", show=False),
        bind("list_last", "last", show=False),
        bind("case_open", "open"),
    ]

    cursor = reactive(0, init=False)

    class Opened(Message):
        def __init__(self, case_id: str) -> None:
            super().__init__()
            self.case_id = case_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[CaseRow] = []
        self.actions_column = False

    def show_rows(self, rows: Sequence[CaseRow]) -> None:
        self.rows = list(rows)
        self.actions_column = any(row.overdue_actions for row in self.rows)
        self.cursor = min(self.cursor, max(0, len(self.rows) - 1))
        self.virtual_size = Size(self.size.width, len(self.rows))
        self.refresh()

    @property
    def current(self) -> CaseRow | None:
        return self.rows[self.cursor] if self.rows else None

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_offset.y) + y
        width = self.size.width
        if index >= len(self.rows):
            return Strip.blank(width)
        text = row_text(self.rows[index], width, self.actions_column)
        strip = Strip(list(text.render(self.app.console)), text.cell_len).crop_extend(0, width, None)
        if index == self.cursor and self.has_focus:
            strip = strip.apply_style(Style(reverse=True))
        elif index == self.cursor:
            strip = strip.apply_style(Style(underline=True))
        return strip

    def watch_cursor(self, old: int, new: int) -> None:
        self.scroll_to_region(Region(0, new, 1, 1), animate=False, immediate=True)
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        index = int(self.scroll_offset.y) + event.y
        if 0 <= index < len(self.rows):
            self.cursor = index
            if event.chain > 1:
                self.action_open()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def action_cursor(self, step: int) -> None:
        if self.rows:
            self.cursor = max(0, min(self.cursor + step, len(self.rows) - 1))

    def action_page(self, step: int) -> None:
        self.action_cursor(step * max(1, self.size.height - 1))

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = max(0, len(self.rows) - 1)

    def action_open(self) -> None:
        if self.current is not None:
            self.post_message(self.Opened(self.current.case_id))
