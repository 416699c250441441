"""Outcomes on a case: recorded by the owning organisation, their note sealed under the case key (and
re-sealed by a key rotation), listed by ``case show``, audited without their note; from the API and the
real command line."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from csvc_core.errors import BadInput
from csvc_core.store import Store, StoreSession, casefile, cases, outcomes, rotation
from csvc_core.store.schema import audit_log, case_outcomes
from tests.support.cli import run_csvc
from tests.support.constants import CANARY, PASSPHRASE
from tests.support.stores import new_store

NOTE = f"{CANARY} a reçu des menaces par texto"


def test_an_outcome_is_recorded_sealed_listed_and_audited_without_its_note(
    store: Store, session: StoreSession
) -> None:
    case_id = session.run(cases.new_case, "Dossier fictif")
    when = datetime(2026, 4, 2, 21, 30, tzinfo=UTC)
    outcome_id = session.run(outcomes.record_outcome, case_id, "threats", "police_report", when, NOTE)
    session.run(outcomes.record_outcome, case_id, "stalking", "victim", when - timedelta(days=3))

    masked = session.run(casefile.case_detail, case_id)
    assert [(o.kind, o.source, o.occurred_at) for o in masked.outcomes] == [
        ("threats", "police_report", when),
        ("stalking", "victim", when - timedelta(days=3)),
    ]
    assert masked.outcomes[0].note is None and masked.outcomes[0].by == "alice"
    shown = session.run(casefile.case_detail, case_id, reveal=True)
    assert shown.outcomes[0].note == NOTE
    assert shown.to_json()["outcomes"][0]["kind"] == "threats"

    with store.engine.connect() as connection:
        row = connection.execute(select(case_outcomes).where(case_outcomes.c.id == outcome_id)).one()
        entries = connection.execute(select(audit_log).where(audit_log.c.action == "outcome.add")).all()
    assert CANARY.encode() not in row.note_ct
    assert len(entries) == 2 and entries[0].case_id == case_id
    assert json.loads(entries[0].detail) == {
        "outcome": outcome_id,
        "kind": "threats",
        "source": "police_report",
        "fields": ["note"],
    }
    assert all(CANARY not in entry.detail for entry in entries)
    assert store.verify_audit().ok


@pytest.mark.parametrize(
    ("kind", "source", "occurred_at", "key"),
    [
        ("burglary", "victim", None, "error.store.unknown_outcome"),
        ("threats", "neighbour", None, "error.store.unknown_outcome_source"),
        ("threats", "victim", datetime(2026, 4, 2, 21, 30), "error.store.occurred_at_offset"),
        ("threats", "victim", datetime.now(UTC) + timedelta(days=2), "error.store.outcome_in_future"),
    ],
)
def test_a_bad_outcome_is_refused_with_its_field(
    session: StoreSession, kind: str, source: str, occurred_at: datetime | None, key: str
) -> None:
    case_id = session.run(cases.new_case, "Dossier fictif")
    with pytest.raises(BadInput) as refused:
        session.run(outcomes.record_outcome, case_id, kind, source, occurred_at)
    assert refused.value.key == key
    assert session.run(casefile.case_detail, case_id).outcomes == ()


def test_an_outcome_after_the_case_is_closed_still_counts(session: StoreSession) -> None:
    case_id = session.run(cases.new_case, "Dossier fictif")
    session.run(cases.close_case, case_id, "suivi terminé")
    session.run(outcomes.record_outcome, case_id, "breach_of_conditions", "court")
    assert [o.kind for o in session.run(casefile.case_detail, case_id).outcomes] == ["breach_of_conditions"]


def test_a_key_rotation_re_seals_an_outcome_note(session: StoreSession) -> None:
    case_id = session.run(cases.new_case, "Dossier fictif")
    session.run(outcomes.record_outcome, case_id, "physical_violence", "victim", note=NOTE)
    counts = session.run(rotation.rotate_org_key)
    assert counts["cases"] == 1
    assert session.run(casefile.case_detail, case_id, reveal=True).outcomes[0].note == NOTE


def test_the_command_line_records_an_outcome_and_shows_it_in_french(tmp_path: Path, store_url: str) -> None:
    new_store(store_url).close()
    env = {"CSVC_STORE": store_url, "CSVC_USER": "alice", "CSVC_PASSPHRASE": PASSPHRASE}
    made = run_csvc("case", "new", "--label", "Dossier fictif", "--json", env=env)
    assert made.returncode == 0, made.stderr
    case_id = json.loads(made.stdout)["id"]

    done = run_csvc(
        "case",
        "outcome",
        case_id,
        "--kind",
        "sexual_violence",
        "--source",
        "police_report",
        "--occurred-at",
        "2026-05-01T22:00:00-04:00",
        "--lang",
        "fr",
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Suite notée : ")
    shown = run_csvc("case", "show", case_id, "--lang", "fr", env=env)
    assert shown.returncode == 0, shown.stderr
    assert "Suites (la plus récente d'abord) :" in shown.stdout
    assert "2026-05-0" in shown.stdout and "Violence sexuelle — un rapport de police" in shown.stdout

    future = run_csvc(
        "case",
        "outcome",
        case_id,
        "--kind",
        "threats",
        "--source",
        "victim",
        "--occurred-at",
        "2099-01-01T10:00:00-05:00",
        "--lang",
        "en",
        env=env,
    )
    assert future.returncode == 2 and future.stderr.count("\n") == 1 and "Traceback" not in future.stderr
    assert "--occurred-at" in future.stderr and "2099-01-01" in future.stderr
