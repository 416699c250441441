"""csvc_shelter — the shelters' sector plugin (maisons d'hébergement).

It declares the ``shelter`` sector, ships the ``risk-checklist`` (a count rule with the four referral criteria
to intersectoral concertation) and the ``domination-process`` observation (structured judgement, four
dimensions), provides the victim's safety plan (:mod:`csvc_shelter.safety_plan`) as a case tool and
recommends the actions of a shelter's mandate, including the art. 60.4 alert to police when the level is
imminent.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from csvc_core.plugin import (
    Action,
    Adaptation,
    CaseTool,
    Instrument,
    Result,
    Sector,
    Text,
    acts_for,
    hookimpl,
    load_action_specs,
)

if TYPE_CHECKING:
    import click

SECTOR = "shelter"
DATA = Path(__file__).resolve().parent / "data"  # installed unzipped: no importlib.resources needed
ACTIONS = load_action_specs(DATA / "actions.toml", sectors=(SECTOR, "csvc"))

#: factors for which a protection order or peace bond is worth supporting whatever the level.
PROTECTION_ORDER = frozenset({"threats_to_kill", "stalking", "breach_of_conditions", "weapon_threat"})
#: items of the shared grid that rest on what she tells (a privileged source).
HER_ACCOUNT = ("fear_for_life", "threats_to_kill", "strangulation", "stalking", "separation")


@hookimpl
def csvc_sectors() -> list[Sector]:
    return [
        Sector(
            id=SECTOR,
            name=Text(fr="Maisons d'hébergement", en="Shelters"),
            mandate=Text(
                fr="Accueillir et héberger en sécurité, accompagner les femmes et leurs enfants, faire "
                "le plan de sécurité avec elles et alerter les partenaires quand leur vie est en danger.",
                en="Take in and shelter safely, accompany women and their children, make the safety "
                "plan with them and alert partners when their lives are in danger.",
            ),
        )
    ]


@hookimpl
def csvc_instrument_sources() -> list[Path]:
    return [DATA / "instruments"]


@hookimpl
def csvc_commands() -> list[click.Command]:
    from csvc_shelter.commands import safety_plan  # imported only when the CLI lists its commands

    return [safety_plan]


@hookimpl
def csvc_case_tools() -> list[CaseTool]:
    from csvc_shelter.safety_plan import plan_tool

    return [plan_tool()]


@hookimpl
def csvc_adapt_instrument(instrument: Instrument, sector: str) -> Adaptation | None:
    if sector != SECTOR or instrument.id != "csvc-grid":
        return None
    return Adaptation(sources={item: "victim_account" for item in HER_ACCOUNT if instrument.item(item)})


@hookimpl
def csvc_recommend_actions(result: Result, sector: str | None) -> list[Action]:
    if not acts_for(SECTOR, sector) or result.compromission is None:
        return []
    level = result.compromission
    actions = [ACTIONS["safety_plan"].propose(result, due_after="PT24H" if level >= 3 else None)]
    if level >= 2:
        if level >= 4:
            actions.append(ACTIONS["shelter_offer"].propose(result, due_after="PT0S", mandatory=True))
        else:
            actions.append(ACTIONS["shelter_offer"].propose(result, due_after="PT4H" if level >= 3 else None))
        actions.append(ACTIONS["accompaniment"].propose(result))
    if level >= 3 or result.observed_factors() & PROTECTION_ORDER:
        actions.append(ACTIONS["protection_order"].propose(result))
    if level >= 4:
        actions.append(ACTIONS["police_alert_60_4"].propose(result))
    return actions
