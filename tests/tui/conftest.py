"""Fixtures of the terminal UI tests: a real SQLite store, the real app built by the CLI's factory, Pilot.

The UI language is French here (the default). The language is the whole process's: a UI in another language
runs in a process of its own (:func:`run_ui_script`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from csvc_tui.text import set_language

set_language("fr")

from tests.support.constants import FAST_KDF, PASSPHRASE  # noqa: E402
from tests.support.environment import isolated_environment  # noqa: E402, F401 - the fixture
from tests.support.stores import sqlite_url, store  # noqa: E402, F401 - fixtures


@pytest.fixture
def store_url(request: pytest.FixtureRequest) -> str:
    """The UI tests run on a real SQLite file (``store`` creates the store in it)."""
    return str(request.getfixturevalue("sqlite_url"))


@pytest.fixture
def make_app(store_url: str) -> Callable[..., Any]:
    """``make_app(environ=..., lock_after=..., clock=..., csvc=..., session=...)``: the app as ``csvc tui``
    builds it; ``session``: alice's session already open (a caller that holds one), the app on the cases."""
    from csvc_tui.app import build_app
    from csvc_tui.settings import TuiSettings
    from csvc_tui.workspace import Workspace

    def make(
        environ: dict[str, str] | None = None,
        lock_after: float = 600,
        clock: Callable[[], float] | None = None,
        csvc: Any = None,
        session: bool = False,
    ) -> Any:
        workspace = Workspace(store_url, environ=environ or {}, csvc=csvc, kdf=FAST_KDF)
        if session:
            workspace.unlock("alice", PASSPHRASE)
        settings = TuiSettings(lock_after=lock_after)
        return build_app(settings, workspace, clock=clock) if clock else build_app(settings, workspace)

    return make
