"""A case tool's content (the shelter's safety plan) in the store: sealed under the case key, every save kept
with who changed which fields when, audited without text, out of another organisation's reach."""

from __future__ import annotations

import json

import attrs
import pytest
from sqlalchemy import select

from csvc_core.errors import BadInput, OperationFailed
from csvc_core.store import AccessDenied, Store, StoreSession, cases, casetools, people
from csvc_core.store.schema import audit_log, case_tool_versions
from csvc_core.testing import raises_worded
from tests.support.constants import FAST_KDF, PASSPHRASE

PLAN = "safety-plan"
SECRET = "Sac chez Maude, sous l'escalier"


def answers(**fields: str) -> dict[str, object]:
    """A plan content: ``section__field=answer`` (status in place)."""
    sections: dict[str, dict[str, object]] = {}
    for name, answer in fields.items():
        section, field = name.split("__")
        sections.setdefault(section, {})[field] = {"answer": answer, "status": "in_place"}
    return {"sections": sections}


def test_the_plan_is_kept_sealed_with_its_history(store: Store, session: StoreSession) -> None:
    case_id = session.run(cases.new_case, "Dossier Plan")
    empty = session.run(casetools.read_tool, case_id, PLAN)
    assert empty.seq == 0 and empty.history == ()
    assert empty.content["sections"]["at_home"]["ready_bag"] == {"answer": "", "status": "to_do"}

    assert session.run(casetools.save_tool, case_id, PLAN, answers(at_home__ready_bag=SECRET)) == 1
    assert (
        session.run(casetools.save_tool, case_id, PLAN, answers(at_home__ready_bag=SECRET)) == 1
    )  # nothing changed
    second = answers(at_home__ready_bag=SECRET, technology__location_tracking="partage coupé")
    assert session.run(casetools.save_tool, case_id, PLAN, second, expected=1) == 2

    record = session.run(casetools.read_tool, case_id, PLAN)
    assert record.seq == 2
    assert record.content["sections"]["at_home"]["ready_bag"] == {"answer": SECRET, "status": "in_place"}
    assert record.content["sections"]["court"]["court_days"]["status"] == "to_do"
    assert [v.changed for v in record.history] == [("at_home.ready_bag",), ("technology.location_tracking",)]
    assert {v.saved_by for v in record.history} == {"alice"}

    with store.engine.connect() as connection:
        rows = connection.execute(select(case_tool_versions)).all()
        trail = connection.execute(
            select(audit_log.c.action, audit_log.c.detail).where(audit_log.c.case_id == case_id)
        ).all()
    assert len(rows) == 2
    raw = b"".join(row.content_ct for row in rows)
    assert SECRET.encode() not in raw and b"partage" not in raw and b"ready_bag" not in raw
    assert [row.changed for row in rows] == ['["at_home.ready_bag"]', '["technology.location_tracking"]']
    saves = [
        json.loads(r.detail) if isinstance(r.detail, str) else r.detail
        for r in trail
        if r.action == "tool.save"
    ]
    assert [save["fields"] for save in saves] == [["at_home.ready_bag"], ["technology.location_tracking"]]
    assert SECRET not in str(trail) and "partage" not in str(trail)


def test_a_stale_edit_a_bad_content_and_a_closed_case_are_refused(session: StoreSession) -> None:
    case_id = session.run(cases.new_case, "Dossier Plan refus")
    session.run(casetools.save_tool, case_id, PLAN, answers(court__court_days="accompagnée"))
    with raises_worded(OperationFailed, "meanwhile"):
        session.run(casetools.save_tool, case_id, PLAN, answers(court__court_days="seule"), expected=0)
    with raises_worded(BadInput, r"\$\.sections\.garden: unknown section"):
        session.run(casetools.save_tool, case_id, PLAN, {"sections": {"garden": {}}})
    with raises_worded(BadInput, r"at_home\.ready_bag\.status: unknown status 'maybe'"):
        session.run(
            casetools.save_tool, case_id, PLAN, {"sections": {"at_home": {"ready_bag": {"status": "maybe"}}}}
        )
    with raises_worded(BadInput, "unknown case tool 'garden-plan'"):
        session.run(casetools.read_tool, case_id, "garden-plan")
    session.run(cases.close_case, case_id, reason="fin du suivi")
    with raises_worded(OperationFailed, "closed"):
        session.run(casetools.save_tool, case_id, PLAN, answers(court__court_days="seule"))


def test_another_organisation_cannot_read_it(store: Store, session: StoreSession) -> None:
    case_id = session.run(cases.new_case, "Dossier Plan caché")
    session.run(casetools.save_tool, case_id, PLAN, answers(at_home__ready_bag=SECRET))
    session.run(
        people.add_organisation, "Police Rivière", "police", admin="paul", passphrase=PASSPHRASE, kdf=FAST_KDF
    )
    police = store.unlock("paul", PASSPHRASE)
    try:
        with pytest.raises(AccessDenied):
            police.run(casetools.read_tool, case_id, PLAN)
        with pytest.raises(AccessDenied):
            police.run(casetools.save_tool, case_id, PLAN, answers(at_home__ready_bag="écrasé"))
    finally:
        police.lock()
    assert (
        session.run(casetools.read_tool, case_id, PLAN).content["sections"]["at_home"]["ready_bag"]["answer"]
        == SECRET
    )


def test_a_field_the_plugin_dropped_since_does_not_lock_the_plan(
    session: StoreSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = session.run(cases.new_case, "Dossier Plan ancien")
    session.run(
        casetools.save_tool,
        case_id,
        PLAN,
        answers(at_home__ready_bag=SECRET, court__court_days="accompagnée"),
    )
    tool = session.csvc.case_tools[PLAN]
    newer = attrs.evolve(
        tool,
        sections=tuple(
            attrs.evolve(s, fields=tuple(f for f in s.fields if f.id != "ready_bag")) for s in tool.sections
        ),
    )
    monkeypatch.setitem(session.csvc.case_tools, PLAN, newer)
    record = session.run(casetools.read_tool, case_id, PLAN)
    assert "ready_bag" not in record.content["sections"]["at_home"]
    assert record.content["sections"]["court"]["court_days"]["answer"] == "accompagnée"
    assert (
        session.run(casetools.save_tool, case_id, PLAN, answers(court__court_days="seule"), expected=1) == 2
    )
