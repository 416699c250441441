"""Driving the terminal UI in tests: what the screen shows, waiting on it, typing, the usual paths through
the app (Pilot), and a UI script in its own process.

The UI language is French here (the default); importing this module sets it, so a script that wants English
sets it after this import.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from csvc_tui.text import set_language

from csvc_core.framework import Csvc
from tests.support.constants import ROOT, UNLOCKED

set_language("fr")


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
    """Let the app run (workers, messages) until ``condition()`` is true. A widget the condition queries
    that is not mounted yet (a screen pushed, still composing) is "not yet", not an error."""
    from textual.css.query import NoMatches

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            value = condition()
        except NoMatches:
            value = None
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

    code = textwrap.dedent(script).format(url=store_url)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


async def screen_of_key(make_app: Any, key: str, kind: type, csvc: Csvc | None = None) -> Any:
    """The screen ``key`` opens from the case list (read after the app stopped: its text stays)."""
    from csvc_tui.screens.cases import CasesScreen  # here: a script importing this module may choose English

    app = make_app(environ=UNLOCKED, csvc=csvc)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen))
        await pilot.press(key)
        return await wait_for(pilot, lambda: isinstance(app.screen, kind) and app.screen)


def bar_text(app: Any) -> str:
    """The key bar's text ("" while the screen is still being composed)."""
    from csvc_tui.widgets.keybar import KeyBar

    if not app.screen.query(KeyBar):
        return ""
    bar = app.screen.query_one(KeyBar)
    return "".join(strip.text for strip in bar.render_lines(bar.region.reset_offset))
