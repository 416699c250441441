"""The case list's search (accents and case aside, Escape empties it, the case number shown) and an action's
status changed from the case screen: named, confirmed, its note shown there and in the report."""

from __future__ import annotations

from typing import Any

from csvc_tui.screens.ask import AskChoice, AskText
from csvc_tui.screens.cases import CasesScreen
from csvc_tui.widgets.case_table import CaseTable
from textual.widgets import Input, OptionList

from csvc_core.store import casefile, cases
from tests.support.cli import run_csvc
from tests.support.constants import PASSPHRASE, UNLOCKED
from tests.support.stores import grid
from tests.support.tui import screen_text, wait_for
from tests.support.tui_paths import open_case_by_name


async def test_the_search_ignores_accents_and_case_shows_the_number_and_escape_clears_it(
    make_app: Any, store: Any
) -> None:
    session = store.unlock("alice", PASSPHRASE)
    marie = session.run(cases.new_case, "Marie-Ève Tremblay")
    session.run(cases.new_case, "Jean Côté")
    session.lock()
    app = make_app(environ=UNLOCKED)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen) and len(app.screen.all_rows) == 2)
        table = app.screen.query_one(CaseTable)
        assert marie[:6] in screen_text(app)  # the number the search finds her by
        await pilot.press("slash", *"marie-eve")
        await wait_for(pilot, lambda: [row.name for row in table.rows] == ["Marie-Ève Tremblay"])
        await pilot.press("escape")
        await wait_for(pilot, lambda: len(table.rows) == 2)
        assert app.screen.query_one("#case-search", Input).value == ""
        assert app.focused is table
        await pilot.press("slash", *"COTE")
        await wait_for(pilot, lambda: [row.name for row in table.rows] == ["Jean Côté"])
        await pilot.press("escape", "slash", *marie[:6])
        await wait_for(pilot, lambda: [row.name for row in table.rows] == ["Marie-Ève Tremblay"])


async def test_an_action_status_is_named_confirmed_and_its_note_shown_in_the_case_and_report(
    make_app: Any, store: Any, store_url: str
) -> None:
    session = store.unlock("alice", PASSPHRASE)
    case_id = session.run(cases.new_case, "Dossier 2026-301")
    session.assess(case_id, "csvc-grid", grid(homicide_plan="yes"))
    first = session.run(casefile.case_detail, case_id).actions[0]
    label = first.label.get("fr")
    session.lock()
    app = make_app(environ=UNLOCKED)
    async with app.run_test(size=(120, 36)) as pilot:
        case = await open_case_by_name(app, pilot, "Dossier 2026-301")
        actions = case.query_one("#case-actions", OptionList)
        assert app.focused is actions  # t acts at once on the highlighted action
        await wait_for(pilot, lambda: actions.highlighted == 0)
        await pilot.press("t")
        choice = await wait_for(pilot, lambda: isinstance(app.screen, AskChoice) and app.screen)
        assert f"« {label} »" in choice.prompt and "à faire" in choice.prompt
        ids = [key for key, _label in choice.choices]
        await pilot.press(*["down"] * ids.index("done"), "enter")
        ask = await wait_for(pilot, lambda: isinstance(app.screen, AskText) and app.screen)
        assert f"« {label} » : à faire → faite" in ask.prompt
        await pilot.press(*"Appel fait au refuge", "enter")
        confirm = await wait_for(pilot, lambda: isinstance(app.screen, AskChoice) and app.screen)
        assert f"« {label} » : à faire → faite" in confirm.prompt and "Appel fait au refuge" in confirm.prompt
        assert session_status(store, case_id, first.id) == "open"  # nothing saved before she confirms
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is case)
        noted = "Note : Appel fait au refuge"
        await wait_for(pilot, lambda: any(noted in line for line in action_lines(actions)))
        assert next(line for line in action_lines(actions) if label in line).startswith("[faite]")
        assert session_status(store, case_id, first.id) == "done"
    env = {"CSVC_STORE": store_url, "CSVC_USER": "alice", "CSVC_PASSPHRASE": PASSPHRASE}
    report = run_csvc("report", case_id, "--format", "md", "--reveal", env=env)
    assert report.returncode == 0, report.stderr
    assert "faite (alice) — note : Appel fait au refuge" in report.stdout, report.stdout


def session_status(store: Any, case_id: str, action_id: str) -> str:
    session = store.unlock("alice", PASSPHRASE)
    try:
        return str(
            next(a.status for a in session.run(casefile.case_detail, case_id).actions if a.id == action_id)
        )
    finally:
        session.lock()


def action_lines(actions: OptionList) -> list[str]:
    return [str(actions.get_option_at_index(i).prompt) for i in range(actions.option_count)]
