"""A core error reaches the worker in the UI's language (French here), from the catalogue, not in English."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from csvc_tui.screens.cases import CasesScreen
from csvc_tui.settings import load_settings

from csvc_core.errors import BadInput
from tests.support.constants import UNLOCKED
from tests.support.tui import run_ui_script, wait_for
from tests.support.tui_paths import type_text


async def test_a_refused_case_label_is_reported_in_french(make_app: Any, store: Any) -> None:
    app = make_app(environ=UNLOCKED)
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen))
        await pilot.press("n")
        await type_text(pilot, "   ")
        await pilot.press("enter")
        french = "libellé : un dossier doit avoir un libellé"
        await wait_for(pilot, lambda: any(french in str(n.message) for n in app._notifications))
        shown = " ".join(str(n.message) for n in app._notifications)
        # the field is named in her words, not by the command line's option
        assert "a case needs a label" not in shown and "--label" not in shown
        assert isinstance(app.screen, CasesScreen)


ENGLISH = """
import asyncio
from tests.support.constants import UNLOCKED
from tests.support.tui import wait_for  # sets French: English must come after
from tests.support.tui_paths import type_text
from csvc_tui.text import set_language
set_language("en")
from csvc_tui.app import build_app
from csvc_tui.screens.cases import CasesScreen
from csvc_tui.settings import TuiSettings
from csvc_tui.workspace import Workspace

async def main():
    app = build_app(TuiSettings(lang="en"), Workspace({url!r}, environ=UNLOCKED))
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen))
        await pilot.press("n")
        await type_text(pilot, "   ")
        await pilot.press("enter")
        await wait_for(pilot, lambda: any("a case needs" in str(n.message) for n in app._notifications))
        print("\\n".join(str(n.message) for n in app._notifications))

asyncio.run(main())
"""


def test_the_english_ui_reports_a_core_error_in_english(store: Any, store_url: str) -> None:
    shown = run_ui_script(ENGLISH, store_url)
    assert "label: a case needs a label" in shown
    assert "--label" not in shown and "libellé" not in shown


def test_a_bad_settings_file_is_refused_in_both_languages(tmp_path: Path) -> None:
    path = tmp_path / "tui.toml"
    path.write_text('theme = "néon"\nlock_after_minutes = -1\n', encoding="utf-8")
    with pytest.raises(BadInput) as caught:
        load_settings(path, environ={})
    assert (
        caught.value.text("fr")
        == f"{path}: lock_after_minutes : nombre de minutes de 0 (jamais) ou plus attendu, reçu -1"
    )
    assert (
        caught.value.text("en") == f"{path}: lock_after_minutes: expected 0 (never) or more minutes, got -1"
    )
    path.write_text('theme = "néon"\n', encoding="utf-8")
    with pytest.raises(BadInput) as caught:
        load_settings(path, environ={})
    assert str(caught.value) == "thème : 'néon' n'est pas parmi csvc, csvc-contrast"
    assert caught.value.text("en") == "theme: 'néon' is not one of csvc, csvc-contrast"
