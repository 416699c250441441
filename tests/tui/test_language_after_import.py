"""The UI language can be chosen after every screen module is imported: the key bar, the help (F1) and the
command palette read the labels when they are shown, and the chosen language's keys work (the outcome key is
``s`` in French, ``i`` in English). Each direction runs in its own process, so the modules are really imported
in the other language first."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.tui import run_ui_script

SCRIPT = """
import asyncio, importlib, pkgutil
from tests.support.constants import UNLOCKED
from tests.support.tui import bar_text, wait_for  # sets French
from csvc_tui.text import set_language
set_language("@IMPORTED@")
import csvc_tui, csvc_tui.screens, csvc_tui.widgets
for package in (csvc_tui, csvc_tui.screens, csvc_tui.widgets):
    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{{package.__name__}}.{{module.name}}")
from tests.support.tui_paths import type_text
set_language("@CHOSEN@")
from csvc_tui.app import build_app
from csvc_tui.screens.case import CaseScreen
from csvc_tui.screens.cases import CasesScreen
from csvc_tui.screens.info import HelpScreen
from csvc_tui.settings import TuiSettings
from csvc_tui.workspace import Workspace

async def main():
    app = build_app(TuiSettings(), Workspace({url!r}, environ=UNLOCKED))
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen) and bar_text(app))
        print("CASES BAR:", bar_text(app))
        await pilot.press("n")
        await type_text(pilot, "Dossier fictif")
        await pilot.press("enter")
        case = await wait_for(pilot, lambda: isinstance(app.screen, CaseScreen) and app.screen)
        await wait_for(pilot, lambda: case.detail is not None)
        print("CASE BAR:", bar_text(app))
        print("PALETTE:", " | ".join(command.title for command in app.get_system_commands(case)))
        await pilot.press("@OUTCOME@")
        await wait_for(pilot, lambda: app.screen is not case)
        print("OUTCOME KEY OPENS:", type(app.screen).__name__, getattr(app.screen, "prompt", ""))
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is case)
        await pilot.press("f1")
        help = await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen) and app.screen)
        for line in help.keys.plain.splitlines():
            print("HELP:", line.strip())

asyncio.run(main())
"""


def run(imported: str, chosen: str, outcome_key: str, store_url: str) -> str:
    script = SCRIPT.replace("@IMPORTED@", imported).replace("@CHOSEN@", chosen)
    return run_ui_script(script.replace("@OUTCOME@", outcome_key), store_url)


def lines(shown: str, prefix: str) -> list[str]:
    return [line.removeprefix(prefix) for line in shown.splitlines() if line.startswith(prefix)]


@pytest.mark.parametrize(
    ("imported", "chosen", "words", "outcome", "case_keys", "others"),
    [
        (
            "fr",
            "en",
            {"New case", "Follow-up", "Hide", "Help", "Outcome", "Sharing", "Assess"},
            ("i", "Outcome — Record an outcome", "What happened?"),
            "a Assess s Sharing c Concertation o Plan",
            {"Nouveau dossier", "Suivi", "Masquer", "Aide", "Suite", "Partage", "Évaluer"},
        ),
        (
            "en",
            "fr",
            {"Nouveau dossier", "Suivi", "Masquer", "Aide", "Suite", "Partage", "Évaluer"},
            ("s", "Suite — Noter une suite", "Qu'est-il arrivé ?"),
            "e Évaluer p Partage c Concertation o Plan",
            {"New case", "Follow-up", "Hide", "Help", "Outcome", "Sharing", "Assess"},
        ),
    ],
)
def test_the_language_chosen_after_import_is_the_one_shown_and_keyed(
    store: Any,
    store_url: str,
    imported: str,
    chosen: str,
    words: set[str],
    outcome: tuple[str, str, str],
    case_keys: str,
    others: set[str],
) -> None:
    key, help_line, prompt = outcome
    shown = run(imported, chosen, key, store_url)
    bars = " ".join(lines(shown, "CASES BAR: ") + lines(shown, "CASE BAR: "))
    help_lines = lines(shown, "HELP: ")
    palette = lines(shown, "PALETTE: ")[0].split(" | ")
    for word in words - {"Outcome", "Suite"}:  # the outcome key is in F1 and the palette, not on the bar
        assert word in bars, (word, bars)
    assert not [word for word in others if word in bars], bars
    assert lines(shown, "CASE BAR: ")[0].startswith(case_keys), bars  # in the order the screen declares
    assert f"{key}  {help_line}" in next(line for line in help_lines if help_line in line), help_lines
    assert not [line for line in help_lines if any(word in line for word in others)], help_lines
    assert help_line.split(" — ")[0] in palette and not set(palette) & others, palette
    assert lines(shown, "OUTCOME KEY OPENS: ") == [f"AskChoice {prompt}"], shown
