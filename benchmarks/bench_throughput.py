"""Throughput of the whole assessment pipeline on csvc-grid, beside a hand-written function of the same rule.

The pipeline is what every caller runs: answers checked against the instrument, the plugin manager calling
the hooks plugin by plugin (``csvc_flags``, ``csvc_recommend_actions``,
``csvc_reassessment_plan``), the rule engine and the result objects. Goal: 10,000 assessments per second or
more on one core, for the framework (the core's plugin); the same with the installed sector plugins is
reported beside it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from itertools import cycle
from typing import TYPE_CHECKING, Any

from benchmarks import Measure, best_rate

if TYPE_CHECKING:
    from csvc_core.framework import Csvc

GOAL = 10_000
GROUPS = {
    "chronic": (
        "violence_history",
        "obsessive_jealousy",
        "coercive_control",
        "firearm_access",
        "violence_outside_family",
        "violence_toward_children",
    ),
    "aggravating": (
        "separation",
        "suicidal_ideation",
        "stalking",
        "strangulation",
        "threats_to_kill",
        "escalation",
        "breach_of_conditions",
        "fear_for_life",
    ),
    "precipitating": ("homicide_plan", "no_way_out", "weapon_acquisition"),
}
CRITICAL = ("strangulation", "threats_to_kill", "homicide_plan", "no_way_out", "weapon_acquisition")
TIERS = (("precipitating", "imminent", 4), ("aggravating", "elevated", 3), ("chronic", "moderate", 2))
REASSESS = {"concern": timedelta(days=60), "moderate": timedelta(days=30), "elevated": timedelta(days=7)}
REASSESS["imminent"] = timedelta(hours=72)
KNOWN = {item for items in GROUPS.values() for item in items}

PAYLOADS: list[dict[str, Any]] = [
    {
        "assessed_at": "2026-03-01T10:00:00-05:00",
        "answers": {"obsessive_jealousy": "yes", "firearm_access": "yes"},
    },
    {
        "assessed_at": "2026-03-01T10:00:00-05:00",
        "answers": {"separation": "yes", "stalking": "yes", "homicide_plan": "no", "no_way_out": "unknown"},
    },
    {
        "assessed_at": "2026-03-01T10:00:00-05:00",
        "answers": {item: "no" for item in KNOWN} | {"homicide_plan": "yes", "strangulation": "yes"},
    },
    {
        "assessed_at": "2026-03-01T10:00:00-05:00",
        "answers": {"coercive_control": "yes"},
        "override": {"level": "elevated", "reason": "elle craint pour sa vie", "by": "intervenante"},
    },
]


def grid_by_hand(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The csvc-grid rule written out by hand: checks, tiers, missing, flags, actions and re-assessment."""
    answers = payload["answers"]
    for item, value in answers.items():
        if item not in KNOWN or value not in ("yes", "no", "unknown"):
            raise ValueError(f"$.answers.{item}: {value!r}")
    assessed_at = datetime.fromisoformat(payload["assessed_at"])
    computed, rank = "concern", 1
    for group, level, level_rank in TIERS:
        if any(answers.get(item) == "yes" for item in GROUPS[group]):
            computed, rank = level, level_rank
            break
    level = computed
    override = payload.get("override")
    if override is not None:
        ranks = {"concern": 1, "moderate": 2, "elevated": 3, "imminent": 4}
        if not override.get("reason") or ranks[override["level"]] < rank:
            raise ValueError("$.override")
        level = override["level"]
    missing = [item for item in KNOWN if answers.get(item, "unknown") == "unknown"]
    unknown_critical = [item for item in GROUPS["precipitating"] if answers.get(item, "unknown") == "unknown"]
    flags = []
    if unknown_critical:
        flags.append({"id": "unknown_critical", "items": unknown_critical})
    critical = [item for item in CRITICAL if answers.get(item) == "yes"]
    if critical:
        flags.append({"id": "critical_item", "items": critical})
    actions = []
    if level == "imminent":
        actions.append(
            {"id": "emergency_concertation", "due": assessed_at + timedelta(hours=48), "mandatory": True}
        )
    elif level == "elevated":
        actions.append({"id": "concertation", "due": assessed_at + timedelta(days=7), "mandatory": False})
    return {
        "computed_level": computed,
        "level": level,
        "missing": missing,
        "complete": not missing and not unknown_critical,
        "flags": flags,
        "actions": actions,
        "reassess_by": assessed_at + REASSESS[level],
    }


def _rate(assess: Callable[[Mapping[str, Any]], object], iterations: int, repeats: int) -> float:
    payloads = cycle(PAYLOADS)
    return best_rate(lambda: assess(next(payloads)), iterations, repeats)


def _assessor(framework: Csvc) -> Callable[[Mapping[str, Any]], object]:
    return lambda payload: framework.assess("csvc-grid", payload)


def run(quick: bool) -> list[Measure]:
    from csvc_core.framework import Csvc
    from csvc_core.plugins import new_plugin_manager

    iterations, repeats = (20, 1) if quick else (20_000, 5)
    core = Csvc(new_plugin_manager(load_entry_points=False))
    installed = Csvc(new_plugin_manager())
    # the baseline computes what the pipeline does: the same levels, flags and date
    for payload in PAYLOADS:
        result = core.assess("csvc-grid", payload)
        expected = grid_by_hand(payload)
        assert (result.computed_level, result.level) == (expected["computed_level"], expected["level"])
        assert result.reassess_by == expected["reassess_by"]
        assert {flag.id for flag in result.flags} == {flag["id"] for flag in expected["flags"]}
    by_hand = _rate(grid_by_hand, iterations, repeats)
    measures = []
    for name, framework in (("pipeline, core only", core), ("pipeline, installed plugins", installed)):
        rate = _rate(_assessor(framework), iterations, repeats)
        plugins = len(framework.pm.list_name_plugin())
        measures.append(
            Measure(
                name=f"throughput: {name}",
                value=rate,
                unit="assessments/s",
                baseline_name="hand-written rule",
                baseline=by_hand,
                goal=f">= {GOAL:,}/s" if framework is core else "(reported)",
                met=(rate >= GOAL) if framework is core and not quick else None,
                notes={"plugins registered": plugins, "µs per assessment": round(1e6 / rate, 1)},
            )
        )
    return measures
