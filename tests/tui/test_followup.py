"""The follow-up queue (``s``) puts the most dangerous case first; an action due at the assessment reads "to
do now", not "overdue", once confirmed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from csvc_tui.screens.cases import CasesScreen
from csvc_tui.widgets.case_table import CaseTable
from textual.widgets import OptionList

from csvc_core.store import cases
from tests.support.constants import PASSPHRASE, UNLOCKED
from tests.support.stores import full_grid, grid
from tests.support.tui import wait_for
from tests.support.tui_paths import open_case_by_name


def _assessed(session: Any, name: str, payload: dict, when: datetime) -> None:  # type: ignore[type-arg]
    case_id = session.run(cases.new_case, name)
    session.assess(case_id, "csvc-grid", {**payload, "assessed_at": when.isoformat()})


async def test_the_queue_shows_the_most_dangerous_first_and_due_now_is_not_overdue(
    make_app: Any, store: Any
) -> None:
    now = datetime.now(UTC)
    session = store.unlock("alice", PASSPHRASE)
    session.run(cases.new_case, "Jamais évalué")
    _assessed(session, "Niveau 2", full_grid(violence_history="yes"), now - timedelta(days=90))
    _assessed(session, "Imminent en retard", grid(homicide_plan="yes"), now - timedelta(days=2))
    _assessed(session, "Imminent à l'instant", grid(homicide_plan="yes"), now - timedelta(minutes=1))
    session.lock()
    app = make_app(environ=UNLOCKED)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen) and app.screen.followup_items)
        await pilot.press("s")
        table = app.screen.query_one(CaseTable)
        await wait_for(pilot, lambda: app.screen.showing_followup)
        assert [row.name for row in table.rows] == [
            "Imminent en retard",
            "Imminent à l'instant",
            "Jamais évalué",
            "Niveau 2",
        ]
        assert table.rows[0].overdue_actions > 0 and table.rows[1].overdue_actions == 0
        await pilot.press("s")
        case = await open_case_by_name(app, pilot, "Imminent à l'instant")
        actions = case.query_one("#case-actions", OptionList)
        prompts = [str(actions.get_option_at_index(i).prompt) for i in range(actions.option_count)]
        offer = next(prompt for prompt in prompts if "hébergement" in prompt.casefold())
        assert "À FAIRE MAINTENANT" in offer
        assert not any("EN RETARD" in prompt for prompt in prompts)
