"""Fixtures of the terminal UI tests: a real SQLite store, the real app built by the CLI's factory, Pilot.

The UI language is French here (the default). The language is the whole process's: a UI in another language
runs in a process of its own (:func:`run_ui_script`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from csvc_tui.text import set_language

set_language("fr")

from csvc_core.store import KdfParams, Store, init_store  # noqa: E402

FAST_KDF = KdfParams(time_cost=2, memory_cost=19456, parallelism=1)
PASSPHRASE = "une phrase de passe assez longue"
#: a synthetic name that must never be left on screen after the privacy key, nor in clear in the store file.
CANARY = "Zéphyrine Canaripoulos"


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CSVC_STORE", "CSVC_USER", "CSVC_PASSPHRASE", "CSVC_LANG", "CSVC_LOCK_AFTER", "CSVC_THEME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store' / 'csvc.db'}"


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    created = init_store(
        store_url, org="Maison Aurore", sector="shelter", user="alice", passphrase=PASSPHRASE, kdf=FAST_KDF
    )
    yield created
    created.close()


@pytest.fixture
def make_app(store_url: str) -> Callable[..., Any]:
    """``make_app(environ=..., lock_after=..., clock=..., csvc=...)``: the app as ``csvc tui`` builds it."""
    from csvc_tui.app import build_app
    from csvc_tui.settings import TuiSettings
    from csvc_tui.workspace import Workspace

    def make(
        environ: dict[str, str] | None = None,
        lock_after: float = 600,
        clock: Callable[[], float] | None = None,
        csvc: Any = None,
    ) -> Any:
        workspace = Workspace(store_url, environ=environ or {}, csvc=csvc, kdf=FAST_KDF)
        settings = TuiSettings(lock_after=lock_after)
        return build_app(settings, workspace, clock=clock) if clock else build_app(settings, workspace)

    return make


UNLOCKED = {"CSVC_USER": "alice", "CSVC_PASSPHRASE": PASSPHRASE}


def screen_text(app: Any) -> str:
    """Everything the terminal would show now, as plain text."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def mounted_text(app: Any) -> str:
    """The text of every widget mounted in any screen of any mode (what could still be shown)."""
    from csvc_tui.widgets.case_table import CaseTable
    from textual.widgets import Input, OptionList, Static

    parts = []
    for stack in app._screen_stacks.values():
        for screen in stack:
            for widget in screen.walk_children(with_self=True):
                if isinstance(widget, Static):
                    parts.append(str(widget.content))
                elif isinstance(widget, Input):
                    parts.append(widget.value)
                elif isinstance(widget, OptionList):
                    parts.extend(str(option.prompt) for option in widget.options)
                elif isinstance(widget, CaseTable):
                    parts.extend(row.name for row in widget.rows)
    return "\n".join(parts)


async def wait_for(pilot: Any, condition: Callable[[], Any], timeout: float = 30.0) -> Any:
    """Let the app run (workers, messages) until ``condition()`` is true."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = condition()
        if value:
            return value
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {condition}; screen:\n{screen_text(pilot.app)}")
        await pilot.pause(0.02)


def run_ui_script(script: str, store_url: str) -> str:
    """Run ``script`` (a module's text with ``{url!r}`` for the store) in its own Python process from the
    repository root, as a UI in another language needs; its standard output, once it succeeded."""
    import subprocess
    import sys
    import textwrap

    root = Path(__file__).resolve().parents[2]
    code = textwrap.dedent(script).format(url=store_url)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout
