"""The follow-up queue puts the most dangerous case first; an action due "now" is to do now, not overdue at
once (both engines)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from csvc_core.store import StoreSession, casefile, cases, followup
from csvc_core.store.due import DUE_NOW_GRACE
from tests.support.stores import full_grid, grid


def _at(answers: dict, when: datetime) -> dict:  # type: ignore[type-arg]
    return {**answers, "assessed_at": when.isoformat()}


def test_the_queue_puts_danger_first_and_an_unassessed_case_after_levels_4_and_3(
    session: StoreSession,
) -> None:
    now = datetime.now(UTC)
    never = session.run(cases.new_case, "Jamais évalué")
    low = session.run(cases.new_case, "Niveau 1")
    session.assess(low, "csvc-grid", _at(grid(), now - timedelta(days=90)))
    moderate = session.run(cases.new_case, "Niveau 2")
    session.assess(moderate, "csvc-grid", _at(full_grid(violence_history="yes"), now - timedelta(days=90)))
    elevated = session.run(cases.new_case, "Niveau 3")
    session.assess(elevated, "csvc-grid", _at(grid(separation="yes"), now - timedelta(hours=1)))
    # two level-4 cases: the one whose actions are all done has the earlier re-assessment date, the other
    # has overdue actions: overdue actions come first within a level.
    done = session.run(cases.new_case, "Niveau 4, actions faites")
    stored = session.assess(done, "csvc-grid", _at(grid(homicide_plan="yes"), now - timedelta(days=10)))
    for action in stored.actions:
        session.run(followup.set_action_status, action.id, "done")
    imminent = session.run(cases.new_case, "Niveau 4, actions en retard")
    session.assess(imminent, "csvc-grid", _at(grid(homicide_plan="yes"), now - timedelta(days=2, hours=1)))

    queue = session.run(followup.followup)
    assert [item.case for item in queue] == [imminent, done, elevated, never, moderate, low]
    assert [item.compromission for item in queue] == [4, 4, 3, None, 2, 1]
    assert queue[0].overdue_actions > 0 and queue[1].overdue_actions == 0
    assert queue[0].to_json()["overdue_actions"] == queue[0].overdue_actions
    assert queue[1].reassess_by < queue[0].reassess_by
    assert [item.case for item in session.run(followup.followup, limit=2)] == [imminent, done]


def test_an_action_due_at_the_assessment_is_to_do_now_not_overdue(session: StoreSession) -> None:
    now = datetime.now(UTC)
    fresh = session.run(cases.new_case, "Confirmée à l'instant")
    session.assess(fresh, "csvc-grid", _at(grid(homicide_plan="yes"), now - timedelta(minutes=1)))
    [offer] = [a for a in session.run(casefile.case_detail, fresh).actions if a.action == "shelter_offer"]
    assert offer.due is not None and offer.due <= datetime.now(UTC)
    assert (offer.due_now, offer.overdue) == (True, False)
    assert offer.to_json()["due_now"] is True and offer.to_json()["overdue"] is False
    assert offer.id not in [a.id for a in session.run(followup.list_actions, overdue=True)]
    assert {c.id: c.overdue_actions for c in session.run(cases.list_cases)}[fresh] == 0
    assert session.run(followup.followup)[0].overdue_actions == 0

    late = session.run(cases.new_case, "Confirmée hier")
    yesterday = now - DUE_NOW_GRACE - timedelta(minutes=1)
    session.assess(late, "csvc-grid", _at(grid(homicide_plan="yes"), yesterday))
    [offer] = [a for a in session.run(casefile.case_detail, late).actions if a.action == "shelter_offer"]
    assert (offer.due_now, offer.overdue) == (False, True)
    overdue = session.run(followup.list_actions, overdue=True)
    assert {a.case_id for a in overdue} == {late} and "shelter_offer" in {a.action for a in overdue}
    assert {c.id: c.overdue_actions for c in session.run(cases.list_cases)}[late] == len(overdue)
    # an action with a delay has no grace (overdue once its date passed), and is not "to do now" before it
    actions = {a.action: a for a in session.run(casefile.case_detail, late).actions}
    assert (actions["safety_plan"].due_now, actions["safety_plan"].overdue) == (False, True)  # PT24H
    concertation = actions["emergency_concertation"]  # PT48H
    assert (concertation.due_now, concertation.overdue) == (False, False)
