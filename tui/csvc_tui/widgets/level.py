"""Levels shown with their name AND their colour (never colour alone), and a text chart of a trend."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from rich.text import Text as RichText

from csvc_core.model import Instrument
from csvc_core.scale import ScaleLevel, load_scale
from csvc_tui.text import _, language

BARS = {1: "▂", 2: "▄", 3: "▆", 4: "█"}


@cache
def scale() -> dict[int, ScaleLevel]:
    return {level.rank: level for level in load_scale()}


def compromission_text(rank: int | None) -> RichText:
    """``■ 3 Aggravé`` on the scale's colour; ``—`` before any assessment."""
    if rank is None or rank not in scale():
        return RichText(_("level.none"), style="dim")
    level = scale()[rank]
    return RichText(f" {rank} {level.label.get(language())} ", style=f"bold black on {level.colour}")


def level_text(instrument: Instrument, level_id: str | None) -> RichText:
    """An instrument's level, once: its rank on the shared scale and its own name (``3 Élevé``), on that
    rank's colour; the name alone when the level has no rank on the scale."""
    level = instrument.level(level_id) if level_id else None
    if level is None:
        return RichText(_("level.none"), style="dim")
    name = level.label.get(language())
    scale_level = scale().get(level.compromission or 0)
    if scale_level is None:
        return RichText(name, style="bold")
    return RichText(f" {scale_level.rank} {name} ", style=f"bold black on {scale_level.colour}")


def trend_text(ranks: Sequence[int]) -> RichText:
    """One bar per assessment (oldest first): height and colour by compromission, the digit under it."""
    text = RichText()
    for rank in ranks:
        colour = scale()[rank].colour if rank in scale() else "white"
        text.append(BARS.get(rank, "·") + f"{rank} ", style=colour)
    return text
