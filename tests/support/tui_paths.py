"""The usual paths through the UI with Pilot: typing, opening or creating a case, filling a grid."""

from __future__ import annotations

from typing import Any

from csvc_tui.screens.case import CaseScreen
from csvc_tui.screens.cases import CasesScreen
from csvc_tui.screens.form import FormScreen
from csvc_tui.screens.result import ResultScreen

from tests.support.tui import wait_for


async def type_text(pilot: Any, text: str) -> None:
    """Type into the focused input, once it has the focus (a modal may still be opening)."""
    from textual.widgets import Input

    await wait_for(pilot, lambda: isinstance(pilot.app.focused, Input))
    await pilot.press(*text)


async def open_new_case(app: Any, pilot: Any, label: str) -> CaseScreen:
    """From the case list: n, the label, Enter: the new case opens."""
    await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen))
    await pilot.press("n")
    await type_text(pilot, label)
    await pilot.press("enter")
    screen = await wait_for(pilot, lambda: isinstance(app.screen, CaseScreen) and app.screen)
    await wait_for(pilot, lambda: screen.detail is not None)
    return screen


async def start_grid(app: Any, pilot: Any) -> FormScreen:
    """e: the instrument list (the shelter's instruments and the shared grid), then the victim."""
    await pilot.press("e")
    await wait_for(pilot, lambda: app.screen.query("#choices"))
    choices = app.screen.query_one("#choices")
    ids = [option.id for option in choices.options]
    assert "csvc-grid" in ids
    while choices.get_option_at_index(choices.highlighted).id != "csvc-grid":
        await pilot.press("down")
    await pilot.press("enter")
    await wait_for(
        pilot,
        lambda: app.screen.query("#choices") and app.screen.query_one("#choices").options[0].id == "victim",
    )
    await pilot.press("enter")
    return await wait_for(pilot, lambda: isinstance(app.screen, FormScreen) and app.screen)


async def choose(pilot: Any, option_id: str) -> None:
    """In the open choice list, move to ``option_id`` and take it."""
    app = pilot.app
    await wait_for(pilot, lambda: app.screen.query("#choices"))
    choices = app.screen.query_one("#choices")
    ids = [option.id for option in choices.options]
    target = ids.index(option_id)
    while choices.highlighted != target:
        await pilot.press("down" if (choices.highlighted or 0) < target else "up")
    await pilot.press("enter")


def store_bytes(store_url: str) -> bytes:
    """The store file and its WAL, as a forensic reader would see them."""
    from pathlib import Path

    path = Path(store_url.removeprefix("sqlite:///"))
    return b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists())


async def assess_all_yes(app: Any, pilot: Any, instrument_id: str) -> Any:
    """From an open case: e, the instrument, the victim, every question answered yes, r: the result screen."""

    from tests.support.tui_paths import choose

    await pilot.press("e")
    await choose(pilot, instrument_id)
    if app.screen.query("#choices"):
        await choose(pilot, "victim")
    form = await wait_for(pilot, lambda: isinstance(app.screen, FormScreen) and app.screen)

    def unanswered() -> bool:
        return any(f.type == "yes_no" and f.id not in form.state.answers for f in form.state.visible())

    while unanswered():
        await pilot.press("o")
    await pilot.press("r")
    return await wait_for(pilot, lambda: isinstance(app.screen, ResultScreen) and app.screen)


async def open_case_by_name(app: Any, pilot: Any, name: str) -> CaseScreen:
    """From the case list: the search, the name, Enter on the list."""
    from csvc_tui.screens.cases import CasesScreen
    from csvc_tui.widgets.case_table import CaseTable

    await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen) and app.screen.all_rows)
    await pilot.press("slash", *name)
    await wait_for(pilot, lambda: [row.name for row in app.screen.query_one(CaseTable).rows] == [name])
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(app.focused, CaseTable))
    await pilot.press("enter")
    screen = await wait_for(pilot, lambda: isinstance(app.screen, CaseScreen) and app.screen)
    await wait_for(pilot, lambda: screen.detail is not None)
    return screen
