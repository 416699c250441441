"""``allowed_steps`` offers exactly the steps the rules would take: for every state of the path, every role in
every organisation, each step is offered if and only if taking it (with the elements it asks for) is not
refused."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from csvc_core.sharing import concertation as cell
from csvc_core.sharing.concertation import Concertation
from csvc_core.sharing.parties import ROLES, Actor
from csvc_core.sharing.plan import Review
from csvc_core.sharing.reasons import Refused
from tests.support.cell import (
    LEVEL,
    MEMBERS,
    action,
    concerted,
    first_meeting,
    hours,
    in_committee,
    meeting,
    requested,
    submitted,
)
from tests.support.sharing_world import CELL, POLICE, SHELTER, actor


def reviewed() -> Concertation:
    followed = first_meeting()
    done = {a.id: Review("done") for a in followed.open_actions()}
    coordinator = actor(CELL, "coordinator")
    return cell.hold_meeting(followed, actor=coordinator, meeting=meeting("m2", 6), reviews=done)


def closed() -> Concertation:
    return cell.close(reviewed(), actor=actor(CELL, "coordinator"), at=hours(7), why="risk_reduced")


STAGES: dict[str, Callable[[], Concertation]] = {
    "requested": requested,
    "submitted": submitted,
    "committee": in_committee,
    "concerted": concerted,
    "follow_up_open": first_meeting,
    "follow_up_reviewed": reviewed,
    "closed": closed,
}
LATER = hours(10)


def taken(step: str, c: Concertation, who: Actor) -> bool:
    """Whether the rules let ``who`` take ``step`` now (a refusal says no; every element is given)."""
    tries: list[Callable[[], object]]
    if step == cell.SUBMIT:
        tries = [lambda: cell.submit(c, actor=who, at=LATER, note="grille : aggravé", level=LEVEL)]
    elif step == cell.TO_COMMITTEE:
        tries = [lambda: cell.to_committee(c, actor=who, at=LATER)]
    elif step == cell.DECIDE:
        tries = [
            lambda: cell.decide(c, actor=who, at=LATER, members=MEMBERS, concerted_action=True, why="menaces")
        ]
    elif step == cell.MEETING:
        reviews = {a.id: Review("done") for a in c.open_actions()}
        tries = [
            lambda: cell.hold_meeting(
                c, actor=who, meeting=meeting("m9", 9), reviews=reviews, actions=[action("new", due_hours=50)]
            )
        ]
    elif step == cell.REPORT_DONE:
        tries = [
            (lambda a=a: cell.report_done(c, actor=who, action=a.id, at=LATER)) for a in c.open_actions()
        ]
    else:
        tries = [lambda: cell.close(c, actor=who, at=LATER, why="risk_reduced")]
    for attempt in tries:
        try:
            attempt()
        except Refused:
            continue
        return True
    return False


@pytest.mark.parametrize("stage", sorted(STAGES))
def test_allowed_steps_are_exactly_the_steps_the_rules_take(stage: str) -> None:
    c = STAGES[stage]()
    for org in (SHELTER, POLICE, CELL):
        for role in ROLES:
            who = actor(org, role)
            allowed = cell.allowed_steps(c, who)
            for step in cell.FROM_STATES:
                assert (step in allowed) == taken(step, c, who), (stage, org.id, role, step, allowed)


def test_the_path_offers_each_role_its_own_step() -> None:
    coordinator, repondant = actor(CELL, "coordinator"), actor(SHELTER, "repondant")
    assert cell.allowed_steps(requested(), repondant) == (cell.SUBMIT, cell.CLOSE)
    assert cell.allowed_steps(requested(), actor(SHELTER, "worker")) == ()
    assert cell.allowed_steps(submitted(), coordinator) == (cell.TO_COMMITTEE, cell.CLOSE)
    assert cell.allowed_steps(first_meeting(), coordinator) == (cell.MEETING, cell.REPORT_DONE)
    assert cell.allowed_steps(first_meeting(), actor(POLICE, "worker")) == (cell.REPORT_DONE,)
    assert cell.allowed_steps(closed(), coordinator) == ()
