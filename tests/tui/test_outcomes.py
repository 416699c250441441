"""Recording an outcome from the case screen, from the keyboard (Pilot, a real SQLite store): the key is in
the bar and in F1, a date that is not one is asked again, the outcome lands in the store with its note; an
event the same way."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from csvc_tui.screens.ask import AskText
from csvc_tui.screens.info import HelpScreen
from textual.widgets import Input, Static

from csvc_core.framework import Csvc
from csvc_core.store import casefile, open_store
from tests.support.constants import PASSPHRASE, UNLOCKED
from tests.support.tui import screen_text, wait_for
from tests.support.tui_paths import choose, open_new_case, type_text


async def test_an_outcome_is_recorded_from_the_case_screen(make_app: Any, store: Any, store_url: str) -> None:
    app = make_app(environ=UNLOCKED)
    async with app.run_test(size=(120, 40)) as pilot:
        case = await open_new_case(app, pilot, "Dossier fictif")
        assert "Suite" in screen_text(app)  # in the key bar
        assert "Aucune suite notée." in screen_text(app)
        await pilot.press("f1")
        help_screen = await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen) and app.screen)
        assert "Noter une suite" in str(help_screen.query_one("#help-keys", Static).content)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is case)

        await pilot.press("s")
        await choose(pilot, "physical_violence")
        await choose(pilot, "police_report")
        await wait_for(pilot, lambda: isinstance(app.screen, AskText))
        await type_text(pilot, "hier soir")
        await pilot.press("enter")
        asked_again = await wait_for(
            pilot,
            lambda: (
                isinstance(app.screen, AskText) and "n'est pas une date" in screen_text(app) and app.screen
            ),
        )
        assert asked_again.query_one(Input).value == "hier soir"
        await type_text(pilot, "2026-03-01 21:30")  # what was typed is offered selected: typing replaces it
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, AskText) and "Note sur" in screen_text(app))
        await type_text(pilot, "selon le rapport")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is case and "Violence physique" in screen_text(app))
        assert "selon un rapport de police" in screen_text(app)

    session = open_store(store_url, csvc=Csvc.load()).unlock("alice", PASSPHRASE)
    [outcome] = session.run(casefile.case_detail, case.case_id, reveal=True).outcomes
    assert (outcome.kind, outcome.source, outcome.note, outcome.by) == (
        "physical_violence",
        "police_report",
        "selon le rapport",
        "alice",
    )
    assert outcome.occurred_at == datetime(2026, 3, 1, 21, 30).astimezone()


async def test_an_event_is_recorded_from_the_case_screen(make_app: Any, store: Any, store_url: str) -> None:
    """Its kind, then its note, each asked in turn; the event lands in the store and on the case screen."""
    app = make_app(environ=UNLOCKED)
    async with app.run_test(size=(120, 40)) as pilot:
        case = await open_new_case(app, pilot, "Dossier fictif")
        await pilot.press("v")
        await choose(pilot, "separation")
        await wait_for(pilot, lambda: isinstance(app.screen, AskText))
        await type_text(pilot, "départ du domicile")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is case and "alice — départ du domicile" in screen_text(app))

    session = open_store(store_url, csvc=Csvc.load()).unlock("alice", PASSPHRASE)
    [event] = session.run(casefile.case_detail, case.case_id, reveal=True).events
    assert (event.kind, event.note) == ("separation", "départ du domicile")
