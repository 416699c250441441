"""Sector mandates: a sector exists when a plugin declares it, and a plugin acts within its own sectors.

A plugin's mandate is the set of sectors it declares through ``csvc_sectors``; a plugin that declares none
(it serves a sector another plugin declares) has the sectors of the instruments it ships. Every plugin may
also propose actions of the partnership (``csvc``). The core's default actions come from an instrument's
``[[actions]]``: each must belong to one of the instrument's sectors or to the partnership.
"""

from __future__ import annotations

from collections.abc import Collection

from csvc_core.model import Action, Instrument
from csvc_core.problems import Problem
from csvc_core.sectors import PARTNERSHIP


def instrument_sector_problems(instrument: Instrument, known: Collection[str]) -> list[str]:
    """Sectors of an instrument and of its ``[[actions]]`` that no plugin declares, or that it may not
    serve."""
    where = f"{instrument.origin}: " if instrument.origin else ""
    problems: list[str] = [
        Problem(f"{where}$.sectors", "author.undeclared_sector", sector=sector)
        for sector in instrument.sectors
        if sector not in known
    ]
    allowed = {*instrument.sectors, PARTNERSHIP}
    for index, action in enumerate(instrument.actions):
        at = f"{where}$.actions[{index}].sector"
        if action.sector not in known:
            problems.append(Problem(at, "author.undeclared_sector", sector=action.sector))
        elif action.sector not in allowed:
            problems.append(
                Problem(
                    at,
                    "author.sector_outside",
                    sector=action.sector,
                    sectors=", ".join(instrument.sectors),
                    partnership=PARTNERSHIP,
                )
            )
    return problems


def action_problem(
    action: Action, mandate: Collection[str], acting: str | None, known: Collection[str]
) -> str | None:
    """Why a proposed action is refused, or None: an undeclared sector, a sector outside the proposer's
    mandate, or, when a sector acts, a sector other than the acting one and the partnership."""
    if action.sector not in known:
        return Problem("", "author.action_undeclared_sector", action=action.id, sector=action.sector)
    if action.sector != PARTNERSHIP and action.sector not in mandate:
        within = ", ".join(sorted(mandate))
        return Problem(
            "", "author.action_outside_mandate", action=action.id, sector=action.sector, mandate=within
        )
    if acting is not None and action.sector not in (acting, PARTNERSHIP):
        return Problem(
            "", "author.action_other_sector", action=action.id, sector=action.sector, acting=acting
        )
    return None
