"""The shelter's safety plan from the case screen at 80x24: o opens it (F1 names the key), she types and
changes a line's status, Ctrl+S seals it in the case, Ctrl+O writes her answers under the neutral title."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from csvc_tui.screens.case import CaseScreen
from csvc_tui.screens.info import HelpScreen
from csvc_tui.screens.tool import ToolScreen
from textual.widgets import Input, Static

from csvc_core.framework import Csvc
from csvc_core.store import casetools, init_store, open_store
from tests.support.constants import FAST_KDF, PASSPHRASE, UNLOCKED
from tests.support.tui import screen_text, wait_for
from tests.support.tui_paths import open_new_case, type_text

ANSWER = "Sac chez Maude"


async def test_the_plan_is_edited_saved_in_the_case_and_printed(
    make_app: Any, store: Any, store_url: str, tmp_path: Path
) -> None:
    app = make_app(environ=UNLOCKED)
    async with app.run_test(size=(80, 24)) as pilot:
        case = await open_new_case(app, pilot, "Dossier Plan")
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        keys = str(app.screen.query_one("#help-keys", Static).content)
        assert "o  Plan — Les outils du dossier" in keys and "le plan de sécurité" in keys
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is case)
        assert "o Plan" in screen_text(app)  # in the key bar

        await pilot.press("o")
        tool = await wait_for(pilot, lambda: isinstance(app.screen, ToolScreen) and app.screen)
        await wait_for(pilot, lambda: tool.seq == 0 and isinstance(app.focused, Input))
        shown = screen_text(app)
        assert "Plan de sécurité" in shown and "Jamais enregistré" in shown and "[à faire]" in shown
        await type_text(pilot, ANSWER)
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: "[en place]" in screen_text(app))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: tool.seq == 1)

        printed = tmp_path / "notes.html"
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: "Fichier à écrire" in screen_text(app))
        await type_text(pilot, str(printed))
        await pilot.press("enter")
        await wait_for(pilot, printed.exists)
        await wait_for(pilot, lambda: "Écrit" in screen_text(app))
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is case)

    session = open_store(store_url, csvc=Csvc.load()).unlock("alice", PASSPHRASE)
    record = session.run(casetools.read_tool, case.case_id, "safety-plan")
    first = record.content["sections"]["at_home"]["danger_signs"]
    assert first == {"answer": ANSWER, "status": "in_place"}
    assert [v.changed for v in record.history] == [("at_home.danger_signs",)]
    page = printed.read_text(encoding="utf-8")
    assert "<title>Mes notes</title>" in page and ANSWER in page
    assert "Dossier Plan" not in page and case.case_id not in page and "dangereux" not in page
    assert printed.stat().st_mode & 0o777 == 0o600


async def test_leaving_with_changes_not_saved_asks_twice(make_app: Any, store: Any) -> None:
    app = make_app(environ=UNLOCKED)
    async with app.run_test(size=(80, 24)) as pilot:
        case = await open_new_case(app, pilot, "Dossier Plan non enregistré")
        await pilot.press("o")
        tool = await wait_for(pilot, lambda: isinstance(app.screen, ToolScreen) and app.screen)
        await wait_for(pilot, lambda: tool.seq == 0 and isinstance(app.focused, Input))
        await type_text(pilot, "brouillon")
        await pilot.press("escape")
        await wait_for(pilot, lambda: "non enregistrées" in screen_text(app))
        assert app.screen is tool
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is case)
    assert isinstance(case, CaseScreen)


async def test_a_police_officer_is_not_offered_the_shelters_plan(make_app: Any, store_url: str) -> None:
    """The plan is the shelter's tool: another sector's staff see no key for it, and o does nothing."""
    police = init_store(
        store_url,
        org="Poste Fictif",
        sector="police",
        user="alice",
        passphrase=PASSPHRASE,
        kdf=FAST_KDF,
        csvc=Csvc.load(),
    )
    police.close()
    app = make_app(environ=UNLOCKED)
    async with app.run_test(size=(80, 24)) as pilot:
        case = await open_new_case(app, pilot, "Dossier Police")
        assert "Plan" not in screen_text(app)
        await pilot.press("o")
        await pilot.pause()
        assert app.screen is case
