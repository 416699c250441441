"""The UI's themes: the default dark one, and a high-contrast one (pure black and white, yellow focus)."""

from __future__ import annotations

from textual.theme import Theme

THEMES = (
    Theme(
        name="csvc",
        primary="#5f87d7",
        secondary="#87afd7",
        accent="#ffaf00",
        warning="#ffaf00",
        error="#ff5f5f",
        success="#5fd787",
        background="#121212",
        surface="#1c1c1c",
        panel="#262626",
        dark=True,
    ),
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
