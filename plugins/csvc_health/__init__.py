"""csvc_health — the health and social services sector plugin.

It declares the ``health`` sector, ships the ``health-screen`` (the HITS rule) and a two-question
detection screen (``tension-screen``, after the short WAST) scored by its own strategy ``highest_answer``,
marks the grid items a clinician establishes on examination, and recommends the actions of a health mandate.
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
from csvc_health.scoring import HighestAnswerRule

SECTOR = "health"
DATA = Path(__file__).resolve().parent / "data"  # installed unzipped: no importlib.resources needed
ACTIONS = load_action_specs(DATA / "actions.toml", sectors=(SECTOR, "csvc"))

INJURIES = frozenset({"physical_harm", "strangulation", "sexual_violence"})
CHILDREN_EXPOSED = frozenset({"children_exposed", "violence_toward_children"})
SUICIDE = frozenset({"suicidal_ideation", "suicide_threats", "suicide_plan", "victim_distress"})


@hookimpl
def csvc_sectors() -> list[Sector]:
    return [
        Sector(
            id=SECTOR,
            name=Text(fr="Santé et services sociaux", en="Health and social services"),
            mandate=Text(
                fr="Dépister, soigner et documenter, évaluer le risque suicidaire, orienter vers les "
                "ressources et signaler les enfants exposés à la protection de la jeunesse.",
                en="Screen, treat and document, assess suicide risk, refer to services and report exposed "
                "children to youth protection.",
            ),
        )
    ]


@hookimpl
def csvc_instrument_sources() -> list[Path]:
    return [DATA / "instruments"]


@hookimpl
def csvc_scoring_rules() -> list[HighestAnswerRule]:
    return [HighestAnswerRule()]


@hookimpl
def csvc_adapt_instrument(instrument: Instrument, sector: str) -> Adaptation | None:
    if sector != SECTOR or instrument.id != "csvc-grid":
        return None
    examined = {"strangulation": "clinical_examination", "suicidal_ideation": "clinical_interview"}
    return Adaptation(sources={item: source for item, source in examined.items() if instrument.item(item)})


@hookimpl
def csvc_recommend_actions(result: Result, sector: str | None) -> list[Action]:
    if not acts_for(SECTOR, sector) or result.compromission is None:
        return []
    observed = result.observed_factors()
    actions = []
    if observed & INJURIES:
        actions.append(ACTIONS["document_injuries"].propose(result))
    if result.compromission >= 2 and result.input.protagonist != "partner":  # her referral, not his
        due = "PT24H" if result.compromission >= 3 else None
        actions.append(ACTIONS["support_referral"].propose(result, due_after=due))
    if observed & CHILDREN_EXPOSED or result.input.context.get("children_exposed") is True:
        actions.append(ACTIONS["youth_protection_report"].propose(result))
    if observed & SUICIDE:
        due = "PT0S" if "suicide_plan" in observed else None
        actions.append(ACTIONS["suicide_risk_evaluation"].propose(result, due_after=due))
    return actions
