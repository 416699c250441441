"""What the concertation view reads: the list ordered-by-urgency fields (the level only for who may see it),
and the steps each user may take now, as the rules say (on the store fixture's backends)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from .test_partnership import World, new_case, user
from .test_partnership import world as world  # the fixture


def test_the_list_gives_the_level_only_to_who_may_see_it_and_counts_overdue_actions(world: World) -> None:
    worker = world[user("Maison Aurore", "worker")]
    repondant = world[user("Maison Aurore", "repondant")]
    coordinator = world[user("Cellule Nord", "coordinator")]
    case_id = new_case(worker, "Dossier cellule")
    request = worker.request_concertation(case_id, criteria=["visible_high_risk"])
    assert worker.concertation(request)["next_steps"] == []
    assert repondant.concertation(request)["next_steps"] == ["submit", "close"]
    repondant.submit_concertation(request, "grille : aggravé")
    assert coordinator.concertation(request)["next_steps"] == ["to_committee", "close"]
    coordinator.concertation_to_committee(request)
    coordinator.decide_concertation(request, members=["A", "B", "C"], concerted_action=True, why="menaces")
    now = datetime.now(UTC)
    soon, later = now + timedelta(seconds=1), now + timedelta(days=2)
    coordinator.hold_meeting(
        request,
        {
            "at": now.isoformat(),
            "chair": "A",
            "attendees": [{"name": "Sgt Roy", "organisation": "Police Rivière", "sector": "police"}],
            "actions": [
                {"description": "patrouilles", "owner_org": "Police Rivière", "due": soon.isoformat()},
                {"description": "hébergement", "owner_org": "Maison Aurore", "due": later.isoformat()},
            ],
        },
    )
    time.sleep(max(0.0, (soon - datetime.now(UTC)).total_seconds()) + 0.05)  # the first action falls due
    (mine,) = repondant.concertations()
    assert mine["compromission"] == 4 and mine["state"] == "follow_up"
    assert (mine["open_actions"], mine["overdue_actions"]) == (2, 1)
    assert mine["requested_at"] is not None and mine["next_due"] is not None
    (theirs,) = coordinator.concertations()
    assert theirs["compromission"] is None  # the cell reads the request, not the case
    police = world[user("Police Rivière", "worker")]
    assert police.concertation(request)["next_steps"] == ["report_done"]


def test_a_referred_case_is_listed_with_its_level_for_the_referee(world: World) -> None:
    from csvc_core.sharing.handover import Basis

    worker = world[user("Maison Aurore", "worker")]
    police = world[user("Police Rivière", "repondant")]
    case_id = new_case(worker, "Dossier orienté")
    assert police.shared_cases() == []
    worker.refer(case_id, to="Police Rivière", why="surveillance", basis=Basis("law", "A-2.1 s. 59.1"))
    (shared,) = police.shared_cases()
    assert (shared["case"], shared["compromission"], shared["bases"]) == (case_id, 4, ["referral"])
