"""The validity report: its statistics against published worked examples, on synthetic facts, on a small
real store whose true AUC is known (through the real command line), and on the benchmark's store."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from csvc_core.stats.facts import AssessmentFacts, CaseFacts, OutcomeFacts
from csvc_core.stats.validity import auc, auc_interval, validity, weighted_kappa
from csvc_core.store import casefile, cases, outcomes
from tests.support.cli import run_csvc
from tests.support.constants import PASSPHRASE
from tests.support.stores import full_grid, new_store

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 3, 1, 15, tzinfo=UTC)
#: csvc-grid answers that give levels 1 to 4 (the benchmark's patterns)
PATTERNS = ({}, {"violence_history": "yes"}, {"separation": "yes"}, {"homicide_plan": "yes"})


def test_auc_of_hanley_and_mcneil_1982_ct_ratings() -> None:
    """Table 1 of Hanley & McNeil (1982), Radiology 143:29-36: 109 CT images rated 1 (definitely normal) to 5
    (definitely abnormal); their Wilcoxon area is 0.893."""
    normal = [1] * 33 + [2] * 6 + [3] * 6 + [4] * 11 + [5] * 2
    abnormal = [1] * 3 + [2] * 2 + [3] * 2 + [4] * 11 + [5] * 33
    assert round(auc(abnormal, normal), 3) == 0.893
    low, high = auc_interval(abnormal, normal)
    assert low < 0.893 < high and low > 0.8 and high < 0.96  # their standard error is 0.032


def test_kappa_of_the_two_readers_example() -> None:
    """Two readers, 50 proposals: both yes 20, A yes B no 5, A no B yes 10, both no 15: observed agreement
    0.70, chance 0.50, kappa 0.40 (Cohen 1960's statistic; with two categories every weighting gives it)."""
    first = ["yes"] * 25 + ["no"] * 25
    second = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert weighted_kappa(first, second, ("no", "yes")) == pytest.approx(0.4)  # type: ignore[arg-type]


def test_weighted_kappa_counts_near_misses_as_partial_agreement() -> None:
    exact = weighted_kappa([1, 2, 3, 4] * 5, [1, 2, 3, 4] * 5, (1, 2, 3, 4))
    near = weighted_kappa([1, 2, 3, 4] * 5, [2, 1, 4, 3] * 5, (1, 2, 3, 4))
    far = weighted_kappa([1, 2, 3, 4] * 5, [4, 3, 2, 1] * 5, (1, 2, 3, 4))
    assert exact == pytest.approx(1.0) and 0 < near < 1 and far == pytest.approx(-1.0)


def facts(
    level: int, outcome_after: timedelta | None, sector: str = "shelter", at: datetime = T0
) -> CaseFacts:
    assessment = AssessmentFacts(sector, "csvc-grid", "victim", level, at, at, None, "1.0")
    outcomes = (OutcomeFacts("threats", at + outcome_after),) if outcome_after is not None else ()
    return CaseFacts((assessment,), (), outcomes)


def report(cases: list[CaseFacts], window_days: int = 30) -> dict:  # type: ignore[type-arg]
    start, end = T0 - timedelta(days=30), T0 + timedelta(days=30)
    return validity(cases, start, end, timedelta(days=window_days), T0 + timedelta(days=200), 5)


def test_rates_by_level_and_auc_on_synthetic_facts() -> None:
    cases = (
        [facts(4, timedelta(days=3))] * 10
        + [facts(4, None)] * 5
        + [facts(3, timedelta(days=10))] * 5
        + [facts(3, None)] * 25
        + [facts(1, None)] * 20
        + [facts(2, timedelta(days=40))] * 6  # after the 30-day window: does not count
        + [facts(2, None)] * 4
    )
    [item] = report(cases)["instruments"]
    levels = {row["level"]: row for row in item["levels"]}
    assert (item["instrument"], item["version"], item["assessments"]) == ("csvc-grid", "1.0", 75)
    assert [levels[level]["rate"] for level in (1, 2, 3, 4)] == [0.0, 0.0, 16.7, 66.7]
    assert levels[3]["rate_interval"][0] < 16.7 < levels[3]["rate_interval"][1]
    assert levels[3]["kinds"]["threats"] == 16.7 and levels[3]["kinds"]["homicide"] == 0.0
    # 15 with an outcome, 60 without: by hand, pairs where the one with an outcome is higher (ties: half)
    positives = [4] * 10 + [3] * 5
    negatives = [4] * 5 + [3] * 25 + [1] * 20 + [2] * 10
    higher = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in positives for n in negatives)
    assert item["auc"] == round(higher / (15 * 60), 3) == round(auc(positives, negatives), 3)


def test_small_cells_are_suppressed_with_what_would_give_them_back() -> None:
    cases = (
        [facts(4, timedelta(days=3))] * 8
        + [facts(4, None)] * 2  # 2 of 10 without: hidden, and the 8 with it (10 - 8 gives it back)
        + [facts(3, timedelta(days=10))] * 5
        + [facts(3, None)] * 25
        + [facts(1, None)] * 20
    )
    [item] = report(cases)["instruments"]
    levels = {row["level"]: row for row in item["levels"]}
    assert levels[4]["with_outcome"] is None and levels[4]["rate"] is None
    assert levels[4]["kinds"]["threats"] is None
    # the column of outcomes would give level 4's 8 back from the total: level 3's 5 goes too
    assert levels[3]["with_outcome"] is None and levels[3]["rate"] is None
    # and the column of totals would give level 4's 10 back: the smallest other total (level 1's 20) goes
    assert levels[1]["assessments"] is None and levels[3]["assessments"] == 30
    assert item["assessments"] == 60 and item["with_outcome"] == 13


def test_agreement_between_sectors_close_in_time() -> None:
    pairs = [(4, 4)] * 3 + [(3, 4)] * 2 + [(2, 2)] * 2
    cases = [
        CaseFacts(
            (
                AssessmentFacts("police", "police-grid", "victim", a, T0, T0, None, "1"),
                AssessmentFacts("shelter", "csvc-grid", "victim", b, T0 + timedelta(days=2), T0, None, "1"),
                AssessmentFacts("health", "csvc-grid", "victim", 1, T0 + timedelta(days=40), T0, None, "1"),
            ),
            (),
        )
        for a, b in pairs
    ]
    agreement = report(cases)["agreement"]
    assert agreement == [
        {
            "sectors": ["police", "shelter"],
            "pairs": 7,
            "kappa": round(weighted_kappa([a for a, _ in pairs], [b for _, b in pairs], (1, 2, 3, 4)), 3),
        }
    ]  # health assessed 38 days later: too far apart to be compared


@pytest.mark.slow
def test_a_store_whose_true_auc_is_known_through_the_command_line(tmp_path: Path) -> None:
    """40 cases: an outcome after every level-4 and level-2 assessment, none after level 3 and level 1 (10
    each). Of the 400 pairs (outcome, none), the one with the outcome is higher in 300: the AUC is 0.75."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    store = new_store(url)
    session = store.unlock("alice", PASSPHRASE)
    for level, pattern in enumerate(PATTERNS, start=1):
        for _ in range(10):
            case_id = session.run(cases.new_case, "Dossier fictif")
            stored = session.assess(case_id, "csvc-grid", full_grid(**pattern))
            assert session.run(casefile.case_detail, case_id).assessments[0].compromission == level, (
                stored.result.computed_level
            )
            if level in (2, 4):
                session.run(
                    outcomes.record_outcome,
                    case_id,
                    "physical_violence",
                    "police_report",
                    T0 + timedelta(days=9),
                )
    session.lock()
    store.close()
    env = {"CSVC_STORE": url, "CSVC_USER": "alice", "CSVC_PASSPHRASE": PASSPHRASE}
    period = ("--from", "2026-01-01", "--to", "2026-06-01", "--window", "30d")
    done = run_csvc("stats", "validity", *period, "--format", "json", env=env)
    assert done.returncode == 0, done.stderr
    [item] = json.loads(done.stdout)["instruments"]
    assert item["instrument"] == "csvc-grid" and item["assessments"] == 40 and item["with_outcome"] == 20
    assert item["auc"] == 0.75 and item["auc_interval"][0] < 0.75 < item["auc_interval"][1]
    assert [level["rate"] for level in item["levels"]] == [0.0, 100.0, 0.0, 100.0]

    lines = list(csv.DictReader(io.StringIO(run_csvc("stats", "validity", *period, env=env).stdout)))
    auc_line = next(line for line in lines if line["measure"] == "auc")
    assert auc_line["value"] == "0.75" and auc_line["suppressed"] == "false"
    html = run_csvc("stats", "validity", *period, "--format", "html", "--lang", "fr", env=env).stdout
    assert "<svg" in html and "0.75" in html and "une professionnelle décide" in html
    assert "Dossier fictif" not in html and "http" not in html.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
    wrong = run_csvc("stats", "validity", "--window", "6x", "--lang", "en", env=env)
    assert wrong.returncode == 2 and wrong.stderr.count("\n") == 1 and "--window" in wrong.stderr


def test_it_runs_on_the_benchmark_store(tmp_path: Path) -> None:
    from benchmarks.bench_store import PASSPHRASE as BENCH_PASSPHRASE
    from benchmarks.bench_store import build_sqlite

    url, _ = build_sqlite(tmp_path / "bench.db", cases=60, per_case=5)
    env = {"CSVC_STORE": url, "CSVC_USER": "alice", "CSVC_PASSPHRASE": BENCH_PASSPHRASE}
    done = run_csvc(
        "stats",
        "validity",
        "--from",
        "2025-01-01",
        "--to",
        "2027-01-01",
        "--window",
        "30d",
        "--format",
        "json",
        env=env,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    [item] = data["instruments"]
    start, end = (datetime.fromisoformat(data["period"][key]) for key in ("from", "to"))
    with sqlite3.connect(tmp_path / "bench.db") as db:
        times = [
            datetime.fromisoformat(row[0]).replace(tzinfo=UTC)
            for row in db.execute("SELECT assessed_at FROM assessments")
        ]
    cutoff = datetime.now(UTC) - timedelta(days=30)
    followed = sum(
        1 for at in times if start <= at < end and at <= cutoff
    )  # each followed for 30 days by now
    assert item["instrument"] == "csvc-grid" and item["assessments"] == followed > 0
    assert item["auc"] is None  # no outcome recorded there: nothing to measure the levels against
