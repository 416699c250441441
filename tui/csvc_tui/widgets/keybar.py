"""The screen's keys on its last line, as Textual's ``Footer(compact=True)`` shows them, drawn by ONE widget.

Textual's footer mounts a widget per key and mounts them all again whenever the bindings change (each focus
change): at start that alone took longer than drawing a screen of cases. This bar reads the screen's active
bindings when it draws, and is only redrawn when they change. Same keys, same order, same colours (the
theme's ``$footer-*`` variables); a click runs the key, hovering shows its tooltip. The privacy key and help
are pinned at the right, beside the command palette's: however many keys a screen has, they stay in sight.
"""

from __future__ import annotations

from typing import ClassVar, NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget

from csvc_tui.keys import binding_label, binding_tooltip, in_declared_order

SEPARATOR = "▏"
#: binding ids never cut off the bar, whatever its width: hide everything (F12), and help (F1).
PINNED = ("privacy", "help")


class Key(NamedTuple):
    """One key on the bar and the cells it takes."""

    binding: Binding
    display: str
    description: str
    enabled: bool
    tooltip: str
    start: int = 0
    end: int = 0


class KeyBar(Widget):
    """The described keys of the focus, screen and the app; the command palette's at the right."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {"keybar--key", "keybar--description", "keybar--separator"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        .keybar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .keybar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .keybar--separator {
            color: $foreground 20%;
        }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.keys: list[Key] = []
        self.hovered: int | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen[object]) -> None:
        self.refresh()

    def shown(self) -> tuple[list[Key], Key | None]:
        """The keys to show, one per action (its first key), and the command palette's key. Binding groups
        are not drawn as groups: csvc's bindings have none."""
        keys: list[Key] = []
        actions: set[str] = set()
        app = self.app
        active = self.screen.active_bindings
        for _key, (_node, binding, enabled, _tooltip) in in_declared_order(active):
            if not binding.show or binding.action in actions:
                continue
            actions.add(binding.action)
            keys.append(self._key(binding, enabled))
        palette = None
        if app.ENABLE_COMMAND_PALETTE and app.COMMAND_PALETTE_BINDING in active:
            _node, binding, enabled, _tooltip = active[app.COMMAND_PALETTE_BINDING]
            palette = self._key(binding, enabled)
        return keys, palette

    def _key(self, binding: Binding, enabled: bool) -> Key:
        """The key as the bar shows it, its label and tooltip read now, in the chosen language."""
        return Key(
            binding,
            self.app.get_key_display(binding),
            binding_label(binding),
            enabled,
            binding_tooltip(binding),
        )

    def render(self) -> Text:
        key_style = self.get_component_rich_style("keybar--key")
        description_style = self.get_component_rich_style("keybar--description")
        keys, palette = self.shown()
        pinned = [key for key in keys if key.binding.id in PINNED]
        right = Text()
        placed: list[Key] = []
        for key in pinned:
            placed.append(
                self._append(right, key, len(keys) - len(pinned) + len(placed), key_style, description_style)
            )
        if palette is not None:
            right.append(SEPARATOR, self.get_component_rich_style("keybar--separator"))
            placed.append(self._append(right, palette, len(keys), key_style, description_style))
        room = max(0, self.size.width - right.cell_len)
        left = Text(no_wrap=True, overflow="crop")
        self.keys = []
        for key in (key for key in keys if key.binding.id not in PINNED):
            text = self._key_text(key, len(self.keys), key_style, description_style)
            if left.cell_len + text.cell_len + 1 > room:
                break  # whole keys only; the rest are in the help (F1) and the command palette
            self.keys.append(self._append(left, key, len(self.keys), key_style, description_style))
        left.truncate(room, pad=True)
        self.keys += [key._replace(start=key.start + room, end=key.end + room) for key in placed]
        left.append_text(right)
        left.stylize_before(self.rich_style)
        return left

    def _append(self, line: Text, key: Key, index: int, key_style: Style, description_style: Style) -> Key:
        """Draw ``key`` and a space at the end of ``line``: the key with the cells it takes there."""
        start = line.cell_len
        line.append_text(self._key_text(key, index, key_style, description_style))
        placed = key._replace(start=start, end=line.cell_len)
        line.append(" ")
        return placed

    def _key_text(self, key: Key, index: int, key_style: Style, description_style: Style) -> Text:
        text = Text.assemble((key.display, key_style), (" " + key.description, description_style))
        if not key.enabled:
            text.stylize(Style(dim=True))
        if index == self.hovered:
            text.stylize(Style(reverse=True))
        return text

    def key_at(self, x: int) -> int | None:
        return next((index for index, key in enumerate(self.keys) if key.start <= x < key.end), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        index = self.key_at(event.x)
        if index != self.hovered:
            self.hovered = index
            self.tooltip = (self.keys[index].tooltip or None) if index is not None else None
            self.refresh()

    def on_leave(self) -> None:
        if self.hovered is not None:
            self.hovered = None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        index = self.key_at(event.x)
        if index is None:
            return
        key = self.keys[index]
        if key.enabled:
            self.app.simulate_key(key.binding.key)
        else:
            self.app.bell()
