"""``csvc stats`` on a real store: a canary in every free-text field never leaves; counts and suppression."""

from __future__ import annotations

import csv
import io
import json

import pytest

from csvc_core.store import casefile
from tests.support.cli import run_csvc
from tests.support.constants import CANARY, PASSPHRASE
from tests.support.stores import filled_case

#: the canary's parts too, and the phone number and address of the filled case
NEEDLES = (CANARY, "Zéphyrine", "Canaripoulos", "514 555-0199", "chez ")


@pytest.mark.parametrize(
    "store_kinds",
    [("sqlite", "sqlite"), pytest.param(("postgresql", "sqlite"), marks=pytest.mark.postgres)],
    indirect=True,
    ids=["sqlite", "postgresql"],
)
def test_no_canary_in_any_output_and_the_counts_hold(stores, sessions):
    shelter, _ = stores
    a, _ = sessions
    case_ids = [filled_case(a) for _ in range(6)]
    env = {
        "CSVC_STORE": shelter.location.url,
        "CSVC_USER": "alice",
        "CSVC_PASSPHRASE": PASSPHRASE,
    }
    outputs = {}
    for fmt in ("csv", "json", "html"):
        done = run_csvc("stats", "--from", "2026-01-01", "--to", "2099-01-01", "--format", fmt, env=env)
        assert done.returncode == 0, done.stderr
        outputs[fmt] = done.stdout + done.stderr
    for fmt, text in outputs.items():
        for needle in (*NEEDLES, *case_ids):
            assert needle not in text, (fmt, needle)
    data = json.loads(outputs["json"])
    assert data["cases"] == 6
    rows = {row["sector"]: row for row in data["cases_by_level"]["rows"]}
    assert rows["shelter"]["4"] == 6 and rows["shelter"]["total"] == 6
    reassess = {row["sector"]: row for row in data["reassessments"]["rows"]}
    # the 'moderate' assessment of 2026-03-01 (re-assess within 30 days) was followed on 03-02: on time
    assert reassess["shelter"]["on_time"] == 6
    # the imminent ones (re-assess within 72 hours) never were
    assert reassess["shelter"]["missing"] == 6
    actions = {row["sector"]: row for row in data["overdue_actions"]["rows"]}
    assert actions["all"]["total"] == sum(len(a.run(casefile.case_detail, c).actions) for c in case_ids)
    followed = {(row["sector"], row["action"]): row for row in data["actions_followed"]["rows"]}
    kinds = {
        (action.sector, action.action) for c in case_ids for action in a.run(casefile.case_detail, c).actions
    }
    assert set(followed) == {*kinds, ("all", "all")}
    assert followed["all", "all"]["total"] == actions["all"]["total"]
    table = list(csv.DictReader(io.StringIO(outputs["csv"].split("\n\n")[0])))
    assert {row["table"] for row in table} >= {"cases_by_level", "overdue_actions", "reassessments"}
    assert "<svg" in outputs["html"]


def test_small_counts_are_suppressed_and_the_period_is_checked(stores, sessions):
    shelter, _ = stores
    a, _ = sessions
    filled_case(a)
    env = {
        "CSVC_STORE": f"sqlite:///{shelter.location.path}",
        "CSVC_USER": "alice",
        "CSVC_PASSPHRASE": PASSPHRASE,
    }
    data = json.loads(
        run_csvc("stats", "--from", "2026-01-01", "--to", "2026-06-01", "--format", "json", env=env).stdout
    )
    assert data["cases"] is None and data["suppression"]["threshold"] == 5
    assert all(row["total"] is None for row in data["cases_by_level"]["rows"])
    bad = run_csvc("stats", "--from", "2026-06-01", "--to", "2026-01-01", env=env)
    assert (
        bad.returncode == 2
        and bad.stderr.startswith("csvc: --to : 2026-01-01 doit venir après --from 2026-06-01")
        and bad.stderr.count("\n") == 1
    )
    worse = run_csvc("stats", "--from", "hier", env=env)
    assert worse.returncode == 2 and "--from : pas une date" in worse.stderr
