"""Contract tests of every shipped sector plugin: hooks answered, mandate respected, isolation, disabling."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from csvc_core import hookimpl
from csvc_core.framework import Csvc
from csvc_core.model import Result, Text
from csvc_core.sectors import Sector

PLUGINS = {
    "police": ("csvc_police", "police"),
    "health": ("csvc_health", "health"),
    "shelter": ("csvc_shelter", "shelter"),
    "partner_programs": ("csvc_partner_programs", "partner_program"),
}
#: sectors of the partnership that no shipped plugin serves: another plugin (synthetic here) declares them.
OTHER_SECTORS = ("youth_protection", "prosecution", "corrections")
#: answers that reach every level of the shared grid and raise most factors.
GRID_CASES = (
    {},
    {"firearm_access": "yes", "violence_toward_children": "yes"},
    {"separation": "yes", "suicidal_ideation": "yes", "strangulation": "yes", "breach_of_conditions": "yes"},
    {"homicide_plan": "yes", "threats_to_kill": "yes", "firearm_access": "yes", "suicidal_ideation": "yes"},
)


def strongest(item: Any) -> Any:
    """The answer that says most: yes, the top of an ordinal scale, every choice."""
    if item.type == "ordinal":
        return item.max
    if item.type == "multi_choice":
        return [choice.id for choice in item.choices]
    return "yes"


def plugin_results(csvc: Any, acting: str | None) -> list[Result]:
    """Results of every instrument of the catalogue that computes a level, plus the grid cases."""
    results = [
        csvc.assess(
            "csvc-grid", {"assessed_at": "2026-03-01T10:00:00-05:00", "answers": answers}, sector=acting
        )
        for answers in GRID_CASES
    ]
    for instrument in csvc.instruments():
        if instrument.rule.kind == "judgement":
            top = max(instrument.levels, key=lambda level: level.rank).id
            payload = {"override": {"level": top, "reason": "test", "by": "test"}}
        else:
            payload = {"answers": {i.id: strongest(i) for i in instrument.items if i.type != "text"}}
        protagonist = instrument.protagonists[0]
        results.append(csvc.assess(instrument.id, {**payload, "protagonist": protagonist}, sector=acting))
    return results


@pytest.fixture(params=sorted(PLUGINS))
def plugin(request: pytest.FixtureRequest, csvc_with_plugin: Any) -> tuple[str, str, Any]:
    entry_point, (module_name, sector) = request.param, PLUGINS[request.param]
    module = importlib.import_module(module_name)
    return sector, module_name, csvc_with_plugin(module, entry_point)


def test_plugin_declares_its_sector_in_both_languages(plugin: tuple[str, str, Any]) -> None:
    sector, _, csvc = plugin
    declared = csvc.sectors[sector]
    assert isinstance(declared, Sector)
    for text in (declared.name, declared.mandate):
        assert text.fr.strip() and text.en.strip() and text.fr != text.en


def test_plugin_ships_valid_instruments_naming_source_and_licence(plugin: tuple[str, str, Any]) -> None:
    sector, _, csvc = plugin
    assert csvc.catalogue.problems == ()
    own = [i for i in csvc.instruments() if csvc.catalogue.owners[i.id] != "csvc_core"]
    assert own, "a sector plugin ships at least one instrument"
    for instrument in own:
        assert instrument.source is not None and instrument.source.fr and instrument.source.en
        assert instrument.licence and "csvc" in instrument.licence
        assert sector in instrument.sectors


def test_plugin_answers_its_hooks(plugin: tuple[str, str, Any]) -> None:
    _, _, csvc = plugin
    [info] = [info for info in csvc.pm.plugin_infos() if info.name != "csvc_core"]
    assert {
        "csvc_sectors",
        "csvc_instrument_sources",
        "csvc_recommend_actions",
        "csvc_adapt_instrument",
    } <= set(info.hooks)
    assert not csvc.hook_errors


def test_plugin_adapts_the_shared_grid_for_its_sector_only(plugin: tuple[str, str, Any]) -> None:
    sector, _, csvc = plugin
    grid = csvc.instrument("csvc-grid")
    assert csvc.adaptations(grid, sector), "each sector plugin adapts the shared grid"
    assert not csvc.adaptations(grid, "youth_protection")


@pytest.mark.parametrize("acting", ["own", None])
def test_plugin_proposes_only_its_own_sector_or_csvc_actions(
    plugin: tuple[str, str, Any], acting: Any
) -> None:
    sector, module_name, csvc = plugin
    entry_point = next(name for name, (module, _) in PLUGINS.items() if module == module_name)
    proposed = [
        action
        for result in plugin_results(csvc, sector if acting == "own" else None)
        for action in result.actions
        if entry_point in action.proposed_by.split(", ")
    ]
    assert proposed, "the plugin proposes actions within its mandate"
    assert {action.sector for action in proposed} <= {sector, "csvc"}
    for action in proposed:
        assert action.label is not None and action.label.fr and action.label.en


class OtherSectors:
    @hookimpl
    def csvc_sectors(self) -> list[Sector]:
        return [Sector(id=s, name=Text(fr=s, en=s), mandate=Text(fr="Agir", en="Act")) for s in OTHER_SECTORS]


@pytest.mark.parametrize("acting", OTHER_SECTORS)
def test_plugin_proposes_nothing_when_another_sector_acts(plugin: tuple[str, str, Any], acting: str) -> None:
    _, module_name, alone = plugin
    assert alone.pm.register_checked(OtherSectors(), "other_sectors", None)
    csvc = Csvc(alone.pm)
    entry_point = next(name for name, (module, _) in PLUGINS.items() if module == module_name)
    for result in plugin_results(csvc, acting):
        assert not [a for a in result.actions if entry_point in a.proposed_by.split(", ")]


def test_installed_plugins_all_load(csvc: Any) -> None:
    names = {info.name for info in csvc.pm.plugin_infos()}
    assert set(PLUGINS) <= names
    assert csvc.pm.failures == [] and csvc.catalogue.problems == ()


def test_disabling_one_plugin_leaves_the_others(run_csvc: Any) -> None:
    env = {"CSVC_DISABLE_PLUGINS": "police"}
    status, listing, _ = run_csvc("plugins", "--json", env=env)
    assert status == 0
    assert listing["disabled"] == ["police"]
    assert "police" not in {plugin["name"] for plugin in listing["plugins"]}
    assert {"health", "shelter", "partner_programs"} <= {plugin["name"] for plugin in listing["plugins"]}
    answers = {"answers": {"weapon_threat": "yes"}}
    status, output, stderr = run_csvc(
        "assess", "--instrument", "lethality-screen", "--json", answers=answers, env=env
    )
    assert status == 2 and output is None and "lethality-screen" in stderr
    status, output, _ = run_csvc("assess", "--instrument", "risk-checklist", "--json", answers={}, env=env)
    assert status == 0 and output["level"] == "standard"
    status, output, _ = run_csvc(
        "assess",
        "--instrument",
        "csvc-grid",
        "--json",
        answers={"answers": {"firearm_access": "yes"}},
        env=env,
    )
    assert status == 0 and "firearm_seizure" not in {action["id"] for action in output["actions"]}


def test_plugin_keeps_the_plugin_authors_contract(
    plugin: tuple[str, str, Any], csvc_plugin_problems: Any
) -> None:
    _, module_name, _ = plugin
    entry_point = next(name for name, (module, _) in PLUGINS.items() if module == module_name)
    assert csvc_plugin_problems(importlib.import_module(module_name), entry_point) == []
