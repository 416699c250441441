"""The rapid-intervention cell path, in order; meetings, the plan and its review; closing with a reason."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from csvc_core.sharing import concertation as cell
from csvc_core.sharing.plan import Meeting, PlanAction, Review
from csvc_core.sharing.reasons import Incomplete, Refused
from tests.support.cell import (
    COORDINATOR,
    LEVEL,
    MEMBERS,
    REPONDANT,
    WORKER,
    action,
    concerted,
    first_meeting,
    hours,
    in_committee,
    meeting,
    requested,
    submitted,
)
from tests.support.sharing_world import HEALTH, POLICE, SHELTER, T0, actor


def test_the_full_path_in_order() -> None:
    followed = first_meeting()
    assert [step.state for step in followed.steps] == [
        "requested",
        "submitted",
        "committee",
        "concerted",
        "follow_up",
    ]
    assert [step.role for step in followed.steps] == [
        "worker",
        "repondant",
        "coordinator",
        "coordinator",
        "coordinator",
    ]
    assert followed.decision is not None and followed.decision.members == MEMBERS
    assert followed.meetings[0].attendees_by_sector().keys() == {"health", "police", "shelter"}
    assert len(followed.meetings[0].attendees_by_sector()["health"]) == 2
    assert {a.id: a.meeting for a in followed.actions} == dict.fromkeys(
        ("watch", "shelter_bed", "ask_dpcp"), "m1"
    )


@pytest.mark.parametrize(
    ("stage", "step"),
    [
        (requested, lambda c: cell.to_committee(c, actor=COORDINATOR, at=hours(2))),
        (
            requested,
            lambda c: cell.decide(
                c, actor=COORDINATOR, at=hours(2), members=MEMBERS, concerted_action=True, why="x"
            ),
        ),
        (requested, lambda c: cell.hold_meeting(c, actor=COORDINATOR, meeting=meeting())),
        (
            submitted,
            lambda c: cell.decide(
                c, actor=COORDINATOR, at=hours(2), members=MEMBERS, concerted_action=True, why="x"
            ),
        ),
        (submitted, lambda c: cell.submit(c, actor=REPONDANT, at=hours(2), note="encore", level=LEVEL)),
        (in_committee, lambda c: cell.hold_meeting(c, actor=COORDINATOR, meeting=meeting())),
        (concerted, lambda c: cell.to_committee(c, actor=COORDINATOR, at=hours(4))),
        (first_meeting, lambda c: cell.submit(c, actor=REPONDANT, at=hours(6), note="x", level=LEVEL)),
    ],
)
def test_a_step_out_of_order_is_refused_with_the_state_and_what_it_waits_for(stage, step) -> None:
    current = stage()
    with pytest.raises(Refused) as caught:
        step(current)
    assert [r.code for r in caught.value.reasons] == ["step_out_of_order"]
    assert caught.value.reasons[0].values["state"] == current.state
    assert f"« {current.state} »" in str(caught.value)


def test_no_cell_request_goes_on_without_the_repondant_of_the_requesting_organisation() -> None:
    for wrong in (WORKER, actor(POLICE, "repondant"), COORDINATOR):
        with pytest.raises(Refused, match="submit"):
            cell.submit(requested(), actor=wrong, at=hours(1), note="x", level=LEVEL)
    with pytest.raises(Incomplete):
        cell.submit(requested(), actor=REPONDANT, at=hours(1), note=" ", level=LEVEL)


def test_only_the_coordinator_takes_the_cell_steps() -> None:
    with pytest.raises(Refused, match="to_committee"):
        cell.to_committee(submitted(), actor=REPONDANT, at=hours(2))
    with pytest.raises(Refused, match="decide"):
        cell.decide(
            in_committee(), actor=REPONDANT, at=hours(3), members=MEMBERS, concerted_action=True, why="x"
        )
    with pytest.raises(Refused, match="request"):
        cell.request(id="k", case="c", actor=actor(SHELTER, "admin"), criteria=["repeat"], at=T0)


def test_a_request_names_its_criteria_and_judgement_needs_a_reason() -> None:
    with pytest.raises(Incomplete, match="critère"):
        requested(criteria=())
    with pytest.raises(Incomplete, match="hunch"):
        requested(criteria=("hunch",))
    with pytest.raises(Incomplete, match="jugement"):
        requested(criteria=("professional_judgement",))
    judged = requested(criteria=("professional_judgement",), judgement="elle craint pour sa vie ce soir")
    assert judged.criteria == {"professional_judgement"} and judged.judgement.startswith("elle craint")


def test_the_committee_has_three_distinct_members() -> None:
    for members in (MEMBERS[:2], (*MEMBERS[:2], MEMBERS[0]), (*MEMBERS, "quatrième")):
        with pytest.raises(Incomplete, match="3"):
            cell.decide(
                in_committee(),
                actor=COORDINATOR,
                at=hours(3),
                members=members,
                concerted_action=True,
                why="x",
            )


def test_no_concerted_action_closes_the_request_with_that_reason() -> None:
    closed = cell.decide(
        in_committee(),
        actor=COORDINATOR,
        at=hours(3),
        members=MEMBERS,
        concerted_action=False,
        why="facteurs chroniques seulement ; suivi intrasectoriel",
    )
    assert closed.state == "closed" and closed.closure is not None
    assert closed.closure.reason == "no_concerted_action"
    with pytest.raises(Refused, match="closed"):
        cell.hold_meeting(closed, actor=COORDINATOR, meeting=meeting())


def test_a_step_may_not_be_dated_before_the_previous_one() -> None:
    with pytest.raises(Refused, match="avant"):
        cell.submit(requested(), actor=REPONDANT, at=T0 - timedelta(minutes=5), note="x", level=LEVEL)


def test_open_actions_are_reviewed_at_the_next_meeting_telling_impossible_from_not_done() -> None:
    followed = first_meeting()
    with pytest.raises(Refused, match="ask_dpcp"):
        cell.hold_meeting(
            followed,
            actor=COORDINATOR,
            meeting=meeting("m2", 50, "regular"),
            reviews={"watch": Review("done")},
        )
    with pytest.raises(Incomplete, match="shelter_bed"):
        cell.hold_meeting(
            followed,
            actor=COORDINATOR,
            meeting=meeting("m2", 50, "regular"),
            reviews={
                "watch": Review("done"),
                "shelter_bed": Review("impossible"),
                "ask_dpcp": Review("not_done", "oubli"),
            },
        )
    reviewed = cell.hold_meeting(
        followed,
        actor=COORDINATOR,
        meeting=meeting("m2", 50, "regular"),
        reviews={
            "watch": Review("done"),
            "shelter_bed": Review("impossible", "elle est partie chez sa sœur hors région"),
            "ask_dpcp": Review("not_done", "la demande n'a pas été transmise"),
        },
        actions=[action("ask_dpcp_again", due_hours=72)],
    )
    status = {a.id: a.status for a in reviewed.actions}
    assert status == {
        "watch": "done",
        "shelter_bed": "impossible",
        "ask_dpcp": "not_done",
        "ask_dpcp_again": "open",
    }
    assert all(a.closed_at == hours(50) for a in reviewed.actions if a.status != "open")


def test_actions_need_an_owner_and_a_due_date_after_their_meeting() -> None:
    with pytest.raises(Incomplete, match="owner_org"):
        cell.hold_meeting(
            concerted(),
            actor=COORDINATOR,
            meeting=meeting(),
            actions=[PlanAction("a", "surveillance", "", "police", hours(48), meeting="")],
        )
    with pytest.raises(Incomplete, match="échéance"):
        cell.hold_meeting(
            concerted(), actor=COORDINATOR, meeting=meeting(), actions=[action("a", due_hours=4)]
        )
    with pytest.raises(Refused, match="watch"):
        cell.hold_meeting(
            concerted(), actor=COORDINATOR, meeting=meeting(), actions=[action("watch"), action("watch")]
        )


def test_a_meeting_needs_a_kind_a_chair_and_attendees() -> None:
    empty = Meeting("m1", hours(5), "coffee", " ", ())
    with pytest.raises(Incomplete) as caught:
        cell.hold_meeting(concerted(), actor=COORDINATOR, meeting=empty)
    assert {r.code for r in caught.value.reasons} == {
        "meeting_kind",
        "meeting_missing",
        "meeting_no_attendee",
    }


def test_the_owner_reports_an_action_done_between_meetings() -> None:
    followed = first_meeting()
    with pytest.raises(Refused, match="watch"):
        cell.report_done(followed, actor=actor(HEALTH, "worker"), action="watch", at=hours(10))
    done = cell.report_done(
        followed, actor=actor(POLICE, "worker"), action="watch", at=hours(10), note="patrouille"
    )
    assert {a.id for a in done.open_actions()} == {"shelter_bed", "ask_dpcp"}


def test_closing_needs_a_reason_and_no_open_action() -> None:
    followed = first_meeting()
    with pytest.raises(Refused, match="watch"):
        cell.close(followed, actor=COORDINATOR, at=hours(60), why="plan_completed")
    reviewed = cell.hold_meeting(
        followed,
        actor=COORDINATOR,
        meeting=meeting("m2", 50, "regular"),
        reviews={a.id: Review("done") for a in followed.actions},
    )
    with pytest.raises(Incomplete, match="tired"):
        cell.close(reviewed, actor=COORDINATOR, at=hours(60), why="tired")
    with pytest.raises(Incomplete):
        cell.close(reviewed, actor=COORDINATOR, at=hours(60), why="other")
    with pytest.raises(Refused):
        cell.close(reviewed, actor=REPONDANT, at=hours(60), why="plan_completed")
    closed = cell.close(
        reviewed, actor=COORDINATOR, at=hours(60), why="risk_reduced", note="conjoint incarcéré"
    )
    assert closed.state == "closed" and closed.closure is not None and closed.closure.reason == "risk_reduced"
    with pytest.raises(Refused):
        cell.close(closed, actor=COORDINATOR, at=hours(61), why="plan_completed")


def test_the_repondant_may_decline_a_request_of_her_organisation_before_submission() -> None:
    declined = cell.close(
        requested(), actor=REPONDANT, at=hours(1), why="declined_by_repondant", note="modéré"
    )
    assert declined.state == "closed"
    with pytest.raises(Refused):
        cell.close(requested(), actor=actor(POLICE, "repondant"), at=hours(1), why="declined_by_repondant")


STEPS = ("submit", "to_committee", "decide", "meeting")
ORDER = {"submit": "requested", "to_committee": "submitted", "decide": "committee", "meeting": "concerted"}


def take(concertation, name: str, at):
    if name == "submit":
        return cell.submit(concertation, actor=REPONDANT, at=at, note="grille remplie", level=LEVEL)
    if name == "to_committee":
        return cell.to_committee(concertation, actor=COORDINATOR, at=at)
    if name == "decide":
        return cell.decide(
            concertation, actor=COORDINATOR, at=at, members=MEMBERS, concerted_action=True, why="x"
        )
    held = Meeting(f"m{at.isoformat()}", at, "regular", "coord. cellule", meeting().attendees)
    return cell.hold_meeting(concertation, actor=COORDINATOR, meeting=held)


@given(st.lists(st.sampled_from(STEPS), max_size=8))
def test_any_sequence_of_steps_goes_only_as_far_as_the_order_allows(sequence) -> None:
    current = requested()
    for index, name in enumerate(sequence, start=1):
        before = current.state
        try:
            current = take(current, name, hours(index))
        except Refused as refused:
            assert refused.reasons[0].code == "step_out_of_order"
            assert current.state == before
            assert not (ORDER[name] == before or (name == "meeting" and before == "follow_up"))
        else:
            assert ORDER[name] == before or (name == "meeting" and before == "follow_up")
    assert current.state in cell.STATES
    visited = [step.state for step in current.steps]
    assert visited == list(cell.STATES[: len(set(visited))]) + ["follow_up"] * (
        len(visited) - len(set(visited))
    )


def test_who_may_request_is_what_the_request_checks() -> None:
    """The UI asks ``may_request`` before offering a new request: it says what ``request`` accepts."""
    from csvc_core.sharing.parties import ROLES

    for role in ROLES:
        try:
            cell.request(id="k", case="c", actor=actor(SHELTER, role), criteria=["repeat"], at=T0)
        except Refused:
            accepted = False
        else:
            accepted = True
        assert cell.may_request(role) is accepted, role
    assert [role for role in ROLES if cell.may_request(role)] == ["worker", "repondant"]
