"""A signed-off request carries the level the referring organisation confirmed (and keeps the one a newer
level replaced); an organisation that only owns plan actions reads the minimum it needs for them."""

from __future__ import annotations

import attrs
import pytest

from csvc_core.sharing import concertation as cell
from csvc_core.sharing.reasons import Incomplete, Refused
from tests.support.cell import LEVEL, REPONDANT, first_meeting, hours, requested, submitted
from tests.support.sharing_world import CELL, HEALTH, POLICE, SHELTER, YOUTH, actor


def test_a_request_is_sent_only_with_a_confirmed_level_which_it_carries() -> None:
    with pytest.raises(Incomplete) as missing:
        cell.submit(requested(), actor=REPONDANT, at=hours(1), note="grille", level=None)
    assert [r.code for r in missing.value.reasons] == ["level_needed"]
    with pytest.raises(Incomplete) as both:
        cell.submit(requested(), actor=REPONDANT, at=hours(1), note=" ", level=None)
    assert [r.code for r in both.value.reasons] == ["step_note", "level_needed"]
    sent = submitted()
    assert sent.level == attrs.evolve(LEVEL, carried_at=hours(1))
    assert requested().level is None


def test_a_newer_confirmed_level_replaces_the_carried_one_keeping_what_it_replaced() -> None:
    sent = submitted().level
    assert cell.carry(sent, "submitted", attrs.evolve(LEVEL, carried_at=hours(2))) is sent  # nothing new
    lower = attrs.evolve(LEVEL, level=2, assessment="a3", carried_at=hours(3))
    taken = cell.carry(sent, "follow_up", lower)
    assert taken is not None and (taken.level, taken.previous, taken.assessment) == (2, 4, "a3")
    again = cell.carry(taken, "follow_up", attrs.evolve(lower, assessment="a4"))
    assert again is not None and (again.level, again.previous) == (2, 4)  # what the lowering replaced stays
    assert cell.carry(None, "requested", lower) is None  # not signed off: nothing carried yet
    assert cell.carry(sent, "closed", lower) is sent  # a closed request keeps its level
    raised = cell.carry(again, "follow_up", attrs.evolve(LEVEL, level=3, assessment="a5"))
    assert raised is not None and (raised.level, raised.previous) == (3, 2)


def test_a_newer_assessment_at_the_same_level_becomes_the_source() -> None:
    sent = submitted().level
    newer = attrs.evolve(LEVEL, assessment="a2", carried_at=hours(2))
    taken = cell.carry(sent, "submitted", newer)
    assert taken is not None and (taken.assessment, taken.previous) == ("a2", None)


def test_who_reads_a_request_and_how_much() -> None:
    followed = first_meeting()
    for whole in (actor(SHELTER, "worker"), actor(CELL, "coordinator"), actor(POLICE, "coordinator")):
        assert cell.may_read(followed, whole).scope == cell.WHOLE
        assert cell.as_read(followed, cell.may_read(followed, whole)) == followed
    police = cell.may_read(followed, actor(POLICE, "repondant"))
    assert (police.scope, police.actions) == (cell.OWN_ACTIONS, {"watch", "ask_dpcp"})
    for stranger in (actor(HEALTH, "worker"), actor(YOUTH, "repondant")):
        assert not cell.may_read(followed, stranger).allowed
        with pytest.raises(Refused):
            cell.as_read(followed, cell.may_read(followed, stranger))


def test_an_action_owner_reads_only_what_its_actions_need() -> None:
    followed = cell.request(
        id="k2",
        case="case-1",
        actor=actor(SHELTER, "worker"),
        criteria=["professional_judgement"],
        at=hours(0),
        judgement="elle craint pour sa vie",
    )
    followed = attrs.evolve(first_meeting(), judgement=followed.judgement, criteria=followed.criteria)
    shelter_done = attrs.evolve(followed.actions[1], note="note de la maison")
    followed = attrs.evolve(followed, actions=(followed.actions[0], shelter_done, followed.actions[2]))
    seen = cell.as_read(followed, cell.may_read(followed, actor(POLICE, "worker")))
    assert seen.id == followed.id and seen.case == followed.case and seen.level == followed.level
    assert seen.judgement == "" and seen.criteria == frozenset()
    assert [a.id for a in seen.actions] == ["watch", "ask_dpcp"]
    assert all(step.note == "" for step in seen.steps)
    assert seen.decision is not None and seen.decision.reason == "" and seen.decision.concerted_action
    assert [m.id for m in seen.meetings] == ["m1"]
    assert "elle craint" not in repr(seen) and "note de la maison" not in repr(seen)
    assert "grille" not in repr(seen) and "menaces" not in repr(seen)
