"""The key bar: the focused widget's, the screen's and the app's described keys, following the focus; a click
runs a key, hovering shows its tooltip."""

from __future__ import annotations

from typing import Any

from csvc_tui.screens.cases import CasesScreen
from csvc_tui.screens.info import HelpScreen
from csvc_tui.text import _
from csvc_tui.widgets.keybar import KeyBar

from tests.support.constants import UNLOCKED
from tests.support.tui import bar_text, wait_for
from tests.support.tui_paths import open_new_case


async def test_the_key_bar_follows_the_focus_and_runs_a_clicked_key(make_app: Any, store: Any) -> None:
    app = make_app(environ=UNLOCKED)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(
            pilot, lambda: isinstance(app.screen, CasesScreen) and _("binding.case_open") in bar_text(app)
        )
        text = bar_text(app)
        assert text.startswith(
            f"⏎ {_('binding.case_open')} n {_('binding.case_new')} s {_('binding.followup')}"
            f" f {_('binding.cases_filter')}"
        )  # '/' is announced by the search field itself
        assert f"f12 {_('binding.privacy')} f1 {_('binding.help')}" in text
        assert text.rstrip().endswith(f"▏^p {_('binding.palette')}"), text
        assert text.count(_("binding.privacy")) == 1  # two keys for one action: shown once

        await pilot.press("slash")  # the search field has the focus: the list's Enter is no longer shown
        await wait_for(pilot, lambda: _("binding.case_open") not in bar_text(app))

        bar = app.screen.query_one(KeyBar)
        help_key = next(key for key in bar.keys if key.binding.action == "help")
        await pilot.hover(KeyBar, offset=(help_key.start, 0))
        assert bar.tooltip == _("tooltip.help")
        await pilot.click(KeyBar, offset=(help_key.start + 1, 0))
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))


async def test_the_privacy_key_and_help_stay_on_a_crowded_bar(make_app: Any, store: Any) -> None:
    """The case view has more keys than 80 columns hold: the flowing ones are cut, F12 and F1 never."""
    app = make_app(environ=UNLOCKED)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen) and bar_text(app))
        await open_new_case(app, pilot, "Dossier fictif")
        await wait_for(pilot, lambda: _("binding.case_assess") in bar_text(app))
        text = bar_text(app)
        assert len(text) == 80
        assert f"f12 {_('binding.privacy')} f1 {_('binding.help')} ▏^p {_('binding.palette')}" in text, text
        bar = app.screen.query_one(KeyBar)
        privacy = next(key for key in bar.keys if key.binding.id == "privacy")
        assert text[privacy.start : privacy.end] == f"f12 {_('binding.privacy')}"
        await pilot.click(KeyBar, offset=(privacy.start + 1, 0))
        await wait_for(pilot, lambda: _("binding.case_assess") not in bar_text(app))  # hidden and locked
