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
    """An instrument's level, once: a number always goes with the shared scale's name for it (``4 Imminent``
    on that rank's colour); an instrument's own name that differs from it comes first (``Moyen →
    compromission 2 Modéré``), so that one number never carries two names."""
    level = instrument.level(level_id) if level_id else None
    if level is None:
        return RichText(_("level.none"), style="dim")
    name = level.label.get(language())
    scale_level = scale().get(level.compromission or 0)
    if scale_level is None:
        return RichText(name, style="bold")
    if name == scale_level.label.get(language()):
        return compromission_text(scale_level.rank)
    text = RichText(name, style="bold")
    text.append(" → " + _("level.scale") + " ")
    return text.append_text(compromission_text(scale_level.rank))


def trend_text(ranks: Sequence[int]) -> RichText:
    """One bar per assessment (oldest first): height and colour by compromission, the digit under it."""
    text = RichText()
    for rank in ranks:
        colour = scale()[rank].colour if rank in scale() else "white"
        text.append(BARS.get(rank, "·") + f"{rank} ", style=colour)
    return text
