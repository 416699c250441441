"""A screen's store work runs in its own thread workers: the answer comes back to the screen that asked, even
from under a dialog, and never to a screen that is gone."""

from __future__ import annotations

import threading
from typing import Any

from csvc_tui.screens.ask import AskText
from csvc_tui.screens.case import CaseScreen
from csvc_tui.screens.cases import CasesScreen

from tests.support.constants import UNLOCKED
from tests.support.tui import wait_for


def held(release: threading.Event, value: str) -> Any:
    """Work that answers ``value`` once ``release`` is set (a store that takes its time)."""

    def work() -> str:
        release.wait(30)
        return value

    return work


async def test_the_screen_that_asked_gets_its_answer_even_from_under_a_dialog(
    make_app: Any, store: Any
) -> None:
    app = make_app(environ=UNLOCKED)
    async with app.run_test() as pilot:
        cases = await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen) and app.screen)
        release, got = threading.Event(), []
        await app.push_screen(AskText("Libellé ?"))
        cases.background(held(release, "réponse"), got.append)  # asked while a dialog covers the list
        app.pop_screen()
        await wait_for(pilot, lambda: app.screen is cases)
        release.set()
        await wait_for(pilot, lambda: got == ["réponse"])


async def test_a_screen_that_is_gone_never_receives_its_answer(make_app: Any, store: Any) -> None:
    app = make_app(environ=UNLOCKED)
    async with app.run_test() as pilot:
        cases = await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen) and app.screen)
        case_id = app.workspace.cases.new_case("Dossier parti")
        await app.push_screen(CaseScreen(case_id))
        case = app.screen
        release, got = threading.Event(), []
        worker = case.background(held(release, "trop tard"), got.append)
        await app.pop_screen()
        await wait_for(pilot, lambda: app.screen is cases)
        release.set()
        await wait_for(pilot, lambda: worker.is_finished)
        await pilot.pause(0.2)
        assert got == []
