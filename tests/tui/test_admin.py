"""Administering from the TUI: the first person's role at first run, the partners and the people of her
organisation (Pilot, on a real SQLite store)."""

from __future__ import annotations

from typing import Any

import pytest
from csvc_tui.screens.admin import AdminScreen
from csvc_tui.screens.cases import CasesScreen
from csvc_tui.screens.consent import ShareForm
from csvc_tui.screens.disclosure import DisclosureForm
from textual.widgets import Input, OptionList

from csvc_core.framework import Csvc
from csvc_core.store import Store, cases, open_store, people
from csvc_core.store.people import LoginRefused
from tests.support.constants import CANARY, FAST_KDF, PASSPHRASE, UNLOCKED
from tests.support.tui import mounted_text, screen_text, wait_for
from tests.support.tui_sharing import open_sharing


async def test_first_run_asks_her_role_and_may_keep_her_to_administering(
    make_app: Any, store_url: str
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "setup-org")
        await pilot.press(*"Maison Aurore", "enter", "enter", *"alice", "tab")
        roles = app.screen.query_one("#setup-role")
        assert app.focused is roles
        text = screen_text(app)
        assert "Son rôle" in text and "Intervenante et administratrice" in text, text
        assert "Administratrice seulement" in text, text
        assert roles.region.bottom <= 23, roles.region
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: isinstance(app.focused, Input) and app.focused.id == "setup-passphrase")
        await pilot.press(*PASSPHRASE, "enter", *PASSPHRASE, "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen), timeout=30)
        await wait_for(pilot, lambda: "a : admin" in screen_text(app))  # she administers
    with open_store(store_url, csvc=Csvc.load()).unlock("alice", PASSPHRASE) as alice:
        assert (alice.actor.role, alice.actor.administers) == ("admin", True)


async def choose_option(pilot: Any, option_id: str) -> None:
    """In the list that has the focus (a modal may still be opening), highlight ``option_id`` and Enter."""
    await wait_for(pilot, lambda: isinstance(pilot.app.focused, OptionList))
    options = pilot.app.focused
    await wait_for(pilot, lambda: options.option_count > 0)
    while options.get_option_at_index(options.highlighted or 0).id != option_id:
        await pilot.press("down")
    await pilot.press("enter")


async def answer(pilot: Any, text: str) -> None:
    """Type ``text`` into the question that is open (once it has the focus) and Enter."""
    await wait_for(pilot, lambda: isinstance(pilot.app.focused, Input) and pilot.app.focused.id == "answer")
    await pilot.press(*text, "enter")


async def open_admin(app: Any, pilot: Any) -> AdminScreen:
    await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen))
    await wait_for(pilot, lambda: "c : concertation · a : admin" in screen_text(app))
    await pilot.press("a")
    screen = await wait_for(pilot, lambda: isinstance(app.screen, AdminScreen) and app.screen)
    await wait_for(pilot, lambda: "alice" in screen_text(app))
    return screen


async def test_an_administrator_adds_a_partner_from_the_case_list(make_app: Any, store: Store) -> None:
    app = make_app(environ=UNLOCKED)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen))
        await wait_for(pilot, lambda: "a Administration" in screen_text(app))  # the key bar, at 120 columns
        await pilot.press("f1")
        await wait_for(pilot, lambda: "Les organismes partenaires et les personnes" in mounted_text(app))
        await pilot.press("escape")
        await open_admin(app, pilot)
        assert "Aucun partenaire inscrit : ajoutez-en un avec o." in screen_text(app)
        await pilot.press("o")
        await answer(pilot, "Police Rivière")
        await choose_option(pilot, "police")
        await answer(pilot, "paula")
        await answer(pilot, PASSPHRASE)
        await answer(pilot, PASSPHRASE)
        await wait_for(pilot, lambda: "Police Rivière — Services policiers" in screen_text(app))
    with store.unlock("paula", PASSPHRASE) as paula:
        assert (paula.actor.org_name, paula.actor.sector, paula.actor.role) == (
            "Police Rivière",
            "police",
            "admin",
        )


async def test_an_administrator_adds_changes_disables_and_enables_a_colleague(
    make_app: Any, store: Store
) -> None:
    app = make_app(environ=UNLOCKED)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_admin(app, pilot)
        assert "alice — administration" in screen_text(app)
        await pilot.press("n")
        await answer(pilot, "wanda")
        await choose_option(pilot, "worker")
        await answer(pilot, PASSPHRASE)
        await answer(pilot, "une autre phrase de passe")  # differs: asked again
        await wait_for(pilot, lambda: "diffèrent" in screen_text(app))
        await answer(pilot, PASSPHRASE)
        await answer(pilot, PASSPHRASE)
        await wait_for(pilot, lambda: "wanda — intervenante" in screen_text(app))
        people_list = screen.query_one("#people", OptionList)
        people_list.focus()
        people_list.highlighted = 1
        await pilot.press("r")
        await choose_option(pilot, "worker+admin")
        await wait_for(pilot, lambda: "wanda — intervenante + administration" in screen_text(app))
        await pilot.press("d")
        await choose_option(pilot, "disable")
        await wait_for(pilot, lambda: "(désactivée)" in screen_text(app))
        with pytest.raises(LoginRefused):
            store.unlock("wanda", PASSPHRASE)
        await pilot.press("d")
        await answer(pilot, "wanda sa nouvelle phrase")
        await answer(pilot, "wanda sa nouvelle phrase")
        await wait_for(pilot, lambda: "(désactivée)" not in screen_text(app))
    with store.unlock("wanda", "wanda sa nouvelle phrase") as wanda:
        assert (wanda.actor.role, wanda.actor.administers) == ("worker", True)


async def test_administration_is_offered_only_to_who_administers(make_app: Any, store: Store) -> None:
    with store.unlock("alice", PASSPHRASE) as alice:
        alice.run(people.add_user, "berthe", "worker", PASSPHRASE, kdf=FAST_KDF)
    app = make_app(environ={"CSVC_USER": "berthe", "CSVC_PASSPHRASE": PASSPHRASE})
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen) and "Nouveau" in screen_text(app))
        assert "Administration" not in screen_text(app) and "a : admin" not in screen_text(app)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, CasesScreen)


async def test_an_empty_partner_list_says_how_to_add_one(make_app: Any, store: Store) -> None:
    with store.unlock("alice", PASSPHRASE) as alice:
        alice.run(people.add_user, "berthe", "worker", PASSPHRASE, kdf=FAST_KDF)
    with store.unlock("berthe", PASSPHRASE) as berthe:
        berthe.run(cases.new_case, CANARY)
    app = make_app(environ={"CSVC_USER": "berthe", "CSVC_PASSPHRASE": PASSPHRASE})
    async with app.run_test() as pilot:
        sharing = await open_sharing(app, pilot)
        for key, form in (("p", ShareForm), ("u", DisclosureForm)):
            await pilot.press(key)
            await wait_for(pilot, lambda form=form: isinstance(app.screen, form))
            assert "Aucun organisme partenaire inscrit" in mounted_text(app)
            await pilot.press("escape")
            await wait_for(pilot, lambda: app.screen is sharing)
