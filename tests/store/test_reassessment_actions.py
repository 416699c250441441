"""A re-assessment keeps the actions already open for the case (their due date moved earlier when the new one
is sooner) instead of repeating them, and brings a declined action back only when the level rose (both
engines)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from csvc_core.store import StoreSession

from .conftest import full_grid, grid


def _at(answers: dict, when: datetime) -> dict:  # type: ignore[type-arg]
    return {**answers, "assessed_at": when.isoformat()}


def test_a_reassessment_keeps_open_actions_once_and_a_declined_one_declined(session: StoreSession) -> None:
    now = datetime.now(UTC)
    case_id = session.new_case("Réévaluée")
    first = session.assess(case_id, "csvc-grid", _at(grid(homicide_plan="yes"), now - timedelta(hours=1)))
    before = {a.action: a for a in session.case(case_id).actions}
    session.set_action_status(before["safety_plan"].id, "not_done", "Refuse pour l'instant")

    second = session.assess(case_id, "csvc-grid", _at(grid(homicide_plan="yes"), now - timedelta(hours=3)))

    after = session.case(case_id, reveal=True).actions
    assert Counter((a.action, a.sector) for a in after).most_common(1)[0][1] == 1
    assert {a.id for a in after} == {a.id for a in first.actions}
    assert sorted(a.id for a in second.actions) == sorted(a.id for a in first.actions)
    by_kind = {a.action: a for a in after}
    assert by_kind["safety_plan"].status == "not_done"
    offer = by_kind["shelter_offer"]
    assert offer.status == "open" and offer.due is not None and offer.due < before["shelter_offer"].due
    assert [change.due for change in offer.history if change.due is not None][-1] == offer.due


def test_a_declined_action_comes_back_when_the_level_rose(session: StoreSession) -> None:
    now = datetime.now(UTC)
    case_id = session.new_case("Niveau monté")
    first = session.assess(
        case_id, "csvc-grid", _at(full_grid(violence_history="yes"), now - timedelta(hours=2))
    )
    assert first.actions
    declined = first.actions[0]
    session.set_action_status(declined.id, "impossible", "A déménagé")

    session.assess(case_id, "csvc-grid", _at(grid(homicide_plan="yes"), now - timedelta(hours=1)))

    kind = (declined.action, declined.sector)
    same = [a for a in session.case(case_id).actions if (a.action, a.sector) == kind]
    assert sorted(a.status for a in same) == ["impossible", "open"]
