"""Statistics from synthetic facts: the counts, the delays, the period, and small-cell suppression."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta

from csvc_core.stats.compute import ALL, compute, protect, to_json
from csvc_core.stats.facts import ActionFacts, AssessmentFacts, CaseFacts
from csvc_core.stats.output import write

T0 = datetime.fromisoformat("2026-01-01T00:00:00-05:00")
START, END = T0, T0 + timedelta(days=90)


def case(
    sector: str,
    level: int | None,
    day: int,
    *,
    action_after_hours: float | None = None,
    reassessed_after_days: int | None = None,
    due_days: int = 2,
    closed: bool = False,
) -> CaseFacts:
    at = T0 + timedelta(days=day)
    first = AssessmentFacts(sector, "csvc-grid", "victim", level, at, at, at + timedelta(days=7))
    assessments = [first]
    if reassessed_after_days is not None:
        later = at + timedelta(days=reassessed_after_days)
        assessments.append(AssessmentFacts(sector, "csvc-grid", "victim", level, later, later, None))
    changes: list[tuple[datetime, str]] = [(at, "open")]
    if action_after_hours is not None:
        changes.append((at + timedelta(hours=action_after_hours), "done"))
    elif closed:
        changes.append((at + timedelta(days=1), "impossible"))
    action = ActionFacts("csvc", at, at + timedelta(days=due_days), 0, tuple(changes), "offer_shelter")
    return CaseFacts(tuple(assessments), (action,))


def population() -> list[CaseFacts]:
    cases = []
    for index in range(6):  # police, level 3: acted on within index hours, re-assessed on time
        cases.append(
            case("police", 3, 10 + index, action_after_hours=float(index + 1), reassessed_after_days=6)
        )
    for index in range(5):  # shelter, level 4: acted on at 10 h; re-assessed late
        cases.append(case("shelter", 4, 20 + index, action_after_hours=10.0, reassessed_after_days=9))
    cases.append(case("health", 2, 30))  # a lone health case: every cell about it is small
    cases.append(case("police", 1, 200))  # outside the period
    return cases


def test_counts_by_level_and_sector():
    stats = to_json(compute(population(), START, END))
    rows = {row["sector"]: row for row in stats["cases_by_level"]["rows"]}
    assert stats["cases"] == 12
    assert rows["police"]["3"] == 6 and rows["police"]["total"] == 6 and rows["police"]["1"] == 0
    assert rows["shelter"]["4"] == 5
    assert rows["health"]["2"] is None and rows["health"]["total"] is None  # 1 case: suppressed
    # the overall row: 6 + 5 at levels 3 and 4, and the lone case's level 2 hidden
    # overall: 12 cases; the lone level 2 is hidden, and so is the next smallest cell of the row (12 - 6 - 5
    # would give it back); in the column of totals, the shelter's total goes too (12 - 6 - health's total).
    assert rows[ALL]["total"] == 12 and rows[ALL]["3"] == 6
    assert rows[ALL]["2"] is None and rows[ALL]["4"] is None
    assert rows["shelter"]["total"] is None


def test_overdue_actions_and_reassessments_on_time():
    stats = to_json(compute(population(), START, END))
    actions = {row["sector"]: row for row in stats["overdue_actions"]["rows"]}
    assert actions["csvc"]["total"] == 12 and actions["csvc"]["open"] == 0
    # one overdue (the lone health case): hidden, and the closed count with it (12 - 0 - 11 would give it)
    assert actions["csvc"]["overdue"] is None and actions["csvc"]["closed"] is None
    reassess = {row["sector"]: row for row in stats["reassessments"]["rows"]}
    assert reassess["police"]["on_time"] == 6 and reassess["police"]["late"] == 0
    assert reassess["shelter"]["late"] == 5 and reassess["shelter"]["on_time"] == 0
    assert reassess["health"]["missing"] is None


def test_delay_to_first_action():
    stats = to_json(compute(population(), START, END))
    delays = {row["sector"]: row for row in stats["delay_to_first_action"]}
    assert delays["police"] == {
        "sector": "police",
        "assessments": 6,
        "taken": 6,
        "median_hours": 3.5,
        "p90_hours": 6.0,
    }
    # shelter: 5 acted on at 10 h; its count of assessments hides the lone health one from the overall row
    assert (delays["shelter"]["taken"], delays["shelter"]["median_hours"]) == (5, 10.0)
    assert delays["shelter"]["assessments"] is None
    assert delays["health"]["assessments"] is None and delays["health"]["median_hours"] is None


def test_period_bounds_are_half_open():
    inside = compute([case("police", 2, 0)] * 5, START, END)
    assert inside.cases == 5
    assert compute([case("police", 2, 90)] * 5, START, END).cases == 0


def test_protect_hides_what_a_total_would_give_back():
    grid = {"a": {"x": 2, "y": 10, "z": 7, "total": 19}, "all": {"x": 2, "y": 10, "z": 7, "total": 19}}
    hidden = protect(grid, 5)
    assert ("a", "x") in hidden and ("a", "z") in hidden  # the smallest other cell of the row
    assert ("a", "y") not in hidden
    assert protect({"a": {"x": 0, "y": 9, "total": 9}}, 5) == set()  # zero names nobody
    assert protect({"a": {"x": 3, "y": 0, "total": 3}}, 5) == {("a", "x"), ("a", "total")}


def test_outputs_agree(tmp_path):
    stats = compute(population(), START, END)
    rows = list(csv.DictReader(io.StringIO(write(stats, "csv"))))
    police = {r["measure"]: r for r in rows if r["table"] == "cases_by_level" and r["sector"] == "police"}
    assert police["3"]["value"] == "6" and police["3"]["suppressed"] == "false"
    health = {r["measure"]: r for r in rows if r["table"] == "cases_by_level" and r["sector"] == "health"}
    assert health["2"]["value"] == "" and health["2"]["suppressed"] == "true"
    assert json.loads(write(stats, "json")) == to_json(stats)
    html = write(stats, "html", "fr")
    assert "<svg" in html and "Statistiques dépersonnalisées" in html and "*" in html
    assert "Dépersonnalisées" not in write(stats, "html", "en")


def due_now(sector: str, at: datetime) -> CaseFacts:
    """A case assessed at ``at`` whose one action is due at that time ("without delay")."""
    assessment = AssessmentFacts(sector, "csvc-grid", "victim", 4, at, at, at + timedelta(days=1))
    return CaseFacts((assessment,), (ActionFacts(sector, at, at, 0, ((at, "open"),), "offer_shelter"),))


def test_an_action_due_at_its_assessment_is_not_overdue_within_the_grace():
    """At the period's end, actions due "now" at assessments 2 hours before are still to do (the store's
    grace), those of assessments 2 days before are overdue."""
    recent = [due_now("shelter", END - timedelta(hours=2)) for _ in range(5)]
    older = [due_now("police", END - timedelta(days=2)) for _ in range(5)]
    stats = to_json(compute(recent + older, START, END, threshold=1))
    rows = {row["sector"]: row for row in stats["overdue_actions"]["rows"]}
    assert (rows["shelter"]["open"], rows["shelter"]["overdue"]) == (5, 0)
    assert (rows["police"]["open"], rows["police"]["overdue"]) == (0, 5)


def followed_case(
    sector: str, kind: str, due_hours: float, status: str | None, after_hours: float
) -> CaseFacts:
    """One assessment at T0 + 10 days and one action of ``kind``, due ``due_hours`` after it (0: due at once),
    moved to ``status`` ``after_hours`` after it (None: left open)."""
    at = T0 + timedelta(days=10)
    assessment = AssessmentFacts(sector, "csvc-grid", "victim", 4, at, at, None)
    changes = [(at, "open")] + ([(at + timedelta(hours=after_hours), status)] if status else [])
    action = ActionFacts(sector, at, at + timedelta(hours=due_hours), 0, tuple(changes), kind)
    return CaseFacts((assessment,), (action,))


def test_actions_followed_by_sector_and_kind_on_time_late_impossible_not_done():
    cases = (
        [followed_case("police", "call_back", 48, "done", 24)] * 5  # done before its due date
        + [followed_case("police", "call_back", 48, "done", 72)] * 5  # done after it: late
        + [followed_case("shelter", "offer_shelter", 0, "done", 12)] * 6  # due at once, done in the grace
        + [followed_case("shelter", "offer_shelter", 0, "done", 30)] * 5  # past the 24-hour grace: late
        + [followed_case("shelter", "offer_shelter", 0, "not_done", 2)] * 7
        + [followed_case("shelter", "offer_shelter", 0, None, 0)] * 5  # still open at the period's end
        + [followed_case("health", "referral", 48, "done", 1)] * 5
        + [followed_case("shelter", "safety_plan", 48, "impossible", 5)]  # a lone one: hidden
    )
    stats = compute(cases, START, END)
    data = to_json(stats)["actions_followed"]
    rows = {(row["sector"], row["action"]): row for row in data["rows"]}
    assert data["columns"] == ["on_time", "late", "impossible", "not_done", "still_open", "total"]
    police = rows["police", "call_back"]
    assert (police["on_time"], police["late"], police["total"]) == (5, 5, 10)
    assert police["shares"] == {
        "on_time": 50.0,
        "late": 50.0,
        "impossible": 0.0,
        "not_done": 0.0,
        "still_open": 0.0,
    }
    shelter = rows["shelter", "offer_shelter"]
    assert (shelter["on_time"], shelter["late"], shelter["not_done"], shelter["still_open"]) == (6, 5, 7, 5)
    assert shelter["shares"]["not_done"] == round(100 * 7 / 23, 1)
    lone = rows["shelter", "safety_plan"]
    assert lone["impossible"] is None and lone["total"] is None and lone["shares"]["impossible"] is None
    # the overall total would give the lone total back: the smallest other total goes too
    assert rows["health", "referral"]["total"] is None and rows["health", "referral"]["on_time"] == 5
    every = rows[ALL, ALL]
    assert every["total"] == 39 and every["on_time"] == 16 and every["late"] == 10
    assert every["impossible"] is None  # 1: it would name the lone case
    assert every["not_done"] is None or every["still_open"] is None  # and a second cell, or 34 gives it back

    lines = list(csv.DictReader(io.StringIO(write(stats, "csv"))))
    measures = {(r["sector"], r["measure"]): r for r in lines if r["table"] == "actions_followed"}
    assert measures["police", "call_back.late"]["value"] == "5"
    assert measures["police", "call_back.late.share"]["value"] == "50.0"
    assert measures["shelter", "safety_plan.impossible"]["suppressed"] == "true"
    html = write(stats, "html", "fr")
    assert "comment elles ont été suivies" in html and "call_back" in html and "50.0 %" in html
    assert "how they were followed" in write(stats, "html", "en")
