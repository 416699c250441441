"""Reading lists does not cost a query per row: the concertation list, a request's meetings with their
attendees, and the cases partners shared take as many queries for twenty rows as for one (counted on the
store fixture's backends with SQLAlchemy's ``before_cursor_execute``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event

from csvc_core.sharing.handover import Basis
from csvc_core.store import StoreSession
from tests.support.partnership import World, new_case, user
from tests.support.partnership import world as world  # the fixture

MANY = 20


def queries(session: StoreSession, call: Callable[[], Any]) -> int:
    """How many statements ``call()`` sends through ``session``'s engine (after a first call that warms the
    keys it unwraps)."""
    call()
    sent = 0

    def count(*_: Any) -> None:
        nonlocal sent
        sent += 1

    event.listen(session.engine, "before_cursor_execute", count)
    try:
        call()
    finally:
        event.remove(session.engine, "before_cursor_execute", count)
    return sent


def test_the_concertation_list_does_not_grow_with_the_requests(world: World) -> None:
    worker = world[user("Maison Aurore", "worker")]
    coordinator = world[user("Cellule Nord", "coordinator")]

    def ask(count: int) -> None:
        for _ in range(count):
            worker.request_concertation(worker.new_case("Dossier liste"), criteria=["visible_high_risk"])

    ask(1)
    one = {reader: queries(reader, reader.concertations) for reader in (worker, coordinator)}
    ask(MANY - 1)
    assert len(coordinator.concertations()) == MANY
    assert {reader: queries(reader, reader.concertations) for reader in (worker, coordinator)} == one


def test_a_request_with_many_meetings_reads_their_attendees_at_once(world: World) -> None:
    worker = world[user("Maison Aurore", "worker")]
    repondant = world[user("Maison Aurore", "repondant")]
    coordinator = world[user("Cellule Nord", "coordinator")]
    request = worker.request_concertation(new_case(worker, "Dossier réunions"), criteria=["escalation"])
    repondant.submit_concertation(request, "signé")
    coordinator.concertation_to_committee(request)
    coordinator.decide_concertation(request, members=["A", "B", "C"], concerted_action=True, why="menaces")

    def meet() -> None:
        coordinator.hold_meeting(
            request,
            {
                "at": datetime.now(UTC).isoformat(),
                "chair": "A",
                "attendees": [
                    {"name": "Sgt Roy", "organisation": "Police Rivière", "sector": "police"},
                    {"name": "Mme Roy", "organisation": "Maison Aurore", "sector": "shelter"},
                ],
            },
        )

    meet()
    one = queries(coordinator, lambda: coordinator.concertation(request))
    for _ in range(MANY - 1):
        meet()
    assert len(coordinator.concertation(request).meetings) == MANY
    assert queries(coordinator, lambda: coordinator.concertation(request)) == one


def test_the_shared_cases_do_not_grow_with_the_cases(world: World) -> None:
    worker = world[user("Maison Aurore", "worker")]
    police = world[user("Police Rivière", "worker")]
    law = Basis("law", "A-2.1 s. 59.1")

    def refer(count: int) -> None:
        for _ in range(count):
            case_id = worker.new_case("Dossier orienté")
            worker.refer(case_id, to="Police Rivière", why="surveillance", basis=law)

    refer(1)
    one = queries(police, police.shared_cases)
    refer(MANY - 1)
    assert len(police.shared_cases()) == MANY
    assert queries(police, police.shared_cases) == one
