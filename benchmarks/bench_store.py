"""The case store at scale: 100,000 cases and 500,000 assessments, on SQLite (and PostgreSQL when given).

Measured through the service API (what the TUI and the CLI call) beside the same query in raw SQL on a plain
driver connection to the same database, in the same run:

- the case list, first page of 50 (labels decrypted: ``list_cases(reveal=True)``);
- the follow-up queue, first page of 50 (``followup(limit=50)``);
- one case in full (``case(id)``: access decision, level recomputed with provenance, five assessments, their
  actions).

The service figures include what every call does: the access check, decryption, the audit entry, and the
commit (SQLite ``synchronous=FULL``: one fsync), which dominate. Goal: median 50 ms or less for each. Peak
memory of the three calls is measured with ``tracemalloc``. The synthetic store is built with bulk inserts
(each case sealed under its own key, granted to the organisation, so every value decrypts); it holds no real
person's data.

On PostgreSQL (``CSVC_BENCH_POSTGRES=postgresql://USER@HOST:PORT/DB``, a database this user may create
databases from; else the throw-away server the tests start, ``tests/support/postgres.py``) the same measures
run on a fresh database, dropped afterwards, then the three reads by 1, 4 and 16 sessions at once (threads,
each with its own connection and unlocked session): median and p95 of each read, reads per second of the
whole, beside raw SQL on as many plain connections, and how much reads per second grow from 1 to 16 sessions.

``--quick`` builds 200 cases and makes 4 rounds of the three reads per session: it checks that everything
runs (the test suite runs it), its figures mean little.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import secrets
import shutil
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks import Measure, median_seconds
from csvc_core.framework import Csvc
from csvc_core.store import casefile, cases, followup

GOAL_MS = 50.0
GOAL_PEAK_MIB = 64.0
PASSPHRASE = "phrase de banc d'essai assez longue"
ENV_POSTGRES = "CSVC_BENCH_POSTGRES"
ENV_CASES = "CSVC_BENCH_CASES"  # another scale than 100,000 cases (five assessments each)
#: csvc-grid answers that give each level (complete: every item answered).
PATTERNS: tuple[dict[str, str], ...] = (
    {},
    {"violence_history": "yes"},
    {"separation": "yes"},
    {"homicide_plan": "yes"},
)
COLUMNS = {
    "cases": "id, org_id, label_ct, status, created_at, created_by, closed_at, closed_by, close_reason_ct, "
    "compromission, reassess_by, version",
    "assessments": "id, case_id, org_id, sector, protagonist, instrument_id, instrument_version, snapshot, "
    "assessed_at, score, computed_level, level, compromission, overridden, complete, reassess_by, "
    "answers_ct, result_ct, confirmed_by, confirmed_at",
    "actions": "id, case_id, org_id, assessment_id, action, sector, label, mandatory, due, status, "
    "proposed_by, created_at, updated_at, updated_by, version",
    "action_history": "id, action_id, at, by, status, note_ct",
    "key_grants": "scope, holder, wrapped, basis, granted_at, granted_by",
}
Batch = dict[str, list[tuple[Any, ...]]]


def new_store(url: str) -> tuple[str, str, bytes]:
    """An empty store at ``url``: its organisation id, the user id and the organisation's public key."""
    from sqlalchemy import select

    from csvc_core.store import KdfParams, init_store
    from csvc_core.store.schema import organisations, users

    store = init_store(
        url,
        org="Maison banc d'essai",
        sector="shelter",
        user="alice",
        passphrase=PASSPHRASE,
        kdf=KdfParams(time_cost=2, memory_cost=19456, parallelism=1),
        csvc=Csvc.load(),
    )
    with store.engine.connect() as connection:
        user = connection.execute(select(users)).one()
        org = connection.execute(select(organisations)).one()
    store.close()
    return org.id, user.id, bytes(org.public_key)


def generate(
    org_id: str, user_id: str, org_public: bytes, cases: int, per_case: int, first: list[str]
) -> Iterator[tuple[str, tuple[Any, ...] | Batch]]:
    """The snapshot row, then batches of rows (each case with its own key, granted to the organisation);
    ``first`` receives the first case's id."""
    from csvc_core.framework import Csvc
    from csvc_core.instruments import instrument_to_json
    from csvc_core.jsonio import answers_to_json
    from csvc_core.store import keyring
    from csvc_core.store.crypto import new_data_key, new_id, seal_field, seal_to

    csvc = Csvc.load()
    items = [item.id for item in csvc.instrument("csvc-grid").items if item.type == "yes_no"]
    results = [
        csvc.assess(
            "csvc-grid",
            {
                "assessed_at": "2026-03-01T10:00:00-05:00",
                "answers": {**dict.fromkeys(items, "no"), **pattern},
            },
            sector="shelter",
        )
        for pattern in PATTERNS
    ]
    instrument = results[0].instrument
    definition = json.dumps(
        instrument_to_json(instrument), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    digest = hashlib.sha256(definition.encode()).hexdigest()
    yield "snapshot", (digest, "csvc-grid", instrument.version, definition)
    rng = random.Random(4)  # synthetic data only
    now = datetime.now(UTC).replace(tzinfo=None)
    batch: Batch = {table: [] for table in COLUMNS}
    for number in range(cases):
        case_id = new_id()
        if not first:
            first.append(case_id)
        key, scope, holder = new_data_key(), keyring.of_case(case_id), keyring.of_org(org_id)
        wrapped = seal_to(org_public, key, keyring.grant_aad(scope, holder))
        batch["key_grants"].append((scope, holder, wrapped, "owner", now, user_id))
        created = when = now - timedelta(days=rng.uniform(30, 900))
        for index in range(per_case):
            when = when + timedelta(days=rng.uniform(1, 40))
            result = results[rng.randrange(len(results))]
            assessment_id = new_id()
            reassess = when + (result.reassess_by - result.assessed_at) if result.reassess_by else None
            batch["assessments"].append(
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
                    seal_field(
                        key,
                        json.dumps(answers_to_json(result.input), ensure_ascii=False, sort_keys=True),
                        f"assessments.answers_ct:{assessment_id}",
                    ),
                    seal_field(
                        key,
                        json.dumps(result.to_json(), ensure_ascii=False, sort_keys=True),
                        f"assessments.result_ct:{assessment_id}",
                    ),
                    user_id,
                    when,
                )
            )
            for action in result.actions:
                action_id = new_id()
                due = when + (action.due - result.assessed_at) if action.due else None
                label = json.dumps({"fr": action.label.fr, "en": action.label.en}) if action.label else None
                status = "open" if index == per_case - 1 else "done"
                batch["actions"].append(
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
                        user_id,
                        1,
                    )
                )
                batch["action_history"].append((new_id(), action_id, when, user_id, "open", None))
        sealed = seal_field(key, f"Dossier synthétique {number:06d}", f"cases.label_ct:{case_id}")
        batch["cases"].append(
            (
                case_id,
                org_id,
                sealed,
                "open",
                created,
                user_id,
                None,
                None,
                None,
                result.compromission,
                reassess,
                1,
            )
        )
        if len(batch["assessments"]) >= 20000 or number == cases - 1:
            yield "batch", batch
            batch = {table: [] for table in COLUMNS}


def build_sqlite(path: Path, cases: int, per_case: int) -> tuple[str, str]:
    url = f"sqlite:///{path}"
    org_id, user_id, org_public = new_store(url)
    first: list[str] = []
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA synchronous = NORMAL")  # the bulk build only; the store itself runs with FULL
    for kind, rows in generate(org_id, user_id, org_public, cases, per_case, first):
        db.execute("BEGIN")
        if kind == "snapshot":
            db.execute("INSERT INTO instrument_snapshots VALUES (?, ?, ?, ?)", rows)
        else:
            assert isinstance(rows, dict)
            for table in ("key_grants", "cases", "assessments", "actions", "action_history"):
                marks = ", ".join("?" * len(COLUMNS[table].split(", ")))
                db.executemany(f"INSERT INTO {table} ({COLUMNS[table]}) VALUES ({marks})", rows[table])
        db.execute("COMMIT")
    db.execute("ANALYZE")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return url, first[0]


def build_postgres(url: str, cases: int, per_case: int) -> str:
    import psycopg

    org_id, user_id, org_public = new_store(url)
    first: list[str] = []
    with psycopg.connect(_libpq(url)) as db:
        for kind, rows in generate(org_id, user_id, org_public, cases, per_case, first):
            with db.cursor() as cursor:
                if kind == "snapshot":
                    cursor.execute("INSERT INTO instrument_snapshots VALUES (%s, %s, %s, %s)", rows)
                else:
                    assert isinstance(rows, dict)
                    for table in ("key_grants", "cases", "assessments", "actions", "action_history"):
                        with cursor.copy(f"COPY {table} ({COLUMNS[table]}) FROM STDIN") as copy:
                            for row in rows[table]:
                                copy.write_row(row)
            db.commit()
        db.execute("ANALYZE")
    return first[0]


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def raw_queries(
    execute: Callable[[str, tuple[Any, ...]], list[Any]], mark: str, org_id: str, case_id: str
) -> dict[str, Callable[[], object]]:
    """The same reads in plain SQL on a plain driver connection (no decryption, no audit, no commit)."""

    def sql(text: str) -> str:
        return text.replace("?", mark)

    now = datetime.now(UTC).replace(tzinfo=None)
    return {
        "case list": lambda: execute(
            sql(
                "SELECT id, label_ct, status, compromission, reassess_by, created_at, version FROM cases "
                "WHERE org_id = ? AND status = ? ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?"
            ),
            (org_id, "open", 50, 0),
        ),
        "follow-up queue": lambda: execute(
            sql(
                "SELECT id, reassess_by, compromission, reassess_by <= ? FROM cases "
                "WHERE org_id = ? AND status = ? "
                "AND reassess_by IS NOT NULL ORDER BY reassess_by, compromission DESC, id LIMIT ?"
            ),
            (now, org_id, "open", 50),
        ),
        "one case": lambda: (
            execute(sql("SELECT * FROM cases WHERE id = ? AND org_id = ?"), (case_id, org_id)),
            execute(sql("SELECT * FROM assessments WHERE case_id = ? ORDER BY assessed_at DESC"), (case_id,)),
            execute(sql("SELECT * FROM actions WHERE case_id = ?"), (case_id,)),
        ),
    }


def peak_mib(action: Callable[[], object]) -> float:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def measure(
    backend: str,
    url: str,
    case_id: str,
    raw: Callable[[str], dict[str, Callable[[], object]]],
    repeats: int,
    notes: dict[str, float | str],
) -> list[Measure]:
    from csvc_core.store import open_store

    store = open_store(url, csvc=Csvc.load())
    session = store.unlock("alice", PASSPHRASE)
    try:
        ours: dict[str, Callable[[], Any]] = {
            "case list": lambda: session.run(cases.list_cases, limit=50, reveal=True),
            "follow-up queue": lambda: session.run(followup.followup, limit=50),
            "one case": lambda: session.run(casefile.case_detail, case_id),
        }
        assert len(ours["one case"]().assessments) >= 1
        baseline_queries = raw(session.actor.org_id)
        measures = []
        for name, action in ours.items():
            action()
            baseline_queries[name]()
            value = median_seconds(action, repeats) * 1000
            baseline = median_seconds(baseline_queries[name], repeats) * 1000
            measures.append(
                Measure(
                    name=f"store {backend}: {name} (median)",
                    value=value,
                    unit="ms",
                    baseline_name="raw SQL",
                    baseline=baseline,
                    goal=f"<= {GOAL_MS:.0f} ms",
                    met=value <= GOAL_MS,
                    notes=notes,
                )
            )
        peak = max(peak_mib(action) for action in ours.values())
        raw_peak = max(peak_mib(action) for action in baseline_queries.values())
        measures.append(
            Measure(
                name=f"store {backend}: peak memory of those calls",
                value=peak,
                unit="MiB",
                baseline_name="raw SQL",
                baseline=raw_peak,
                goal=f"<= {GOAL_PEAK_MIB:.0f} MiB",
                met=peak <= GOAL_PEAK_MIB,
            )
        )
        return measures
    finally:
        session.lock()
        store.close()


def run_sqlite(cases: int, per_case: int, repeats: int) -> list[Measure]:
    folder = Path(tempfile.mkdtemp(prefix="csvc-bench-store-"))
    try:
        started = time.perf_counter()
        path = folder / "bench.db"
        url, case_id = build_sqlite(path, cases, per_case)
        notes: dict[str, float | str] = {
            "cases": cases,
            "assessments": cases * per_case,
            "file MiB": round(path.stat().st_size / 2**20, 1),
            "build s": round(time.perf_counter() - started, 1),
        }
        db = sqlite3.connect(path)

        def raw(org_id: str) -> dict[str, Callable[[], object]]:
            return raw_queries(lambda text, params: db.execute(text, params).fetchall(), "?", org_id, case_id)

        try:
            return measure("sqlite", url, case_id, raw, repeats, notes)
        finally:
            db.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def bench_database(server: str) -> Iterator[str]:
    """A fresh database on ``server`` for one bench store (its URL), dropped afterwards; the store's audit key
    and anchor go to a temporary folder meanwhile."""
    import psycopg

    folder = Path(tempfile.mkdtemp(prefix="csvc-bench-pg-"))  # the audit key and anchor of the bench store
    saved = {name: os.environ.get(name) for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME")}
    os.environ.update(XDG_CONFIG_HOME=str(folder / "config"), XDG_DATA_HOME=str(folder / "data"))
    name = f"csvc_bench_{secrets.token_hex(4)}"
    with psycopg.connect(_libpq(server), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = server.rsplit("/", 1)[0] + "/" + name
    try:
        yield url
    finally:
        with psycopg.connect(_libpq(server), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(folder, ignore_errors=True)


def run_postgres(server: str, cases: int, per_case: int, repeats: int) -> list[Measure]:
    import psycopg

    with bench_database(server) as url:
        started = time.perf_counter()
        case_id = build_postgres(url, cases, per_case)
        notes: dict[str, float | str] = {
            "cases": cases,
            "assessments": cases * per_case,
            "build s": round(time.perf_counter() - started, 1),
        }
        with psycopg.connect(_libpq(url), autocommit=True) as db:

            def raw(org_id: str) -> dict[str, Callable[[], object]]:
                return raw_queries(
                    lambda text, params: db.execute(text, params).fetchall(), "%s", org_id, case_id
                )

            return measure("postgresql", url, case_id, raw, repeats, notes)


SESSIONS = (1, 4, 16)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def in_parallel(
    count: int, make: Callable[[], tuple[dict[str, Callable[[], object]], Callable[[], None]]], calls: int
) -> tuple[dict[str, list[float]], float]:
    """``count`` threads, each with its own session (``make``: its reads and how to close it), each doing
    ``calls`` rounds of every read; returns each read's times (ms) and the reads per second of the whole."""
    import threading

    ready = threading.Barrier(count + 1)
    times: dict[str, list[float]] = {}
    lock = threading.Lock()
    failures: list[BaseException] = []

    def worker() -> None:
        reads, close = make()
        try:
            for action in reads.values():
                action()  # warm
            ready.wait()
            mine: dict[str, list[float]] = {name: [] for name in reads}
            for _ in range(calls):
                for name, action in reads.items():
                    start = time.perf_counter()
                    action()
                    mine[name].append((time.perf_counter() - start) * 1000)
            with lock:
                for name, values in mine.items():
                    times.setdefault(name, []).extend(values)
        except BaseException as exc:  # reported by the caller
            failures.append(exc)
            ready.abort()
        finally:
            close()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    ready.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise failures[0]
    total = sum(len(values) for values in times.values())
    return times, total / elapsed


def concurrent_reads(url: str, case_id: str, calls: int) -> list[Measure]:
    """Case list, follow-up queue and one case, by 1, 4 and 16 sessions at once (threads, each with its own
    store connection and unlocked session), beside the same reads in raw SQL on as many plain connections."""
    import psycopg

    from csvc_core.store import open_store

    def ours() -> tuple[dict[str, Callable[[], object]], Callable[[], None]]:
        store = open_store(url, csvc=Csvc.load())
        session = store.unlock("alice", PASSPHRASE)

        def close() -> None:
            session.lock()
            store.close()

        reads: dict[str, Callable[[], object]] = {
            "case list": lambda: session.run(cases.list_cases, limit=50, reveal=True),
            "follow-up queue": lambda: session.run(followup.followup, limit=50),
            "one case": lambda: session.run(casefile.case_detail, case_id),
        }
        return reads, close

    with psycopg.connect(_libpq(url)) as probe:
        org_id = probe.execute("SELECT org_id FROM cases WHERE id = %s", (case_id,)).fetchone()[0]  # type: ignore[index]

    def raw() -> tuple[dict[str, Callable[[], object]], Callable[[], None]]:
        db = psycopg.connect(_libpq(url), autocommit=True)
        reads = raw_queries(lambda text, params: db.execute(text, params).fetchall(), "%s", org_id, case_id)
        return reads, db.close

    measures: list[Measure] = []
    rates: dict[int, tuple[float, float]] = {}
    for count in SESSIONS:
        times, rate = in_parallel(count, ours, calls)
        raw_times, raw_rate = in_parallel(count, raw, calls)
        rates[count] = (rate, raw_rate)
        sessions = f"{count} session{'s' if count > 1 else ''}"
        for name, values in times.items():
            for label, share in (("median", 0.5), ("p95", 0.95)):
                measures.append(
                    Measure(
                        name=f"store postgresql, {sessions}: {name} ({label})",
                        value=percentile(values, share),
                        unit="ms",
                        baseline_name="raw SQL",
                        baseline=percentile(raw_times[name], share),
                        goal="-",
                        met=None,
                    )
                )
        measures.append(
            Measure(
                name=f"store postgresql, {sessions}: reads per second",
                value=rate,
                unit="reads/s",
                baseline_name="raw SQL",
                baseline=raw_rate,
                goal="-",
                met=None,
            )
        )
    first, last = rates[SESSIONS[0]], rates[SESSIONS[-1]]
    measures.append(
        Measure(
            name=f"store postgresql: reads per second, {SESSIONS[-1]} sessions over {SESSIONS[0]} session",
            value=last[0] / first[0],
            unit="x",
            baseline_name="raw SQL",
            baseline=last[1] / first[1],
            goal="> 1 (reads run side by side)",
            met=last[0] / first[0] > 1,
            notes={"calls per session and read": calls},
        )
    )
    return measures


def run_postgres_concurrent(server: str, cases: int, per_case: int, calls: int) -> list[Measure]:
    with bench_database(server) as url:
        case_id = build_postgres(url, cases, per_case)
        return concurrent_reads(url, case_id, calls)


@contextlib.contextmanager
def postgres_server() -> Iterator[str | None]:
    """``$CSVC_BENCH_POSTGRES``, else the throw-away server the tests start (None without its binaries)."""
    given = os.environ.get(ENV_POSTGRES)
    if given:
        yield given
        return
    import pytest

    from tests.support.postgres import PostgresServer

    try:
        server = PostgresServer.start(durable=True)  # measures pay real commits
    except pytest.skip.Exception as exc:
        print(f"bench store: no PostgreSQL measures ({exc})", file=sys.stderr)
        yield None
        return
    try:
        yield server.admin_url
    finally:
        server.stop()


def run(quick: bool) -> list[Measure]:
    cases, per_case, repeats = (200, 5, 3) if quick else (int(os.environ.get(ENV_CASES, 100_000)), 5, 31)
    calls = 4 if quick else 40
    measures = run_sqlite(cases, per_case, repeats)
    with postgres_server() as server:
        if server:
            measures += run_postgres(server, cases, per_case, repeats)
            measures += run_postgres_concurrent(server, cases, per_case, calls)
    return measures
