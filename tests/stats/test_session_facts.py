"""The statistics are given the session: they read the facts in one of its transactions, audited, and are
refused like any call once the session is locked."""

from __future__ import annotations

import json

import pytest

from csvc_core.errors import OperationFailed
from csvc_core.stats.gather import session_facts
from csvc_core.store import StoreSession, cases
from tests.support.stores import entries, grid


def test_the_statistics_read_the_facts_through_the_session_they_are_given(stores, sessions) -> None:
    shelter, _ = stores
    alice: StoreSession = sessions[0]
    case_id = alice.run(cases.new_case, "Dossier fictif")
    alice.assess(case_id, "csvc-grid", grid(separation="yes"))
    [facts] = session_facts(alice)
    assert [(a.instrument, a.compromission) for a in facts.assessments] == [("csvc-grid", 3)]
    assert not hasattr(alice, "statistics_facts")
    [read] = [row for row in entries(shelter) if row.action == "stats.read"]
    assert json.loads(read.detail) == {"cases": 1}
    alice.lock()
    with pytest.raises(OperationFailed):
        session_facts(alice)
