"""F2 words an instrument's problems in the UI's language, with the plugin, the file, the field, the item and
the value as they are."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from csvc_tui.screens.info import PluginsScreen

from csvc_core import hookimpl
from csvc_core.framework import Csvc
from csvc_core.plugins import new_plugin_manager
from tests.support.tui import screen_of_key

GRID = Path(__file__).resolve().parents[2] / "instruments" / "csvc_instruments" / "shared" / "csvc-grid.toml"


class BadData:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @hookimpl
    def csvc_instrument_sources(self) -> list[Path]:
        return [self.folder]


async def test_f2_words_an_instrument_problem_in_french(make_app: Any, store: Any, tmp_path: Path) -> None:
    grid = GRID.read_text(encoding="utf-8").replace('factor = "stalking"', 'factor = "bad_mood"')
    (tmp_path / "csvc-grid.toml").write_text(grid, encoding="utf-8")
    manager = new_plugin_manager()
    assert manager.register_checked(BadData(tmp_path), "bad_data", None)
    screen = await screen_of_key(make_app, "f2", PluginsScreen, Csvc(manager))
    text = str(screen.report)
    path = tmp_path / "csvc-grid.toml"
    index = [block.startswith('\nid = "stalking"') for block in grid.split("[[items]]")[1:]].index(True)
    expected = f"$.items[{index}].factor: code de facteur 'bad_mood' inconnu (question 'stalking')"
    assert f"bad_data: {path}: {expected}" in text, text
    assert "unknown factor code" not in text
