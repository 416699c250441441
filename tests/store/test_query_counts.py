"""Reading lists does not cost a query per row: the concertation list, a request's meetings with their
attendees, and the cases partners shared take as many queries for twenty rows as for one (counted on the
store fixture's backends with SQLAlchemy's ``before_cursor_execute``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event

from csvc_core.sharing.handover import Basis
from csvc_core.store import StoreSession, cases, concertation_reading, concertations, handovers, received
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
            worker.run(
                concertations.request,
                worker.run(cases.new_case, "Dossier liste"),
                criteria=["visible_high_risk"],
            )

    def listing(reader: StoreSession) -> int:
        return queries(reader, lambda: reader.run(concertation_reading.list_concertations))

    ask(1)
    one = {reader: listing(reader) for reader in (worker, coordinator)}
    ask(MANY - 1)
    assert len(coordinator.run(concertation_reading.list_concertations)) == MANY
    assert {reader: listing(reader) for reader in (worker, coordinator)} == one


def test_a_request_with_many_meetings_reads_their_attendees_at_once(world: World) -> None:
    worker = world[user("Maison Aurore", "worker")]
    repondant = world[user("Maison Aurore", "repondant")]
    coordinator = world[user("Cellule Nord", "coordinator")]
    request = worker.run(concertations.request, new_case(worker, "Dossier réunions"), criteria=["escalation"])
    repondant.run(concertations.submit, request, "signé")
    coordinator.run(concertations.to_committee, request)
    coordinator.run(
        concertations.decide, request, members=["A", "B", "C"], concerted_action=True, why="menaces"
    )

    def meet() -> None:
        coordinator.run(
            concertations.hold_meeting,
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
    one = queries(coordinator, lambda: coordinator.run(concertation_reading.record, request))
    for _ in range(MANY - 1):
        meet()
    assert len(coordinator.run(concertation_reading.record, request).meetings) == MANY
    assert queries(coordinator, lambda: coordinator.run(concertation_reading.record, request)) == one


def test_the_shared_cases_do_not_grow_with_the_cases(world: World) -> None:
    worker = world[user("Maison Aurore", "worker")]
    police = world[user("Police Rivière", "worker")]
    law = Basis("law", "A-2.1 s. 59.1")

    def refer(count: int) -> None:
        for _ in range(count):
            case_id = worker.run(cases.new_case, "Dossier orienté")
            worker.run(handovers.refer, case_id, to="Police Rivière", why="surveillance", basis=law)

    refer(1)
    one = queries(police, lambda: police.run(received.shared_cases))
    refer(MANY - 1)
    assert len(police.run(received.shared_cases)) == MANY
    assert queries(police, lambda: police.run(received.shared_cases)) == one
