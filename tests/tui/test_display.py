"""Readable forms, in every theme and at 80x24 and 120x36: text never in the background colour, Enter and Tab
that say where they lead, checked and unchecked boxes that differ without colour."""

from __future__ import annotations

from typing import Any

import pytest
from csvc_tui.text import _
from textual.strip import Strip

from tests.support.constants import FAST_KDF, UNLOCKED
from tests.support.tui import screen_text, wait_for
from tests.support.tui_paths import assess_all_yes, choose, open_new_case

SIZES = [(80, 24), (120, 36)]


def build(store_url: str, theme: str = "csvc") -> Any:
    """The app on a store not created yet (first run), in ``theme``."""
    from csvc_tui.app import build_app
    from csvc_tui.settings import TuiSettings
    from csvc_tui.workspace import Workspace

    return build_app(TuiSettings(lock_after=600, theme=theme), Workspace(store_url, environ={}, kdf=FAST_KDF))


def invisible_in(strips: list[Strip], words: str) -> list[str]:
    """The pieces of the line showing ``words`` whose colour is the colour behind them."""
    for strip in strips:
        if words in strip.text:
            return [
                segment.text
                for segment in strip
                if segment.text.strip() and segment.style and segment.style.color == segment.style.bgcolor
            ]
    raise AssertionError(f"{words!r} not on screen")


async def assessed(app: Any, pilot: Any, label: str, instrument_id: str) -> Any:
    """A new case ``label`` and its first ``instrument_id`` answered yes throughout: the result screen."""
    await open_new_case(app, pilot, label)
    return await assess_all_yes(app, pilot, instrument_id)


async def first_run(app: Any, pilot: Any, differing: bool = False) -> None:
    """The first-run form, shown and focused; ``differing``: filled in with two different passphrases."""
    await wait_for(pilot, lambda: app.screen.query("#setup") and app.screen.query_one("#setup").display)
    await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "setup-org")
    if differing:
        await pilot.press(*"Maison Aurore", "enter", "enter", *"alice", "enter")
        await pilot.press(*"une phrase de passe assez longue", "enter", *"une autre phrase longue", "enter")


@pytest.mark.parametrize("theme", ["csvc", "csvc-contrast"])
@pytest.mark.parametrize("size", SIZES)
async def test_first_run_heading_and_retry_message_are_drawn_in_a_visible_colour(
    store_url: str, theme: str, size: tuple[int, int]
) -> None:
    app = build(store_url, theme)
    async with app.run_test(size=size) as pilot:
        await first_run(app, pilot)
        heading = _("gate.first_run", store="@").split("@")[0].strip()
        strips = app.screen._compositor.render_strips()
        assert invisible_in(strips, heading) == []
        await first_run(app, pilot, differing=True)
        retry = _("gate.setup_retry")
        await wait_for(pilot, lambda: retry in screen_text(app))
        assert invisible_in(app.screen._compositor.render_strips(), retry) == []


@pytest.mark.parametrize("size", SIZES)
async def test_enter_on_an_empty_field_names_what_is_missing(store_url: str, size: tuple[int, int]) -> None:
    from textual.widgets import Input

    app = build(store_url)
    async with app.run_test(size=size) as pilot:
        await first_run(app, pilot)
        await pilot.press("enter")
        missing = _("gate.missing", field=_("gate.organisation"))
        await wait_for(pilot, lambda: missing in screen_text(app))
        assert app.focused is app.screen.query_one("#setup-org", Input)
        await pilot.press(*"Maison Aurore", "enter", "enter", "enter")  # sector chosen, no user
        await wait_for(pilot, lambda: _("gate.missing", field=_("gate.first_user")) in screen_text(app))


@pytest.mark.parametrize("size", SIZES)
async def test_tab_on_the_last_field_goes_to_a_visible_submit_button(
    store_url: str, size: tuple[int, int]
) -> None:
    from csvc_tui.app import WORK

    app = build(store_url)
    async with app.run_test(size=size) as pilot:
        await first_run(app, pilot)
        passphrase = "une phrase de passe assez longue"
        await pilot.press(*"Maison Aurore", "enter", "enter", *"alice", "enter")
        await pilot.press(*passphrase, "tab", *passphrase)
        await pilot.press("tab")
        button = app.screen.query_one("#setup-submit")
        assert app.focused is button
        assert _("gate.create_button") in screen_text(app)
        assert button.region.bottom <= size[1] - 1
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.current_mode == WORK, timeout=60)


@pytest.mark.parametrize("size", SIZES)
async def test_differing_passphrases_are_both_cleared_with_a_message(
    store_url: str, size: tuple[int, int]
) -> None:
    from textual.widgets import Input

    app = build(store_url)
    async with app.run_test(size=size) as pilot:
        await first_run(app, pilot, differing=True)
        differ = _("gate.passphrases_differ")
        await wait_for(pilot, lambda: differ in str(app.screen.query_one("#gate-error").content))
        first, repeat = (app.screen.query_one(f"#setup-{name}", Input) for name in ("passphrase", "repeat"))
        assert first.value == "" and repeat.value == ""
        assert app.focused is first


@pytest.mark.parametrize("size", SIZES)
async def test_a_ticked_and_an_unticked_action_read_differently_without_colour(
    make_app: Any, store: Any, size: tuple[int, int]
) -> None:

    app = make_app(environ=UNLOCKED)
    async with app.run_test(size=size) as pilot:
        result = await assessed(app, pilot, "Dossier 2026-301", "csvc-grid")
        actions = result.query_one("#actions")
        index, dropped = next((i, a) for i, a in enumerate(result.result.actions) if not a.mandatory)
        kept = result.result.actions[index - 1]  # shown just above it
        while actions.highlighted != index:
            await pilot.press("down")
        await pilot.press("space")
        await wait_for(pilot, lambda: dropped.id not in result.accepted())
        for _page in range(6):  # the explanation comes first: page down to the actions
            await pilot.press("pagedown")
        await pilot.pause(0.1)
        lines = screen_text(app).splitlines()

        def box(action: Any) -> str:
            words = action.label.get("fr")[:20]
            line = next(line for line in lines if words in line)
            return line[: line.index(words)].strip()

        assert box(kept) != box(dropped), (box(kept), box(dropped))


@pytest.mark.parametrize("size", SIZES)
async def test_the_result_says_what_the_rule_did(make_app: Any, store: Any, size: tuple[int, int]) -> None:
    from textual.widgets import Static

    app = make_app(environ=UNLOCKED)
    async with app.run_test(size=size) as pilot:
        result = await assessed(app, pilot, "Dossier 2026-302", "csvc-grid")
        shown = screen_text(app)
        assert _("result.explained") in shown and "Règle par paliers" in shown, shown
        explanation = str(result.query_one("#explanation", Static).content)
        chronic = explanation[explanation.index("Palier « Facteurs chroniques") :]
        assert chronic.split("\n")[0].endswith("l'emporte.") or "l'emporte" in chronic[:200], chronic[:300]
        assert "Facteur critique présent qui n'a pas changé le niveau" in explanation
        await pilot.press("escape", "escape")
        result = await assess_all_yes(app, pilot, "risk-checklist")
        explanation = str(result.query_one("#explanation", Static).content)
        assert "Règle par décompte" in explanation and "Seuils : 0 à 9 → Standard" in explanation, explanation


async def raise_choices(app: Any, pilot: Any) -> list[Any]:
    """``h`` on the result screen: the levels offered."""
    from textual.widgets import OptionList

    await pilot.press("h")
    choices = await wait_for(pilot, lambda: app.screen.query("#choices") and app.screen.query_one("#choices"))
    assert isinstance(choices, OptionList)
    return list(choices.options)


@pytest.mark.parametrize("size", SIZES)
async def test_raising_offers_no_level_below_the_computed_one_and_one_name_per_number(
    make_app: Any, store: Any, size: tuple[int, int]
) -> None:
    from csvc_tui.screens.case import CaseScreen

    app = make_app(environ=UNLOCKED)
    async with app.run_test(size=size) as pilot:
        await assessed(app, pilot, "Dossier 2026-303", "csvc-grid")
        assert [option.id for option in await raise_choices(app, pilot)] == ["imminent"]
        assert _("result.lowering_not_offered") in app.screen.prompt
        assert _("result.lowering_not_offered")[:30] in screen_text(app)
        for _step in range(3):  # the choice, the result, the form
            await pilot.press("escape")
            await pilot.pause(0.05)
        await wait_for(pilot, lambda: isinstance(app.screen, CaseScreen))
        result = await assess_all_yes(app, pilot, "risk-checklist")
        labels = [str(option.prompt) for option in await raise_choices(app, pilot)]
        assert labels == ["Élevé → compromission 3 Aggravé"], labels
        assert result.result.computed_level == "high"


@pytest.mark.parametrize("size", SIZES)
async def test_the_counter_counts_every_numbered_question_and_a_refused_answer_names_it_by_its_wording(
    make_app: Any, store: Any, size: tuple[int, int]
) -> None:
    from csvc_tui.screens.ask import AskText
    from csvc_tui.screens.form import FormScreen

    app = make_app(environ=UNLOCKED)
    async with app.run_test(size=size) as pilot:
        await open_new_case(app, pilot, "Dossier 2026-304")
        await pilot.press("e")
        await choose(pilot, "risk-checklist")
        form = await wait_for(pilot, lambda: isinstance(app.screen, FormScreen) and app.screen)
        numbered = [row for row in form.rows if row.display and row.field.type != "text"]
        assert f"0/{len(numbered)}" in screen_text(app)
        while form.state.current().context_key is None:
            await pilot.press("o")
        field = form.state.current()
        assert field.id == "context.incidents_12m"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, AskText))
        await pilot.press(*"beaucoup", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, AskText) and app.screen.error)
        error = app.screen.error
        assert field.label.get("fr") in error and "context." not in error, error
        assert "context." not in screen_text(app)


def list_text(app: Any) -> str:
    """The action list's lines as shown, joined: what lies between its borders, boxes and scroll bar left
    out."""
    parts = []
    for line in screen_text(app).splitlines():
        if "▊" in line and "▎" in line:
            inside = line[line.index("▊") + 1 : line.rindex("▎")]
            parts.append(inside.replace("▐X▌", " ").replace("▐ ▌", " "))
    scrollbar = str.maketrans("", "", "▁▂▃▄▅▆▇█▔")
    return " ".join(" ".join(parts).translate(scrollbar).split())


@pytest.mark.parametrize("size", SIZES)
async def test_every_action_shows_whole_with_its_sector_obligation_and_due_date(
    make_app: Any, store: Any, size: tuple[int, int]
) -> None:
    from csvc_tui.screens.result import action_label

    app = make_app(environ=UNLOCKED)
    async with app.run_test(size=size) as pilot:
        result = await assessed(app, pilot, "Dossier 2026-305", "csvc-grid")
        for _page in range(8):
            await pilot.press("pagedown")
        sector_name = app.workspace.sector_name
        for index, action in enumerate(result.result.actions):
            if index:
                await pilot.press("down")
            await pilot.pause(0.05)
            shown = list_text(app)
            whole = " ".join(action_label(result.result, index, sector_name).split())
            assert whole in shown, (whole, shown)
            assert action.due is not None and action.due.strftime("%Y-%m-%d %H:%M") in whole
            assert action.mandatory is ("obligatoire" in whole)
