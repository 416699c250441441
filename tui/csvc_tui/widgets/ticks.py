"""A tick list whose long labels wrap under themselves (nothing cut at 80 columns): the box on an option's
first line only, empty until ticked so that it reads without colours."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widgets import OptionList
from textual.widgets._toggle_button import ToggleButton  # the box's characters: no public name

from csvc_tui.screens.sharing_form import TickList


class WrappingTicks(TickList):
    """:class:`TickList` with wrapped labels; lines map to options as OptionList maps them."""

    def render_line(self, y: int) -> Strip:
        line = OptionList.render_line(self, y)
        try:
            index, offset = self._lines[self.scroll_offset.y + y]
        except IndexError:
            return line
        underlying = next(iter(line)).style or self.rich_style
        width = len(ToggleButton.BUTTON_LEFT + ToggleButton.BUTTON_INNER + ToggleButton.BUTTON_RIGHT)
        if offset:
            return Strip([Segment(" " * (width + 1), underlying), *line])
        value = self.get_option_at_index(index).value
        component = "selection-list--button"
        if value in self.selected:
            component += "-selected"
        if self.highlighted == index:
            component += "-highlighted"
        button = self.get_component_rich_style(component) + Style(meta={"option": index})
        side = Style.from_color(button.bgcolor, underlying.bgcolor) + Style(meta={"option": index})
        inner = ToggleButton.BUTTON_INNER if value in self.selected else " "
        return Strip(
            [
                Segment(ToggleButton.BUTTON_LEFT, side),
                Segment(inner, button),
                Segment(ToggleButton.BUTTON_RIGHT, side),
                Segment(" ", underlying),
                *line,
            ]
        )
