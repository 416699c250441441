"""The case-level compromission across sectors: highest standing level, provenance, closures, overdue."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import attrs

from csvc_core.compromission import AssessmentRecord, Closure, case_compromission, record_from_result
from csvc_core.errors import BadInput
from csvc_core.testing import raises_worded

EST = timezone(timedelta(hours=-5))
T0 = datetime(2026, 3, 1, 10, 0, tzinfo=EST)


def record(
    id: str,
    sector: str,
    compromission: int | None,
    days: float = 0,
    instrument: str = "csvc-grid",
    reassess_days: float | None = 7,
    protagonist: str = "victim",
    factors: tuple[str, ...] = (),
) -> AssessmentRecord:
    at = T0 + timedelta(days=days)
    return AssessmentRecord(
        id=id,
        sector=sector,
        instrument=instrument,
        instrument_version="1.0",
        level=None if compromission is None else f"level{compromission}",
        compromission=compromission,
        assessed_at=at,
        reassess_by=at + timedelta(days=reassess_days) if reassess_days is not None else None,
        protagonist=protagonist,
        factors=factors,
    )


def test_no_assessment_gives_no_level():
    case = case_compromission([], now=T0)
    assert case.level is None
    assert case.holders == ()
    assert case.to_json()["compromission"] is None


def test_highest_level_of_any_sector_stands_with_its_source():
    police = record("a1", "police", 3, days=0, instrument="lethality-screen", factors=("firearm_access",))
    shelter = record("a2", "shelter", 1, days=1, instrument="risk-checklist", factors=("separation",))
    case = case_compromission([shelter, police], now=T0 + timedelta(days=2))
    assert case.level == 3
    assert [r.id for r in case.holders] == ["a1"]
    assert [s.record.id for s in case.standing] == ["a1", "a2"]
    sources = {(f.factor, f.sector, f.instrument, f.assessment) for f in case.factors}
    assert sources == {
        ("firearm_access", "police", "lethality-screen", "a1"),
        ("separation", "shelter", "risk-checklist", "a2"),
    }


def test_lower_new_assessment_by_another_sector_does_not_erase_a_higher_one():
    high = record("a1", "police", 4, days=0)
    low_later = record("a2", "health", 1, days=1)
    case = case_compromission([high, low_later], now=T0 + timedelta(days=1, hours=1))
    assert case.level == 4
    assert case.set_aside == ()


def test_same_instrument_other_protagonist_does_not_erase():
    victim = record("a1", "shelter", 3, days=0, protagonist="victim")
    child = record("a2", "shelter", 1, days=1, protagonist="child")
    case = case_compromission([victim, child], now=T0 + timedelta(days=2))
    assert case.level == 3
    assert case.by_protagonist == {"victim": 3, "child": 1}


def test_reassessment_of_the_same_kind_supersedes_the_earlier_one():
    first = record("a1", "shelter", 3, days=0)
    again = record("a2", "shelter", 2, days=5)
    case = case_compromission([first, again], now=T0 + timedelta(days=6))
    assert case.level == 2
    [aside] = case.set_aside
    assert (aside.record.id, aside.why, aside.superseded_by) == ("a1", "superseded", "a2")


def test_explicit_closure_removes_a_level_and_keeps_who_and_why():
    high = record("a1", "police", 4, days=0)
    low = record("a2", "health", 1, days=1)
    closure = Closure(
        "a1", by="coordonnatrice", reason="conjoint incarcéré", closed_at=T0 + timedelta(days=2)
    )
    case = case_compromission([high, low], now=T0 + timedelta(days=2), closures=[closure])
    assert case.level == 1
    [aside] = case.set_aside
    assert aside.why == "closed" and aside.closure == closure
    assert case.to_json()["set_aside"][0]["closure"]["reason"] == "conjoint incarcéré"


def test_expired_high_level_still_stands_and_is_overdue():
    high = record("a1", "police", 4, days=0, reassess_days=3)
    low = record("a2", "health", 2, days=1, reassess_days=30)
    case = case_compromission([high, low], now=T0 + timedelta(days=10))
    assert case.level == 4
    assert case.overdue == ("a1",)
    assert case.reassessment_due
    assert case.reassess_by == T0 + timedelta(days=3)


def test_overdue_boundary_is_strictly_after_the_date():
    row = record("a1", "police", 3, reassess_days=7)
    assert case_compromission([row], now=T0 + timedelta(days=7)).overdue == ()
    assert case_compromission([row], now=T0 + timedelta(days=7, seconds=1)).overdue == ("a1",)


def test_level_without_reassessment_date_is_never_overdue():
    row = record("a1", "shelter", 2, reassess_days=None)
    case = case_compromission([row], now=T0 + timedelta(days=400))
    assert case.level == 2 and case.overdue == () and case.reassess_by is None


def test_assessment_without_a_level_is_set_aside_not_dropped():
    case = case_compromission([record("a1", "shelter", None)], now=T0)
    assert case.level is None
    assert [(a.record.id, a.why) for a in case.set_aside] == [("a1", "no_level")]


def test_closure_needs_a_name_and_a_reason():
    with raises_worded(BadInput, "reason"):
        Closure("a1", by="x", reason="  ", closed_at=T0)
    with raises_worded(BadInput, "names the professional"):
        Closure("a1", by="", reason="r", closed_at=T0)


def test_closure_of_another_case_s_assessment_is_refused():
    with raises_worded(BadInput, "'zz'"):
        case_compromission([record("a1", "police", 2)], now=T0, closures=[Closure("zz", "x", "r", T0)])


def test_duplicate_ids_and_naive_now_are_refused():
    row = record("a1", "police", 2)
    with raises_worded(BadInput, "twice"):
        case_compromission([row, row], now=T0)
    with raises_worded(BadInput, "offset"):
        case_compromission([row], now=datetime(2026, 3, 1))


def test_record_from_a_pipeline_result(csvc):
    result = csvc.assess(
        "csvc-grid",
        {"assessed_at": T0.isoformat(), "answers": {"homicide_plan": "yes", "stalking": "yes"}},
    )
    row = record_from_result(result, "x1", sector="shelter", organisation="maison-a")
    assert (row.level, row.compromission, row.reassess_by) == ("imminent", 4, T0 + timedelta(hours=72))
    assert set(row.factors) == {"homicide_plan", "stalking"}
    case = case_compromission([row], now=T0)
    assert case.level == 4 and case.to_json()["standing"][0]["organisation"] == "maison-a"


def test_incomplete_lower_reassessment_does_not_supersede() -> None:
    first = record("a1", "shelter", 3, days=0)
    unknowns = attrs.evolve(record("a2", "shelter", 1, days=5), complete=False)
    case = case_compromission([first, unknowns], now=T0 + timedelta(days=6))
    assert case.level == 3 and [s.record.id for s in case.standing] == ["a1", "a2"]
    higher_incomplete = attrs.evolve(record("a3", "shelter", 4, days=6), complete=False)
    case = case_compromission([first, unknowns, higher_incomplete], now=T0 + timedelta(days=7))
    assert case.level == 4 and {a.record.id for a in case.set_aside} == {"a1", "a2"}


def test_same_kind_at_the_same_moment_both_stand() -> None:
    one, two = record("a1", "police", 3), record("a2", "police", 1)
    case = case_compromission([one, two], now=T0)
    assert case.level == 3 and len(case.standing) == 2
