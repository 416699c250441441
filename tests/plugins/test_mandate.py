"""Sector mandates: a plugin proposes actions of its own sectors (or the partnership's); sectors exist
only when a plugin declares them; run time, strict mode, validation and the test kit hold to it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from csvc_core import hookimpl
from csvc_core.errors import BadInput
from csvc_core.framework import PLUGIN_ERROR_FLAG, Csvc
from csvc_core.model import Action, Result, Text
from csvc_core.plugins import new_plugin_manager
from csvc_core.problems import worded
from csvc_core.scaffold import plugin_spec, render_plugin
from csvc_core.sectors import Sector
from csvc_core.testing import plugin_problems
from tests.support.cli import csvc_process

GRID = {"assessed_at": "2026-03-01T10:00:00-05:00", "answers": {"homicide_plan": "yes"}}
LABEL = Text(fr="Faire le suivi", en="Follow up")


class Hotline:
    """A synthetic sector plugin declaring ``dv_hotline`` and proposing actions of the given sectors."""

    def __init__(self, *sectors: str) -> None:
        self.proposed = sectors

    @hookimpl
    def csvc_sectors(self) -> list[Sector]:
        return [
            Sector(id="dv_hotline", name=Text(fr="Ligne", en="Line"), mandate=Text(fr="Écoute", en="Help"))
        ]

    @hookimpl
    def csvc_recommend_actions(self, result: Result, sector: str | None) -> list[Action]:
        return [Action(id=f"call_{to}", sector=to, due=None, label=LABEL) for to in self.proposed]


def framework(*plugins: tuple[object, str]) -> Csvc:
    manager = new_plugin_manager(load_entry_points=False)
    for plugin, name in plugins:
        assert manager.register_checked(plugin, name, None), manager.failures
    return Csvc(manager)


@pytest.fixture(autouse=True)
def lenient(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CSVC_STRICT_PLUGINS", raising=False)


@pytest.mark.parametrize(
    ("sector", "why"),
    [("police", "hors de son mandat (dv_hotline)"), ("youth_protection", "déclaré par aucun module")],
)
def test_an_action_of_another_or_an_undeclared_sector_is_refused_and_flagged(sector: str, why: str) -> None:
    import csvc_police

    csvc = framework((csvc_police, "police"), (Hotline("dv_hotline", sector, "csvc"), "hotline"))
    result = csvc.assess("csvc-grid", GRID)
    ids = {action.id for action in result.actions}
    assert {"call_dv_hotline", "call_csvc"} <= ids and f"call_{sector}" not in ids
    [error] = [flag for flag in result.flags if flag.id == PLUGIN_ERROR_FLAG]
    assert error.items == ("hotline",)
    assert any(f"'call_{sector}'" in str(line) and why in str(line) for line in csvc.hook_errors)


def test_an_action_of_its_own_sector_is_refused_while_another_sector_acts() -> None:
    import csvc_police

    csvc = framework((csvc_police, "police"), (Hotline("dv_hotline"), "hotline"))
    result = csvc.assess("csvc-grid", GRID, sector="police")
    assert "call_dv_hotline" not in {action.id for action in result.actions}
    assert PLUGIN_ERROR_FLAG in {flag.id for flag in result.flags}
    assert "proposé alors que 'police' agit" in str(csvc.hook_errors[-1])


def test_strict_mode_raises_on_an_action_outside_the_mandate(monkeypatch: pytest.MonkeyPatch) -> None:
    import csvc_police

    csvc = framework((csvc_police, "police"), (Hotline("police"), "hotline"))
    monkeypatch.setenv("CSVC_STRICT_PLUGINS", "1")
    with pytest.raises(ValueError, match="'call_police' : le secteur 'police' est hors de son mandat"):
        csvc.assess("csvc-grid", GRID)


def test_assess_refuses_a_sector_no_plugin_declares(run_csvc: Any) -> None:
    with pytest.raises(BadInput) as caught:
        framework().check_sector("youth_protection")
    assert "youth_protection" in caught.value.text("en")
    for sector in ("youth_protection", "nowhere"):
        status, output, stderr = run_csvc(
            "assess", "--instrument", "csvc-grid", "--sector", sector, answers=GRID
        )
        assert status == 2 and output is None
        assert stderr.startswith(f"csvc: --sector {sector!r} : aucun module installé ne déclare ce secteur")
        assert stderr.count("\n") == 1 and "Traceback" not in stderr
    status, output, _ = run_csvc(
        "assess", "--instrument", "csvc-grid", "--sector", "police", "--json", answers=GRID
    )
    assert status == 0 and output["level"] == "imminent"


def validate(path: Path) -> subprocess.CompletedProcess[str]:
    return csvc_process(["instruments", "validate", str(path), "--lang", "en"], os.environ)


def instrument_file(folder: Path, sectors: str, action_sector: str) -> Path:
    """The scaffold's instrument serving ``sectors``, its action given to ``action_sector``."""
    spec = plugin_spec("dv-hotline")
    text = render_plugin(spec)[f"src/{spec.package}/instruments/{spec.instrument}.toml"]
    text = text.replace('sectors = ["dv_hotline"]', f"sectors = {sectors}")
    text = text.replace('sector = "csvc"', f'sector = "{action_sector}"')
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{spec.instrument}.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("sectors", "action_sector", "problem"),
    [
        ('["police"]', "health", "$.actions[0].sector: 'health' is neither one of the instrument's sectors"),
        ('["police"]', "corrections", "$.actions[0].sector: sector 'corrections' is declared by no plugin"),
        ('["youth_protection"]', "csvc", "$.sectors: sector 'youth_protection' is declared by no plugin"),
    ],
)
def test_validation_refuses_sectors_outside_the_mandate(
    tmp_path: Path, sectors: str, action_sector: str, problem: str
) -> None:
    path = instrument_file(tmp_path / "instruments", sectors, action_sector)
    done = validate(path)
    assert done.returncode == 2 and f"{path}: {problem}" in done.stderr, done.stderr

    class Shipping:
        @hookimpl
        def csvc_instrument_sources(self) -> list[Path]:
            return [path.parent]

    assert any(problem in worded(line, "en") for line in plugin_problems(Shipping(), "shipping"))


def test_validation_accepts_an_instrument_of_an_installed_sector(tmp_path: Path) -> None:
    path = instrument_file(tmp_path / "instruments", '["police"]', "police")
    done = validate(path)
    assert done.returncode == 0, done.stderr


def test_the_test_kit_reports_actions_outside_the_mandate(tmp_path: Path) -> None:
    folder = instrument_file(tmp_path / "instruments", '["dv_hotline"]', "dv_hotline").parent

    class HotlineWithInstrument(Hotline):
        @hookimpl
        def csvc_instrument_sources(self) -> list[Path]:
            return [folder]

    assert plugin_problems(HotlineWithInstrument("dv_hotline", "csvc"), "hotline") == []
    problems = plugin_problems(HotlineWithInstrument("dv_hotline", "police"), "hotline")
    assert problems and all(
        "'call_police' : le secteur 'police' est hors de son mandat" in p for p in problems
    )


def test_the_shipped_instruments_stay_valid_whichever_plugins_are_disabled() -> None:
    """The shared grid serves every sector through the partnership: it names no plugin's sector."""
    for disabled in ("police,health,shelter,partner_programs", "police", "partner_programs,health"):
        command = [sys.executable, "-m", "csvc_core", "instruments", "validate", "--lang", "en"]
        env = {**os.environ, "CSVC_DISABLE_PLUGINS": disabled}
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
        assert done.returncode == 0, (disabled, done.stderr)
