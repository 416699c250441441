"""Administering from the TUI: the first person's role at first run, the partners and the people of her
organisation (Pilot, on a real SQLite store)."""

from __future__ import annotations

from typing import Any

from csvc_tui.screens.cases import CasesScreen
from textual.widgets import Input

from csvc_core.store import open_store
from tests.tui.conftest import PASSPHRASE, screen_text, wait_for


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
    with open_store(store_url).unlock("alice", PASSPHRASE) as alice:
        assert (alice.actor.role, alice.actor.administers) == ("admin", True)
