"""What the concertation view reads: the list ordered-by-urgency fields (before sign-off, the case's level
only for who may see the case; from sign-off, the level the request carries, for whoever reads it), and the
steps each user may take now, as the rules say (on the store fixture's backends)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from csvc_core.store import concertation_reading, concertations, drafts, handovers, received
from tests.support.partnership import World, concerted_with_plan, new_case, user
from tests.support.partnership import world as world  # the fixture


def test_the_list_gives_the_carried_level_to_the_cell_and_counts_overdue_actions(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    worker = world[user("Maison Aurore", "worker")]
    repondant = world[user("Maison Aurore", "repondant")]
    coordinator = world[user("Cellule Nord", "coordinator")]
    case_id = new_case(worker, "Dossier cellule")
    request = worker.run(concertations.request, case_id, criteria=["visible_high_risk"])
    assert worker.run(concertation_reading.record, request).next_steps == ()
    assert repondant.run(concertation_reading.record, request).next_steps == ("submit", "close")
    assert (
        repondant.run(concertation_reading.list_concertations)[0].compromission == 4
    )  # her organisation's case, not carried yet
    (waiting,) = coordinator.run(concertation_reading.list_concertations)
    assert (waiting.compromission, waiting.level) == (None, None)  # nothing sent to the cell yet
    repondant.run(concertations.submit, request, "grille : aggravé")
    assert coordinator.run(concertation_reading.record, request).next_steps == ("to_committee", "close")
    soon, later = datetime.now(UTC) + timedelta(seconds=1), datetime.now(UTC) + timedelta(days=2)
    concerted_with_plan(
        coordinator,
        request,
        "menaces",
        {"patrouilles": ("Police Rivière", soon), "hébergement": ("Maison Aurore", later)},
    )
    due = soon + timedelta(seconds=0.05)
    monkeypatch.setattr(world.store, "clock", lambda: due)  # the first action falls due
    (mine,) = repondant.run(concertation_reading.list_concertations)
    assert mine.compromission == 4 and mine.state == "follow_up"
    assert (mine.open_actions, mine.overdue_actions) == (2, 1)
    assert mine.requested_at is not None and mine.next_due is not None
    (theirs,) = coordinator.run(concertation_reading.list_concertations)
    assert theirs.compromission == 4  # the level the request carries, not read from the case
    police = world[user("Police Rivière", "worker")]
    assert police.run(concertation_reading.record, request).next_steps == ("report_done",)


def test_a_referred_case_is_listed_with_its_level_for_the_referee(world: World) -> None:
    from csvc_core.sharing.handover import Basis

    worker = world[user("Maison Aurore", "worker")]
    police = world[user("Police Rivière", "repondant")]
    case_id = new_case(worker, "Dossier orienté")
    assert police.run(received.shared_cases) == []
    worker.run(
        handovers.refer, case_id, to="Police Rivière", why="surveillance", basis=Basis("law", "A-2.1 s. 59.1")
    )
    (shared,) = police.run(received.shared_cases)
    assert (shared.case, shared.compromission, shared.bases) == (case_id, 4, ("referral",))


def test_whoever_may_read_a_request_keeps_her_own_draft_of_its_step(world: World) -> None:
    """The cell's coordinator drafts a meeting on another organisation's case; no one else reads that draft,
    and a request's key cannot stand for another case."""
    import pytest

    from csvc_core.store import AccessDenied

    worker = world[user("Maison Aurore", "worker")]
    coordinator = world[user("Cellule Nord", "coordinator")]
    police = world[user("Police Rivière", "worker")]
    case_id = new_case(worker, "Dossier brouillon")
    other_case = new_case(worker, "Autre dossier")
    request = worker.run(concertations.request, case_id, criteria=["visible_high_risk"])
    key = f"concertation:{request}"
    typed = {"step": "meeting", "answers": [["Présents ?", "Sgt Roy"]]}
    coordinator.run(drafts.save_draft, case_id, key, typed)
    assert coordinator.run(drafts.read_draft, case_id, key) == typed
    assert worker.run(drafts.read_draft, case_id, key) is None  # the same request, her own drafts only
    with pytest.raises(AccessDenied):
        police.run(
            drafts.save_draft, case_id, key, typed
        )  # the police owns no action of its plan: it may not read it
    with pytest.raises(AccessDenied):
        coordinator.run(drafts.save_draft, other_case, key, typed)
    with pytest.raises(AccessDenied):
        coordinator.run(
            drafts.save_draft, case_id, "csvc-grid:victim", typed
        )  # a draft of the case itself: the owner's
    assert (
        coordinator.run(drafts.discard_draft, case_id, key)
        and coordinator.run(drafts.read_draft, case_id, key) is None
    )
