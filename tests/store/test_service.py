"""The service API on a real SQLite file: cases, assessments, actions, events, case level, users."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from csvc_core.errors import BadInput, OperationFailed
from csvc_core.store import (
    AccessDenied,
    LoginRefused,
    StaleRecord,
    Store,
    StoreSession,
    assessing,
    casefile,
    cases,
    followup,
    people,
)
from csvc_core.store.schema import assessments, audit_log
from csvc_core.store.schema import cases as cases_table
from csvc_core.testing import raises_worded
from tests.support.constants import FAST_KDF, PASSPHRASE
from tests.support.stores import full_grid, grid


def count(store: Store, table) -> int:  # type: ignore[no-untyped-def]
    with store.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def test_new_case_is_listed_and_shown_with_no_level(session: StoreSession) -> None:
    case_id = session.run(cases.new_case, "Dossier A")
    detail = session.run(casefile.case_detail, case_id)
    assert detail.id == case_id and detail.compromission is None
    assert detail.summary.label is None  # masked unless revealed
    assert session.run(casefile.case_detail, case_id, reveal=True).summary.label == "Dossier A"
    assert [c.id for c in session.run(cases.list_cases)] == [case_id]
    data = detail.to_json()
    assert data["compromission"] is None and data["assessments"] == [] and data["actions"] == []


def test_assessment_is_stored_with_actions_and_sets_the_level(session: StoreSession) -> None:
    case_id = session.run(cases.new_case, "Dossier B")
    stored = session.assess(case_id, "csvc-grid", grid(homicide_plan="yes"))
    out = stored.to_json()
    assert out["assessment_id"] == stored.id and out["level"] == "imminent" and out["compromission"] == 4
    detail = session.run(casefile.case_detail, case_id)
    assert detail.compromission == 4
    [assessment] = detail.assessments
    assert (assessment.id, assessment.instrument, assessment.level, assessment.by) == (
        stored.id,
        "csvc-grid",
        "imminent",
        "alice",
    )
    assert assessment.assessed_at == datetime(2026, 3, 1, 15, 0, tzinfo=UTC)
    [action] = [a for a in detail.actions if a.action == "emergency_concertation"]
    assert {a.action for a in detail.actions} == {a.id for a in stored.result.actions}
    assert detail.actions[0].mandatory and all(a.status == "open" for a in detail.actions)
    assert (action.action, action.sector, action.status, action.mandatory) == (
        "emergency_concertation",
        "csvc",
        "open",
        True,
    )
    assert action.due == datetime(2026, 3, 3, 15, 0, tzinfo=UTC)
    assert detail.summary.reassess_by == datetime(2026, 3, 4, 15, 0, tzinfo=UTC)


def test_assessments_are_listed_newest_first(session: StoreSession) -> None:
    case_id = session.run(cases.new_case, "Dossier C")
    first = session.assess(
        case_id, "csvc-grid", {**grid(separation="yes"), "assessed_at": "2026-03-01T10:00:00-05:00"}
    )
    second = session.assess(case_id, "csvc-grid", {**grid(), "assessed_at": "2026-03-08T10:00:00-05:00"})
    ids = [a.id for a in session.run(casefile.case_detail, case_id).assessments]
    assert ids == [second.id, first.id]


def test_a_complete_lower_reassessment_of_the_same_kind_supersedes(session: StoreSession) -> None:
    case_id = session.run(cases.new_case, "Dossier D")
    session.assess(
        case_id, "csvc-grid", {**grid(homicide_plan="yes"), "assessed_at": "2026-03-01T10:00:00-05:00"}
    )
    session.assess(
        case_id,
        "csvc-grid",
        {**full_grid(violence_history="yes"), "assessed_at": "2026-03-03T10:00:00-05:00"},
    )
    detail = session.run(casefile.case_detail, case_id)
    assert detail.compromission == 2
    assert [a.standing for a in detail.assessments] == ["standing", "superseded"]


def test_an_incomplete_lower_reassessment_supersedes_nothing(session: StoreSession) -> None:
    case_id = session.run(cases.new_case, "Dossier D2")
    session.assess(
        case_id, "csvc-grid", {**grid(homicide_plan="yes"), "assessed_at": "2026-03-01T10:00:00-05:00"}
    )
    later = session.assess(
        case_id, "csvc-grid", {**grid(violence_history="yes"), "assessed_at": "2026-03-03T10:00:00-05:00"}
    )
    assert later.result.complete is False
    detail = session.run(casefile.case_detail, case_id)
    assert detail.compromission == 4
    assert [a.standing for a in detail.assessments] == ["standing", "standing"]


def test_another_protagonist_does_not_erase_a_higher_level_until_closed(session: StoreSession) -> None:
    case_id = session.run(cases.new_case, "Dossier E")
    high = session.assess(case_id, "csvc-grid", grid(homicide_plan="yes"))
    session.assess(case_id, "csvc-grid", {**grid(), "protagonist": "child"})
    assert session.run(casefile.case_detail, case_id).compromission == 4
    with pytest.raises(BadInput):
        session.run(assessing.close_assessment, high.id, "  ")
    session.run(
        assessing.close_assessment, high.id, "Partenaire incarcéré, situation réévaluée en concertation"
    )
    detail = session.run(casefile.case_detail, case_id)
    assert detail.compromission == 1
    assert {a.id: a.standing for a in detail.assessments}[high.id] == "closed"
    with raises_worded(OperationFailed, "already closed"):
        session.run(assessing.close_assessment, high.id, "encore")


def test_override_is_confirmed_by_the_acting_user(session: StoreSession) -> None:
    case_id = session.run(cases.new_case, "Dossier F")
    payload = {
        **grid(violence_history="yes"),
        "override": {"level": "elevated", "reason": "Menaces récentes"},
    }
    stored = session.assess(case_id, "csvc-grid", payload)
    assert stored.result.level == "elevated" and stored.result.computed_level == "moderate"
    assert stored.to_json()["override"]["by"] == "alice"
    result = session.run(assessing.read_result, stored.id)
    assert result["override"] == {"level": "elevated", "reason": "Menaces récentes", "by": "alice"}


def test_bad_answers_store_nothing(session: StoreSession, store: Store) -> None:
    case_id = session.run(cases.new_case, "Dossier G")
    before = count(store, audit_log)
    with raises_worded(BadInput, "no_such_item"):
        session.assess(case_id, "csvc-grid", grid(no_such_item="yes"))
    with raises_worded(BadInput, "lower"):
        session.assess(
            case_id,
            "csvc-grid",
            {**grid(homicide_plan="yes"), "override": {"level": "concern", "reason": "non"}},
        )
    assert count(store, assessments) == 0
    assert count(store, audit_log) == before


def test_action_status_history_and_stale_version(session: StoreSession) -> None:
    case_id = session.run(cases.new_case, "Dossier H")
    stored = session.assess(case_id, "csvc-grid", grid(homicide_plan="yes"))
    [action] = [a for a in stored.actions if a.action == "emergency_concertation"]
    with raises_worded(BadInput, "why"):
        session.run(followup.set_action_status, action.id, "impossible")
    updated = session.run(
        followup.set_action_status,
        action.id,
        "impossible",
        "Victime déménagée hors région",
        expected_version=action.version,
    )
    assert updated.status == "impossible" and updated.version == action.version + 1
    assert [(c.status, c.by) for c in updated.history] == [("open", "alice"), ("impossible", "alice")]
    with pytest.raises(StaleRecord):
        session.run(followup.set_action_status, action.id, "done", expected_version=action.version)
    assert action.id not in [a.id for a in session.run(followup.list_actions, case_id=case_id)]
    assert [a.id for a in session.run(followup.list_actions, case_id=case_id, status="impossible")] == [
        action.id
    ]


def test_overdue_actions_and_followup_order(session: StoreSession) -> None:
    urgent = session.run(cases.new_case, "Urgent")
    calm = session.run(cases.new_case, "Calme")
    session.assess(calm, "csvc-grid", {**grid(), "assessed_at": "2026-03-01T10:00:00-05:00"})  # P60D
    session.assess(
        urgent, "csvc-grid", {**grid(homicide_plan="yes"), "assessed_at": "2026-03-01T10:00:00-05:00"}
    )
    queue = session.run(followup.followup)
    assert [item.case for item in queue] == [urgent, calm]
    assert all(item.overdue for item in queue)  # 2026-03 is past
    assert [item.to_json()["compromission"] for item in queue] == [4, 1]
    overdue = session.run(followup.list_actions, overdue=True)
    assert "emergency_concertation" in [a.action for a in overdue if a.case_id == urgent]
    assert all(a.overdue and a.status == "open" and a.due is not None for a in overdue)
    assert overdue == sorted(overdue, key=lambda a: (not a.mandatory, a.due))
    counts = {case.id: case.overdue_actions for case in session.run(cases.list_cases)}
    assert counts == {case_id: sum(1 for a in overdue if a.case_id == case_id) for case_id in (urgent, calm)}
    assert counts[urgent] > 0
    assert session.run(casefile.case_detail, urgent).summary.overdue_actions == counts[urgent]
    session.run(followup.set_action_status, overdue[0].id, "done")
    assert {c.id: c.overdue_actions for c in session.run(cases.list_cases)}[overdue[0].case_id] == (
        counts[overdue[0].case_id] - 1
    )


def test_an_event_makes_a_reassessment_due_now(session: StoreSession) -> None:
    case_id = session.run(cases.new_case, "Dossier I")
    now = datetime.now(UTC)
    session.assess(case_id, "csvc-grid", {**grid(), "assessed_at": now.isoformat()})
    assert session.run(followup.followup)[0].overdue is False
    session.run(cases.record_event, case_id, "partner_release", note="Libération annoncée")
    [item] = session.run(followup.followup)
    assert item.case == case_id and item.reassess_by <= datetime.now(UTC) + timedelta(seconds=1)
    detail = session.run(casefile.case_detail, case_id)
    assert [e.open for e in detail.events] == [True]
    session.assess(case_id, "csvc-grid", {**grid(), "assessed_at": datetime.now(UTC).isoformat()})
    detail = session.run(casefile.case_detail, case_id)
    assert [e.open for e in detail.events] == [False]
    assert detail.summary.reassess_by is not None and detail.summary.reassess_by > datetime.now(UTC)
    with raises_worded(BadInput, "unknown event"):
        session.run(cases.record_event, case_id, "rumour")


def test_protagonists_are_masked_until_revealed(session: StoreSession) -> None:
    from csvc_core.store import Contact

    case_id = session.run(cases.new_case, "Dossier J")
    row_id = session.run(
        cases.add_protagonist,
        case_id,
        "victim",
        name="Amélie Exemple",
        contact=Contact(phone="555-0100", safe_times="9h-11h"),
        safe_to_call=True,
        partner_knows=False,
    )
    [masked] = session.run(casefile.case_detail, case_id).protagonists
    assert masked.name is None and masked.contact is None and masked.safe_to_call is True
    [shown] = session.run(casefile.case_detail, case_id, reveal=True).protagonists
    assert shown.name == "Amélie Exemple" and shown.contact is not None and shown.contact.phone == "555-0100"
    session.run(cases.update_protagonist, row_id, shown.version, safe_to_call=False)
    with pytest.raises(StaleRecord):
        session.run(cases.update_protagonist, row_id, shown.version, name="Autre")


def test_users_roles_and_visibility(session: StoreSession, store: Store) -> None:
    case_id = session.run(cases.new_case, "Dossier K")
    session.run(people.add_user, "bruno", "worker", "phrase de bruno assez longue", kdf=FAST_KDF)
    session.run(
        people.add_organisation,
        "Poste de quartier 12",
        "police",
        admin="carole",
        passphrase="phrase de carole assez longue",
        kdf=FAST_KDF,
    )
    assert [u.name for u in session.run(people.list_users)] == ["alice", "bruno"]
    bruno = store.unlock("bruno", "phrase de bruno assez longue")
    assert bruno.run(casefile.case_detail, case_id, reveal=True).summary.label == "Dossier K"
    with pytest.raises(AccessDenied):
        bruno.run(people.add_user, "dora", "worker", "phrase de dora assez longue", kdf=FAST_KDF)
    carole = store.unlock("carole", "phrase de carole assez longue")
    assert carole.run(cases.list_cases) == []
    with raises_worded(AccessDenied, "not found, or not visible"):
        carole.run(casefile.case_detail, case_id)
    session.run(people.set_user_active, "bruno", False)
    with pytest.raises(LoginRefused):
        store.unlock("bruno", "phrase de bruno assez longue")


def test_wrong_passphrase_changes_nothing_but_is_audited(store: Store, session: StoreSession) -> None:
    session.run(cases.new_case, "Dossier L")
    before_cases = count(store, cases_table)
    before_audit = count(store, audit_log)
    with raises_worded(LoginRefused, "nothing changed"):
        store.unlock("alice", "pas la bonne phrase")
    with pytest.raises(LoginRefused):
        store.unlock("mallory", PASSPHRASE)
    assert count(store, cases_table) == before_cases
    with store.engine.connect() as connection:
        rows = connection.execute(
            select(audit_log.c.action, audit_log.c.detail).order_by(audit_log.c.seq)
        ).all()
    assert count(store, audit_log) == before_audit + 2
    assert [row.action for row in rows[-2:]] == ["login.failed", "login.failed"]
    assert "pas la bonne phrase" not in str(rows)
    assert store.verify_audit().ok


def test_passphrase_change_rewraps_the_key(store: Store, session: StoreSession) -> None:
    case_id = session.run(cases.new_case, "Dossier M")
    with pytest.raises(LoginRefused):
        session.change_passphrase("mauvaise ancienne phrase", "nouvelle phrase assez longue", FAST_KDF)
    session.change_passphrase(PASSPHRASE, "nouvelle phrase assez longue", FAST_KDF)
    with pytest.raises(LoginRefused):
        store.unlock("alice", PASSPHRASE)
    again = store.unlock("alice", "nouvelle phrase assez longue")
    assert again.run(casefile.case_detail, case_id, reveal=True).summary.label == "Dossier M"


def test_closed_case_leaves_the_queue_and_refuses_assessments(session: StoreSession) -> None:
    case_id = session.run(cases.new_case, "Dossier N")
    session.run(cases.close_case, case_id, "Services terminés")
    assert session.run(followup.followup) == []
    with raises_worded(OperationFailed, "closed"):
        session.assess(case_id, "csvc-grid", grid())
    assert [c.id for c in session.run(cases.list_cases, status="closed")] == [case_id]


def test_confirmed_hook_is_called_after_commit_and_its_failure_keeps_the_commit(
    session: StoreSession,
) -> None:
    from csvc_core import hookimpl

    calls = []

    class Recorder:
        @hookimpl
        def csvc_assessment_confirmed(self, assessment, actions):  # type: ignore[no-untyped-def]
            calls.append((assessment.id, [a.action for a in actions]))

    class Broken:
        @hookimpl
        def csvc_assessment_confirmed(self, assessment, actions):  # type: ignore[no-untyped-def]
            raise RuntimeError("notifier down")

    pm = session.csvc.pm
    pm.register(Recorder(), name="test_recorder")
    pm.register(Broken(), name="test_broken")
    try:
        case_id = session.run(cases.new_case, "Dossier O")
        stored = session.assess(case_id, "csvc-grid", grid(homicide_plan="yes"))
    finally:
        pm.unregister(name="test_recorder")
        pm.unregister(name="test_broken")
    [(called_id, called_actions)] = calls
    assert called_id == stored.id and sorted(called_actions) == sorted(a.id for a in stored.result.actions)
    assert "emergency_concertation" in called_actions
    errors = stored.hook_errors
    assert any(error.plugin == "test_broken" and "notifier down" in error.error for error in errors)
    assert [a.id for a in session.run(casefile.case_detail, case_id).assessments] == [stored.id]


def test_locked_session_refuses_everything(session: StoreSession) -> None:
    session.run(cases.new_case, "Dossier P")
    session.lock()
    with raises_worded(OperationFailed, "locked"):
        session.run(cases.list_cases)
