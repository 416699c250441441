"""A tick list whose long labels wrap under themselves (nothing cut at 80 columns): the box on an option's
first line only, empty until ticked so that it reads without colours."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widgets import Checkbox, OptionList

from csvc_tui.screens.sharing_form import TickList


class WrappingTicks(TickList):
    """:class:`TickList` with wrapped labels; lines map to options as OptionList marks them."""

    def option_at(self, y: int) -> int | None:
        """The option line ``y`` of the view shows: OptionList marks each line with it (for the mouse)."""
        if self.scroll_offset.y + y < 0:
            return None
        for segment in OptionList.render_line(self, y):
            if segment.style is not None and "option" in segment.style.meta:
                return int(segment.style.meta["option"])
        return None

    def render_line(self, y: int) -> Strip:
        line = OptionList.render_line(self, y)
        index = self.option_at(y)
        if index is None:
            return line
        underlying = next(iter(line)).style or self.rich_style
        width = len(Checkbox.BUTTON_LEFT + Checkbox.BUTTON_INNER + Checkbox.BUTTON_RIGHT)
        if self.option_at(y - 1) == index:
            return Strip([Segment(" " * (width + 1), underlying), *line])
        value = self.get_option_at_index(index).value
        component = "selection-list--button"
        if value in self.selected:
            component += "-selected"
        if self.highlighted == index:
            component += "-highlighted"
        button = self.get_component_rich_style(component) + Style(meta={"option": index})
        side = Style.from_color(button.bgcolor, underlying.bgcolor) + Style(meta={"option": index})
        inner = Checkbox.BUTTON_INNER if value in self.selected else " "
        return Strip(
            [
                Segment(Checkbox.BUTTON_LEFT, side),
                Segment(inner, button),
                Segment(Checkbox.BUTTON_RIGHT, side),
                Segment(" ", underlying),
                *line,
            ]
        )
