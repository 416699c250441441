"""Plugin diagnostics (a broken plugin), the English UI (own process), drafts in the store, threads."""

from __future__ import annotations

import asyncio
from typing import Any

from csvc_tui.screens.cases import CasesScreen
from csvc_tui.screens.info import PluginsScreen
from textual.worker import WorkerState

from csvc_core import hookimpl
from csvc_core.framework import Csvc
from csvc_core.plugins import new_plugin_manager
from csvc_core.store import cases, drafts, people
from tests.support.constants import FAST_KDF, PASSPHRASE, UNLOCKED
from tests.support.tui import run_ui_script, wait_for


class MisspeltPlugin:
    """A plugin whose hook name does not exist: the manager refuses it and records why."""

    @hookimpl
    def csvc_recommend_actionz(self) -> list[Any]:
        return []


async def test_a_broken_plugin_is_shown_in_the_diagnostics(make_app: Any, store: Any) -> None:
    manager = new_plugin_manager(load_entry_points=False)
    assert not manager.register_checked(MisspeltPlugin(), "csvc_demo_broken", "0.1")
    app = make_app(environ=UNLOCKED, csvc=Csvc(manager))
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen))
        await pilot.press("f2")
        screen = await wait_for(pilot, lambda: isinstance(app.screen, PluginsScreen) and app.screen)
        text = str(screen.report)
        assert "csvc_demo_broken 0.1" in text and "csvc_recommend_actionz" in text
        assert "csvc_core" in text and "Modules en échec" in text
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen))


ENGLISH = """
import asyncio
from tests.support.constants import UNLOCKED
from tests.support.tui import screen_text, wait_for  # sets French: English must come after
from csvc_tui.text import set_language
set_language("en")
from csvc_tui.app import build_app
from csvc_tui.settings import TuiSettings
from csvc_tui.workspace import Workspace

async def main():
    app = build_app(TuiSettings(lang="en"), Workspace({url!r}, environ=UNLOCKED))
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: "Cases — alice" in screen_text(app) and "New case" in screen_text(app))
        print(screen_text(app))
        await pilot.press("n")
        await wait_for(pilot, lambda: "Name or reference of the new case" in screen_text(app))
        await pilot.press("escape", "f1")
        await wait_for(pilot, lambda: "What it does NOT protect against" in screen_text(app))
        print(screen_text(app))

asyncio.run(main())
"""


def test_the_english_ui_in_its_own_process(store: Any, store_url: str) -> None:
    shown = run_ui_script(ENGLISH, store_url)
    assert "New case" in shown and "Follow-up" in shown and "Hide" in shown
    assert "What it does NOT protect against" in shown and "monitored device" in shown
    assert "Nouveau" not in shown and "Aide" not in shown and "Masquer" not in shown


def test_drafts_are_the_users_own_and_encrypted(store: Any, store_url: str) -> None:
    from pathlib import Path

    alice = store.unlock("alice", PASSPHRASE)
    alice.run(people.add_user, "berthe", "worker", PASSPHRASE, kdf=FAST_KDF)
    case_id = alice.run(cases.new_case, "Dossier 2026-077")
    draft = {"instrument": "csvc-grid", "protagonist": "victim", "notes": {"stalking": "vu au parc vendredi"}}
    alice.run(drafts.save_draft, case_id, "csvc-grid:victim", draft)
    berthe = store.unlock("berthe", PASSPHRASE)
    assert (
        berthe.run(drafts.case_drafts, case_id) == []
        and berthe.run(drafts.read_draft, case_id, "csvc-grid:victim") is None
    )
    assert alice.run(drafts.read_draft, case_id, "csvc-grid:victim") == draft
    path = Path(store_url.removeprefix("sqlite:///"))
    raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    assert b"vu au parc" not in raw
    assert (
        alice.run(drafts.discard_draft, case_id, "csvc-grid:victim")
        and alice.run(drafts.case_drafts, case_id) == []
    )
    assert store.verify_audit().ok


async def test_a_background_thread_hands_over_its_answer_without_waiting_for_the_ui(
    make_app: Any, store: Any
) -> None:
    """A store thread ends as soon as its work is done, even while the UI is busy: none can outlive Ctrl+Q."""
    app = make_app()
    async with app.run_test() as pilot:
        ui_free = asyncio.Event()
        taken: list[int] = []

        async def busy_ui(value: int) -> None:
            await ui_free.wait()
            taken.append(value)

        worker = app.screen.background(lambda: 42, busy_ui)  # the gate's thread
        deadline = asyncio.get_running_loop().time() + 10
        while worker.state is not WorkerState.SUCCESS:
            assert asyncio.get_running_loop().time() < deadline, f"the thread still waits: {worker.state}"
            await asyncio.sleep(0.01)
        assert taken == []
        ui_free.set()
        await wait_for(pilot, lambda: taken == [42])
