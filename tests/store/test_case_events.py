"""Plugins hear of committed changes to a case (``csvc_case_event``): action statuses, case events, and the
steps of a concertation; a failing plugin never undoes the change."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from csvc_core.errors import OperationFailed
from csvc_core.events import CaseEvent
from csvc_core.plugin import hookimpl
from csvc_core.store import StoreSession, casefile, cases, concertations, followup
from csvc_core.store.context import Tx
from tests.support.partnership import SIGN_OFF, World, user
from tests.support.partnership import world as world  # the fixture
from tests.support.stores import grid


class Listener:
    def __init__(self) -> None:
        self.heard: list[CaseEvent] = []

    @hookimpl
    def csvc_case_event(self, event: CaseEvent) -> None:
        self.heard.append(event)


class Deaf:
    @hookimpl
    def csvc_case_event(self, event: CaseEvent) -> None:
        raise RuntimeError("listener down")


@pytest.fixture
def listener(request: pytest.FixtureRequest) -> Iterator[Listener]:
    """A listener and a failing plugin registered on the shared framework for the test only."""
    from csvc_core.framework import Csvc

    pm, heard = Csvc.load().pm, Listener()
    pm.register(heard, name="test_listener")
    pm.register(Deaf(), name="test_deaf")
    yield heard
    pm.unregister(name="test_listener")
    pm.unregister(name="test_deaf")


def test_an_action_status_and_a_case_event_are_told_after_commit(
    session: StoreSession, listener: Listener
) -> None:
    case_id = session.run(cases.new_case, "Dossier Q")
    stored = session.assess(case_id, "csvc-grid", grid(homicide_plan="yes"))
    action = stored.actions[0]
    session.run(followup.set_action_status, action.id, "done", note="Appel fait")
    event_id = session.run(cases.record_event, case_id, "partner_release", note="Sorti ce matin")
    assert [(e.kind, e.subject, e.detail, e.case_id) for e in listener.heard] == [
        ("action_status", action.id, "done", case_id),
        ("case_event", event_id, "partner_release", case_id),
    ]
    assert all(event.at.tzinfo is not None for event in listener.heard)
    assert [a.status for a in session.run(casefile.case_detail, case_id).actions if a.id == action.id] == [
        "done"
    ]  # kept
    assert any("test_deaf: csvc_case_event failed" in str(error) for error in session.csvc.hook_errors)


def test_the_steps_of_a_concertation_are_told(world: World, listener: Listener) -> None:
    worker = world[user("Maison Aurore", "worker")]
    case_id = worker.run(cases.new_case, "Dossier R")
    worker.assess(case_id, "csvc-grid", grid(homicide_plan="yes"))
    request = worker.run(concertations.request, case_id, criteria=["visible_high_risk"])
    world[user("Maison Aurore", "repondant")].run(concertations.submit, request, SIGN_OFF)
    steps = [(e.subject, e.detail) for e in listener.heard if e.kind == "concertation_step"]
    assert steps == [(request, "requested"), (request, "submitted")]
    assert [e.case_id for e in listener.heard if e.detail == "requested"] == [case_id]


def test_a_change_rolled_back_is_told_to_no_plugin(session: StoreSession, listener: Listener) -> None:
    case_id = session.run(cases.new_case, "Dossier S")

    def record_then_fail(tx: Tx) -> None:
        cases.record_event(tx, case_id, "separation")
        assert [e.kind for e in tx.events] == ["case_event"]  # queued, not told
        raise OperationFailed(key="error.store.locked")

    with pytest.raises(OperationFailed):
        session.run(record_then_fail)
    assert listener.heard == []
    assert session.run(casefile.case_detail, case_id).events == ()
