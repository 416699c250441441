"""The high-contrast theme (pure black and white, yellow focus); the usual one is Textual's own dark theme,
kept as it is so that starting costs no second pass over the styles."""

from __future__ import annotations

from textual.theme import Theme

USUAL = "textual-dark"
CONTRAST = "csvc-contrast"

THEMES = (
    Theme(
        name="csvc-contrast",
        primary="#ffff00",
        secondary="#ffffff",
        accent="#ffff00",
        warning="#ffff00",
        error="#ff0000",
        success="#00ff00",
        foreground="#ffffff",
        background="#000000",
        surface="#000000",
        panel="#000000",
        boost="#ffffff",
        dark=True,
        luminosity_spread=0.0,
        text_alpha=1.0,
    ),
)
