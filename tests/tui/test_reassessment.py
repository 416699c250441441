"""A second assessment of a case with another instrument shows each action once on the case screen, and the
action she declined stays declined (not declined a second time when she leaves it out again)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from csvc_tui.screens.case import CaseScreen
from textual.widgets import OptionList, SelectionList

from csvc_core.store import casefile, cases, followup
from tests.support.constants import PASSPHRASE, UNLOCKED
from tests.support.stores import grid
from tests.support.tui import wait_for
from tests.support.tui_paths import assess_all_yes, open_case_by_name


async def test_the_case_screen_shows_each_action_once_after_two_assessments(
    make_app: Any, store: Any
) -> None:
    session = store.unlock("alice", PASSPHRASE)
    case_id = session.run(cases.new_case, "Deux évaluations")
    first = session.assess(case_id, "csvc-grid", grid(homicide_plan="yes"))
    [plan] = [a for a in first.actions if a.action == "safety_plan"]
    session.run(followup.set_action_status, plan.id, "not_done", "Pas maintenant")
    labels = {a.action: a.label.fr for a in first.actions if a.label is not None}
    session.lock()
    app = make_app(environ=UNLOCKED)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_case_by_name(app, pilot, "Deux évaluations")
        result = await assess_all_yes(app, pilot, "risk-checklist")
        result.query_one("#actions", SelectionList).deselect("safety_plan")  # not retained, again
        await pilot.press("c")
        case = await wait_for(pilot, lambda: isinstance(app.screen, CaseScreen) and app.screen)
        await wait_for(pilot, lambda: len(case.detail.assessments) == 2)
        actions = case.query_one("#case-actions", OptionList)
        prompts = [str(actions.get_option_at_index(i).prompt) for i in range(actions.option_count)]
        shown = Counter(
            action for action, label in labels.items() for prompt in prompts if label[:40] in prompt
        )
        assert set(shown) >= {"shelter_offer", "safety_plan"} and set(shown.values()) == {1}, prompts
        [declined] = [prompt for prompt in prompts if labels["safety_plan"][:40] in prompt]
        assert "à faire" not in declined.casefold(), declined
    session = store.unlock("alice", PASSPHRASE)
    [kept] = [
        a
        for a in session.run(casefile.case_detail, case_id, reveal=True).actions
        if a.action == "safety_plan"
    ]
    assert [change.note for change in kept.history if change.note] == ["Pas maintenant"]
    session.lock()
