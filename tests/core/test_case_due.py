"""When a case event is answered by an assessment, and when a case is due for one (pure rules)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from csvc_core.compromission import AssessmentRecord, answers_event, case_compromission, case_due

DAY = datetime(2026, 3, 1, 10, tzinfo=UTC)


def record(assessed_at: datetime, reassess_by: datetime | None) -> AssessmentRecord:
    return AssessmentRecord(
        id="a1",
        sector="shelter",
        instrument="csvc-grid",
        instrument_version="1.0",
        level="elevated",
        compromission=3,
        assessed_at=assessed_at,
        reassess_by=reassess_by,
    )


def test_an_assessment_answers_an_event_when_confirmed_after_it_and_assessing_after_it_happened() -> None:
    happened, recorded = DAY, DAY + timedelta(hours=2)
    assert answers_event(happened, recorded, assessed_at=recorded, confirmed_at=recorded)
    assert answers_event(happened, recorded, assessed_at=happened, confirmed_at=recorded + timedelta(days=1))
    # confirmed before the event was recorded: it did not know of it
    assert not answers_event(
        happened, recorded, assessed_at=happened, confirmed_at=recorded - timedelta(minutes=1)
    )
    # confirmed later, but assessing the days before the event
    assert not answers_event(
        happened, recorded, assessed_at=happened - timedelta(days=1), confirmed_at=recorded
    )


def test_a_case_is_due_at_its_earliest_reassessment_or_at_an_open_event() -> None:
    later = DAY + timedelta(days=30)
    level = case_compromission([record(DAY, later)], DAY)
    assert case_due(level, []) == later
    assert case_due(level, [DAY + timedelta(days=3), DAY + timedelta(days=5)]) == DAY + timedelta(days=3)
    assert case_due(level, [later + timedelta(days=1)]) == later
    nothing = case_compromission([], DAY)
    assert case_due(nothing, []) is None
    assert case_due(nothing, [DAY]) == DAY
