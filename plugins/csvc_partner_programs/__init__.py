"""csvc_partner_programs — the plugin of programmes for men with violent behaviour (``partner_program``).

It ships ``partner-risk``, an appraisal centred on the partner: his own suicide risk and the risk of homicide
in chronic, aggravating and precipitating tiers, plus accountability indicators (the Duluth wheel's tactics as
a taxonomy). It raises a flag when accountability is low, and recommends the programme's actions: warning
people at risk under art. 60.4 when precipitating factors appear, suicide-prevention referral, informing
corrections of a breach, and follow-up in the programme.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from csvc_core.plugin import (
    YES,
    Action,
    Adaptation,
    Flag,
    Instrument,
    Result,
    Sector,
    Text,
    acts_for,
    hookimpl,
    load_action_specs,
)

SECTOR = "partner_program"
INSTRUMENT = "partner-risk"
DATA = Path(__file__).resolve().parent / "data"  # installed unzipped: no importlib.resources needed
ACTIONS = load_action_specs(DATA / "actions.toml", sectors=(SECTOR, "csvc"))

PRECIPITATING = frozenset(
    {"homicide_plan", "no_way_out", "weapon_acquisition", "suicide_plan", "final_arrangements"}
)
SUICIDE = frozenset({"suicidal_ideation", "suicide_threats", "suicide_plan"})
#: answers that show he does not take responsibility for his violence.
EVASIONS = ("minimises", "denies", "blames_others")
#: grid items that a programme establishes in its interviews with the partner.
PARTNER_INTERVIEW = ("suicidal_ideation", "no_way_out", "homicide_plan", "separation", "obsessive_jealousy")

LOW_ACCOUNTABILITY = Text(
    fr="Responsabilisation faible : minimise, nie ou blâme, sans reconnaître sa responsabilité",
    en="Low accountability: minimises, denies or blames, without acknowledging responsibility",
)


@hookimpl
def csvc_sectors() -> list[Sector]:
    return [
        Sector(
            id=SECTOR,
            name=Text(
                fr="Organismes pour conjoints ayant des comportements violents",
                en="Programmes for men with violent behaviour",
            ),
            mandate=Text(
                fr="Responsabiliser les conjoints, apprécier leur risque d'homicide et de suicide, "
                "avertir les personnes en danger et collaborer au suivi des conditions.",
                en="Hold partners accountable, appraise their risk of homicide and suicide, warn people in "
                "danger and help follow up on conditions.",
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
    return Adaptation(
        sources={item: "partner_interview" for item in PARTNER_INTERVIEW if instrument.item(item)}
    )


@hookimpl
def csvc_flags(result: Result, history: Sequence[Result]) -> list[Flag]:
    if result.instrument.id != INSTRUMENT:
        return []
    answers = result.input.answers
    evasions = tuple(item for item in EVASIONS if answers.get(item) == YES)
    if evasions and answers.get("acknowledges_responsibility") != YES:
        return [Flag(id="low_accountability", items=evasions, label=LOW_ACCOUNTABILITY)]
    return []


@hookimpl
def csvc_recommend_actions(result: Result, sector: str | None) -> list[Action]:
    if not acts_for(SECTOR, sector) or result.compromission is None:
        return []
    observed = result.observed_factors()
    actions = []
    if observed & PRECIPITATING:
        actions.append(ACTIONS["warn_people_at_risk"].propose(result))
    if observed & SUICIDE:
        urgent = bool(observed & {"suicide_plan", "no_way_out"})
        actions.append(
            ACTIONS["suicide_prevention_referral"].propose(result, due_after="PT0S" if urgent else None)
        )
    if "breach_of_conditions" in observed:
        actions.append(ACTIONS["inform_corrections"].propose(result))
    if result.input.protagonist == "partner":
        due = "PT72H" if result.compromission >= 3 else None
        actions.append(ACTIONS["program_follow_up"].propose(result, due_after=due))
    return actions
