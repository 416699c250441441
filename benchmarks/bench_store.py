"""The case store at scale: 100,000 cases and 500,000 assessments in one SQLite file.

Measured through the service API (what the TUI and the CLI call) beside the same query in raw SQL on a plain
``sqlite3`` connection to the same file, in the same run:

- the case list, first page of 50 (labels decrypted: ``list_cases(reveal=True)``);
- the follow-up queue, first page of 50 (``followup(limit=50)``);
- one case in full (``case(id)``: level recomputed with provenance, five assessments, their actions).

The service figures include what every call does: the access check, decryption, the audit entry, and the
commit (``synchronous=FULL``: one fsync). Goal: median 50 ms or less for each. Peak memory of the three calls
is measured with ``tracemalloc``. The synthetic store is built with bulk inserts (sealed with the real data
key, so every value decrypts); it holds no real person's data. ``--quick`` builds 200 cases.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import sqlite3
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks import Measure, median_seconds

GOAL_MS = 50.0
GOAL_PEAK_MIB = 64.0
PASSPHRASE = "phrase de banc d'essai assez longue"
#: csvc-grid answers that give each level (complete: every item answered).
PATTERNS = ({}, {"violence_history": "yes"}, {"separation": "yes"}, {"homicide_plan": "yes"})


def build(folder: Path, cases: int, per_case: int) -> tuple[str, str, float]:
    """A store with ``cases`` cases of ``per_case`` assessments each; returns its URL, a case id, seconds."""
    from sqlalchemy import select

    from csvc_core.framework import Csvc
    from csvc_core.instruments import instrument_to_json
    from csvc_core.jsonio import answers_to_json
    from csvc_core.store import KdfParams, init_store
    from csvc_core.store.crypto import FieldCipher, new_id
    from csvc_core.store.people import data_key_of
    from csvc_core.store.schema import organisations, users

    started = time.perf_counter()
    url = f"sqlite:///{folder / 'bench.db'}"
    store = init_store(
        url,
        org="Maison banc d'essai",
        sector="shelter",
        user="alice",
        passphrase=PASSPHRASE,
        kdf=KdfParams(time_cost=2, memory_cost=19456, parallelism=1),
    )
    with store.engine.connect() as connection:
        user = connection.execute(select(users)).one()
        org_id = connection.execute(select(organisations.c.id)).scalar_one()
    store.close()
    key = data_key_of(user, PASSPHRASE)
    assert key is not None
    cipher = FieldCipher(key)
    csvc = Csvc.load()
    items = [item.id for item in csvc.instrument("csvc-grid").items if item.type == "yes_no"]
    results = []
    for pattern in PATTERNS:
        payload = {
            "assessed_at": "2026-03-01T10:00:00-05:00",
            "answers": {**dict.fromkeys(items, "no"), **pattern},
        }
        results.append(csvc.assess("csvc-grid", payload, sector="shelter"))
    instrument = results[0].instrument
    definition = json.dumps(
        instrument_to_json(instrument), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    digest = hashlib.sha256(definition.encode()).hexdigest()
    rng = random.Random(4)  # synthetic data only
    now = datetime.now(UTC).replace(tzinfo=None)
    db = sqlite3.connect(folder / "bench.db", isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")  # the bulk build only; the store itself runs with FULL
    db.execute("BEGIN")
    db.execute(
        "INSERT INTO instrument_snapshots VALUES (?, ?, ?, ?)",
        (digest, "csvc-grid", instrument.version, definition),
    )
    case_rows, assessment_rows, action_rows, history_rows = [], [], [], []
    target = ""
    for number in range(cases):
        case_id = new_id()
        target = target or case_id
        created = now - timedelta(days=rng.uniform(30, 900))
        when = created
        last = None
        for index in range(per_case):
            when = when + timedelta(days=rng.uniform(1, 40))
            result = results[rng.randrange(len(results))]
            assessment_id = new_id()
            interval = (result.reassess_by - result.assessed_at) if result.reassess_by else None
            reassess = when + interval if interval else None
            final = index == per_case - 1
            assessment_rows.append(
                (
                    assessment_id,
                    case_id,
                    org_id,
                    "shelter",
                    "victim",
                    "csvc-grid",
                    instrument.version,
                    digest,
                    when,
                    result.score,
                    result.computed_level,
                    result.level,
                    result.compromission,
                    False,
                    True,
                    reassess,
                    cipher.encrypt_json(
                        answers_to_json(result.input), f"assessments.answers_ct:{assessment_id}"
                    ),
                    cipher.encrypt_json(result.to_json(), f"assessments.result_ct:{assessment_id}"),
                    user.id,
                    when,
                )
            )
            for action in result.actions:
                action_id = new_id()
                due = when + (action.due - result.assessed_at) if action.due else None
                label = json.dumps({"fr": action.label.fr, "en": action.label.en}) if action.label else None
                status = "open" if final else "done"
                action_rows.append(
                    (
                        action_id,
                        case_id,
                        org_id,
                        assessment_id,
                        action.id,
                        action.sector,
                        label,
                        action.mandatory,
                        due,
                        status,
                        action.proposed_by,
                        when,
                        when,
                        user.id,
                        1,
                    )
                )
                history_rows.append((new_id(), action_id, when, user.id, "open", None))
            last = (result, reassess)
        assert last is not None
        case_rows.append(
            (
                case_id,
                org_id,
                cipher.encrypt(f"Dossier synthétique {number:06d}", f"cases.label_ct:{case_id}"),
                "open",
                created,
                user.id,
                None,
                None,
                None,
                last[0].compromission,
                last[1],
                1,
            )
        )
        if len(assessment_rows) >= 20000 or number == cases - 1:
            db.executemany(
                "INSERT INTO cases (id, org_id, label_ct, status, created_at, created_by, closed_at, "
                "closed_by, close_reason_ct, compromission, reassess_by, version) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                case_rows,
            )
            db.executemany(
                "INSERT INTO assessments (id, case_id, org_id, sector, protagonist, instrument_id, "
                "instrument_version, snapshot, assessed_at, score, computed_level, level, compromission, "
                "overridden, complete, reassess_by, answers_ct, result_ct, confirmed_by, confirmed_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                assessment_rows,
            )
            db.executemany(
                "INSERT INTO actions (id, case_id, org_id, assessment_id, action, sector, label, "
                "mandatory, due, status, proposed_by, created_at, updated_at, updated_by, version) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                action_rows,
            )
            db.executemany(
                "INSERT INTO action_history (id, action_id, at, by, status, note_ct) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                history_rows,
            )
            db.execute("COMMIT")
            db.execute("BEGIN")
            case_rows, assessment_rows, action_rows, history_rows = [], [], [], []
    db.execute("COMMIT")
    db.execute("ANALYZE")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return url, target, time.perf_counter() - started


def raw_queries(path: Path, org_id: str, case_id: str) -> dict[str, Callable[[], object]]:
    """The same reads in plain SQL on a plain ``sqlite3`` connection (no decryption, no audit, no commit)."""
    db = sqlite3.connect(path, check_same_thread=False)
    now = datetime.now(UTC).replace(tzinfo=None)
    return {
        "case list": lambda: db.execute(
            "SELECT id, label_ct, status, compromission, reassess_by, created_at, version FROM cases "
            "WHERE org_id = ? AND status = ? ORDER BY created_at DESC, id DESC LIMIT 50",
            (org_id, "open"),
        ).fetchall(),
        "follow-up queue": lambda: db.execute(
            "SELECT id, reassess_by, compromission, reassess_by <= ? FROM cases "
            "WHERE org_id = ? AND status = ? AND reassess_by IS NOT NULL "
            "ORDER BY reassess_by, compromission DESC, id LIMIT 50",
            (now, org_id, "open"),
        ).fetchall(),
        "one case": lambda: (
            db.execute("SELECT * FROM cases WHERE id = ? AND org_id = ?", (case_id, org_id)).fetchall(),
            db.execute(
                "SELECT * FROM assessments WHERE case_id = ? ORDER BY assessed_at DESC", (case_id,)
            ).fetchall(),
            db.execute("SELECT * FROM actions WHERE case_id = ?", (case_id,)).fetchall(),
        ),
    }


def peak_mib(action: Callable[[], object]) -> float:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def run(quick: bool) -> list[Measure]:
    from csvc_core.store import open_store

    cases, per_case, repeats = (200, 5, 3) if quick else (100_000, 5, 31)
    folder = Path(tempfile.mkdtemp(prefix="csvc-bench-store-"))
    try:
        url, case_id, build_seconds = build(folder, cases, per_case)
        store = open_store(url)
        session = store.unlock("alice", PASSPHRASE)
        ours: dict[str, Callable[[], Any]] = {
            "case list": lambda: session.list_cases(limit=50, reveal=True),
            "follow-up queue": lambda: session.followup(limit=50),
            "one case": lambda: session.case(case_id),
        }
        assert len(ours["case list"]()) == min(50, cases) and len(ours["follow-up queue"]()) == min(50, cases)
        assert len(ours["one case"]().assessments) == per_case
        raw = raw_queries(folder / "bench.db", session.actor.org_id, case_id)
        measures = []
        size_mib = (folder / "bench.db").stat().st_size / 2**20
        for name, action in ours.items():
            raw[name]()
            value = median_seconds(action, repeats) * 1000
            baseline = median_seconds(raw[name], repeats) * 1000
            measures.append(
                Measure(
                    name=f"store: {name} (median)",
                    value=value,
                    unit="ms",
                    baseline_name="raw SQL",
                    baseline=baseline,
                    goal=f"<= {GOAL_MS:.0f} ms",
                    met=value <= GOAL_MS,
                    notes={
                        "cases": cases,
                        "assessments": cases * per_case,
                        "file MiB": round(size_mib, 1),
                        "build s": round(build_seconds, 1),
                    },
                )
            )
        peak = max(peak_mib(action) for action in ours.values())
        raw_peak = max(peak_mib(action) for action in raw.values())
        measures.append(
            Measure(
                name="store: peak memory of those calls",
                value=peak,
                unit="MiB",
                baseline_name="raw SQL",
                baseline=raw_peak,
                goal=f"<= {GOAL_PEAK_MIB:.0f} MiB",
                met=peak <= GOAL_PEAK_MIB,
            )
        )
        session.lock()
        store.close()
        return measures
    finally:
        shutil.rmtree(folder, ignore_errors=True)
