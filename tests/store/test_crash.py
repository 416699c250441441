"""Writers SIGKILLed at random points leave a store that is whole, with an intact audit chain.

Writers are forked from a warm zygote (see crash_worker.py). Each iteration starts one or two writers and
kills each at a random moment (after 0 to 3 commits, somewhere in the next transaction), then reopens the
store and checks: ``integrity_check``, the audit chain against its anchor, every logical transaction
all-or-nothing (an assessment with exactly its actions, their history and its audit entry, or none of them),
and every transaction a writer saw committed is there.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from csvc_core.framework import Csvc
from csvc_core.store import Store, casefile, cases, open_store
from tests.support.constants import PASSPHRASE

ITERATIONS = 100
WORKER = Path(__file__).with_name("crash_worker.py")


def _wait_for(path: Path, lines: int, timeout: float = 30.0) -> None:
    """Until the writer logged ``ready`` and then ``lines`` committed transactions."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            logged = path.read_text(encoding="utf-8").splitlines()
            if "ready" in logged and len(logged) - 1 >= lines:
                return
        time.sleep(0.001)
    seen = path.read_text(encoding="utf-8") if path.exists() else "no log"
    raise AssertionError(f"writer never reached {lines} commits: {seen}")


def _gone(pid: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.002)
    raise AssertionError(f"writer {pid} survived SIGKILL")


def check_whole(path: Path, committed: list[str]) -> None:
    """Every logical transaction is all or nothing, and everything a writer saw committed is there."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        audit = [
            (action, json.loads(detail))
            for action, detail in db.execute("SELECT action, detail FROM audit_log")
        ]
        actions_of = {
            detail["assessment"]: set(detail["actions"])
            for action, detail in audit
            if action == "assessment.add"
        }
        stored = {row[0] for row in db.execute("SELECT id FROM assessments")}
        assert stored == set(actions_of), "an assessment without its audit entry, or the reverse"
        for assessment_id, action_ids in actions_of.items():
            # each recommendation maps to an action (new, or already in the case) in the action's history
            mapped = {
                r[0]
                for r in db.execute(
                    "SELECT action_id FROM action_history WHERE assessment_id = ?", (assessment_id,)
                )
            }
            added = {
                r[0] for r in db.execute("SELECT id FROM actions WHERE assessment_id = ?", (assessment_id,))
            }
            assert mapped == action_ids and added <= action_ids, f"assessment {assessment_id} is not whole"
        updates = Counter(detail["action"] for action, detail in audit if action == "action.update")
        recommended = Counter(action_id for action_ids in actions_of.values() for action_id in action_ids)
        history = Counter(r[0] for r in db.execute("SELECT action_id FROM action_history"))
        for action_id in {r[0] for r in db.execute("SELECT id FROM actions")}:
            whole = recommended[action_id] + updates[action_id]
            assert history[action_id] == whole, f"action {action_id} history is not whole"
        created = {
            detail_case
            for action, detail_case in db.execute(
                "SELECT action, case_id FROM audit_log WHERE action = 'case.create'"
            )
        }
        assert created == {r[0] for r in db.execute("SELECT id FROM cases")}
        events = {detail["event"] for action, detail in audit if action == "event.add"}
        assert events == {r[0] for r in db.execute("SELECT id FROM case_events")}
        for line in committed:
            kind, _, record = line.partition(" ")
            table = {"case": "cases", "assessment": "assessments", "event": "case_events"}.get(kind)
            if table:
                assert db.execute(f"SELECT 1 FROM {table} WHERE id = ?", (record,)).fetchone(), line
    finally:
        db.close()


def check_levels(store: Store) -> None:
    """The derived case level equals the level recomputed from the assessments (decrypting everything)."""
    session = store.unlock("alice", PASSPHRASE)
    try:
        for summary in session.run(cases.list_cases, limit=1000):
            detail = session.run(casefile.case_detail, summary.id, results=True)
            assert detail.summary.compromission == detail.level.level
    finally:
        session.lock()


@pytest.mark.slow
def test_sigkill_during_writes_leaves_a_whole_store(
    sqlite_store: Store, sqlite_url: str, tmp_path: Path
) -> None:
    rng = random.Random(20260301)  # reproducible kill points; test data only
    path = Path(str(sqlite_store.location.path))
    sqlite_store.close()
    zygote = subprocess.Popen(
        [sys.executable, str(WORKER), sqlite_url, "alice", PASSPHRASE],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    assert zygote.stdin is not None and zygote.stdout is not None
    try:
        assert zygote.stdout.readline().strip() == "ready"
        committed: list[str] = []
        kills = busy_kills = 0
        for iteration in range(ITERATIONS):
            writers = []
            for index in range(1 if iteration % 3 else 2):
                log = tmp_path / f"writer-{iteration}-{index}.log"
                zygote.stdin.write(f"{rng.randrange(10**9)} {log}\n")
                zygote.stdin.flush()
                writers.append((int(zygote.stdout.readline()), log))
            for _, log in writers:  # a random point: after 0-3 commits, then within the next transaction
                _wait_for(log, rng.randrange(4))
            time.sleep(rng.uniform(0.0, 0.02))
            for pid, log in writers:
                os.kill(pid, signal.SIGKILL)
                kills += 1
                _gone(pid)
                lines = [line for line in log.read_text(encoding="utf-8").splitlines() if line != "ready"]
                busy_kills += bool(lines)
                committed += lines
            reopened = open_store(sqlite_url, csvc=Csvc.load())
            try:
                assert not reopened.read_only, reopened.read_only_reason
                report = reopened.verify_audit()
                assert report.ok, report.problem
            finally:
                reopened.close()
            check_whole(path, committed)
        assert kills >= ITERATIONS
        assert busy_kills >= kills // 2, "most writers must be killed after some of their work committed"
        assert any(line.startswith("assessment") for line in committed)
    finally:
        zygote.stdin.close()
        zygote.wait(timeout=30)
    final = open_store(sqlite_url, csvc=Csvc.load())
    try:
        check_levels(final)
    finally:
        final.close()
