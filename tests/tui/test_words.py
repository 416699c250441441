"""What the screens show a person is words, never codes: sectors by name, instruments by title, levels by
name, in the UI's language (French here); a code only when its plugin is gone."""

from __future__ import annotations

from typing import Any

from textual.widgets import OptionList, Static

from csvc_core.store import cases
from tests.support.constants import PASSPHRASE, UNLOCKED
from tests.support.stores import grid
from tests.support.tui import wait_for
from tests.support.tui_paths import open_case_by_name

CODES = ("csvc-grid", "shelter", "concern", "imminent")


async def test_the_case_history_names_sectors_instruments_and_levels(make_app: Any, store: Any) -> None:
    session = store.unlock("alice", PASSPHRASE)
    case_id = session.run(cases.new_case, "Dossier 2026-201")
    raised = {"level": "imminent", "reason": "menaces de mort hier soir", "by": "alice"}
    session.assess(case_id, "csvc-grid", {**grid(homicide_plan="no"), "override": raised})
    app = make_app(environ=UNLOCKED)
    async with app.run_test(size=(80, 24)) as pilot:
        case = await open_case_by_name(app, pilot, "Dossier 2026-201")
        level = str(case.query_one("#case-level", Static).content)
        history = str(case.query_one("#case-assessments", Static).content)
        actions = [str(option.prompt) for option in case.query_one("#case-actions", OptionList).options]
        workspace = app.workspace
        title = workspace.csvc.catalogue.instruments["csvc-grid"].title.get("fr")
        assert f"établi par Maisons d'hébergement · {title} · victime" in level, level
        assert f"{title} · victime · Maisons d'hébergement · alice" in history, history
        assert "rehaussé : Préoccupant → Imminent" in history, history
        sectors = {line.split("  ")[1] for line in actions}
        partnership = "Partenariat CSVC (concertation intersectorielle)"
        assert sectors == {"Maisons d'hébergement", partnership}, actions
        for shown in (level, history, *actions):
            assert not any(code in shown for code in CODES), shown
        assert workspace.sector_name("police") == "Services policiers"
        # no plugin for prosecution: the catalogue's word
        assert workspace.sector_name("prosecution") == "Poursuites criminelles (DPCP)"
        assert workspace.sector_name("a_sector_whose_plugin_is_gone") == "a_sector_whose_plugin_is_gone"
        assert workspace.instrument_title("gone-instrument") == "gone-instrument"


async def page(pilot: Any, body: Any, key: str) -> None:
    """Press ``key`` and wait until ``body`` scrolled."""
    before = body.scroll_y
    await pilot.press(key)
    await wait_for(pilot, lambda: body.scroll_y != before)


async def test_the_result_explanation_pages_from_the_keyboard_at_80x24(make_app: Any, store: Any) -> None:
    from textual.containers import VerticalScroll
    from textual.widgets import SelectionList

    from tests.support.tui import screen_text
    from tests.support.tui_paths import assess_all_yes, open_new_case

    app = make_app(environ=UNLOCKED)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_new_case(app, pilot, "Dossier 2026-202")
        await pilot.press("e")
        instruments = await wait_for(pilot, lambda: app.screen.query("#choices") and app.screen)
        offered = [str(option.prompt) for option in instruments.query_one(OptionList).options]
        assert "Grille d'appréciation du niveau de compromission de la sécurité (v1.0)" in offered, offered
        await pilot.press("escape")
        result = await assess_all_yes(app, pilot, "csvc-grid")
        body = result.query_one("#result-body", VerticalScroll)
        await wait_for(pilot, lambda: body.max_scroll_y > 0 and body.scroll_y == 0)
        await wait_for(pilot, lambda: "pgdn Défiler" in screen_text(app).splitlines()[-1])
        last = "Réévaluer au plus tard"
        assert last not in screen_text(app)
        while body.scroll_y < body.max_scroll_y:
            await page(pilot, body, "pagedown")
        assert last in screen_text(app)
        actions = result.query_one("#actions", SelectionList)
        assert app.focused is actions
        labels = [str(actions.get_option_at_index(i).prompt) for i in range(actions.option_count)]
        assert labels and all("[Maisons d'hébergement]" in s or "[Partenariat CSVC" in s for s in labels)
        assert not any("[shelter]" in s or "[csvc]" in s for s in labels)
        await pilot.press("pageup")
        await wait_for(pilot, lambda: body.scroll_y < body.max_scroll_y)
        while body.scroll_y > 0:
            await page(pilot, body, "pageup")
        assert last not in screen_text(app)
