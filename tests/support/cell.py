"""A concertation cell's steps as plain records (no store): requests, meetings, plans."""

from __future__ import annotations

from datetime import timedelta

from csvc_core.sharing import concertation as cell
from csvc_core.sharing.plan import Attendee, Meeting, PlanAction
from tests.support.sharing_world import CELL, HEALTH, POLICE, SHELTER, T0, actor

WORKER, REPONDANT = actor(SHELTER, "worker"), actor(SHELTER, "repondant")


COORDINATOR = actor(CELL, "coordinator")


MEMBERS = ("coord. cellule", "sergente police", "intervenante maison")


#: the case level the shelter confirmed before its répondant signs the request off.
LEVEL = cell.CarriedLevel(4, "a1", "csvc-grid", "1.0", "intervenante Côté", T0, T0)


def hours(n: float):
    return T0 + timedelta(hours=n)


def requested(criteria=("visible_high_risk",), judgement=""):
    return cell.request(id="k1", case="case-1", actor=WORKER, criteria=criteria, at=T0, judgement=judgement)


def submitted():
    return cell.submit(requested(), actor=REPONDANT, at=hours(1), note="grille : risque aggravé", level=LEVEL)


def in_committee():
    return cell.to_committee(submitted(), actor=COORDINATOR, at=hours(2))


def concerted():
    return cell.decide(
        in_committee(),
        actor=COORDINATOR,
        at=hours(3),
        members=MEMBERS,
        concerted_action=True,
        why="menaces de mort et séparation",
    )


def meeting(id="m1", at=5, kind="emergency") -> Meeting:
    return Meeting(
        id,
        hours(at),
        kind,
        "coord. cellule",
        (
            Attendee("sergente Roy", POLICE.id, "police"),
            Attendee("intervenante Côté", SHELTER.id, "shelter"),
            Attendee("infirmière Gagnon", HEALTH.id, "health"),
            Attendee("intervenant Lévesque", HEALTH.id, "health"),
        ),
    )


def action(id: str, owner=POLICE, due_hours=48) -> PlanAction:
    return PlanAction(id, f"action {id}", owner.id, owner.sector, hours(due_hours), meeting="")


def first_meeting():
    return cell.hold_meeting(
        concerted(),
        actor=COORDINATOR,
        meeting=meeting(),
        actions=[action("watch"), action("shelter_bed", SHELTER), action("ask_dpcp")],
    )
