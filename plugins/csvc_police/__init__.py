"""csvc_police — the police sector plugin, and the worked example of ``docs/plugins.md``.

It declares the ``police`` sector, ships the ``lethality-screen`` instrument (the Maryland LAP screening rule,
in the project's own words), marks the items of the shared grid that officers establish from police records,
and recommends the actions within a police mandate. It uses only the public API of ``csvc_core``.
"""

from __future__ import annotations

from pathlib import Path

from csvc_core.plugin import (
    Action,
    Adaptation,
    Instrument,
    Result,
    Sector,
    Text,
    acts_for,
    hookimpl,
    load_action_specs,
)

SECTOR = "police"
DATA = Path(__file__).resolve().parent / "data"  # installed unzipped: no importlib.resources needed
ACTIONS = load_action_specs(DATA / "actions.toml", sectors=(SECTOR, "csvc"))

#: items of the shared grid that officers establish from police files rather than from the interview.
POLICE_RECORDS = (
    "violence_history",
    "violence_outside_family",
    "violence_toward_children",
    "breach_of_conditions",
    "firearm_access",
)
#: factors that describe an offence the police investigate (threats, assault, harassment, breach, ...).
OFFENCES = frozenset(
    {
        "weapon_threat",
        "threats_to_kill",
        "threats",
        "strangulation",
        "physical_harm",
        "sexual_violence",
        "stalking",
        "breach_of_conditions",
        "hostage_or_confinement",
        "violence_toward_children",
    }
)
WEAPONS = frozenset({"firearm_access", "weapon_acquisition", "weapon_threat"})


@hookimpl
def csvc_sectors() -> list[Sector]:
    return [
        Sector(
            id=SECTOR,
            name=Text(fr="Services policiers", en="Police services"),
            mandate=Text(
                fr="Protéger les personnes, enquêter sur les infractions et les soumettre au DPCP, "
                "contrôler les armes et veiller au respect des conditions.",
                en="Protect people, investigate offences and submit them to the prosecutors, "
                "control weapons and see that conditions are respected.",
            ),
        )
    ]


@hookimpl
def csvc_instrument_sources() -> list[Path]:
    return [DATA / "instruments"]


@hookimpl
def csvc_adapt_instrument(instrument: Instrument, sector: str) -> Adaptation | None:
    if sector != SECTOR or instrument.id != "csvc-grid":
        return None
    known = {item.id for item in instrument.items}
    return Adaptation(sources={item: "police_records" for item in POLICE_RECORDS if item in known})


@hookimpl
def csvc_recommend_actions(result: Result, sector: str | None) -> list[Action]:
    if not acts_for(SECTOR, sector) or result.compromission is None:
        return []
    observed = result.observed_factors()
    high = result.compromission >= 3
    actions = []
    if observed & WEAPONS:
        actions.append(ACTIONS["firearm_seizure"].propose(result, due_after="PT4H" if high else None))
    if observed & OFFENCES:
        actions.append(ACTIONS["investigation"].propose(result))
    if high:
        actions.append(ACTIONS["release_conditions_request"].propose(result))
        watch_due = "PT2H" if result.compromission >= 4 else None
        actions.append(ACTIONS["address_watch"].propose(result, due_after=watch_due))
        actions.append(ACTIONS["concertation_referral"].propose(result))
    return actions
