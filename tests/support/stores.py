"""Store factories and fixtures: a real SQLite file, a real PostgreSQL database, or both for the same test;
a shelter and a police service side by side; answers objects and filled cases."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from csvc_core.framework import Csvc
from csvc_core.store import Contact, Store, StoreSession, cases, followup, init_store
from csvc_core.store.schema import audit_log
from tests.support.constants import CANARY, FAST_KDF, PASSPHRASE
from tests.support.postgres import PostgresServer


def new_store(url: str) -> Store:
    """A new store at ``url``: Maison Aurore, a shelter, administered by alice."""
    return init_store(
        url,
        org="Maison Aurore",
        sector="shelter",
        user="alice",
        passphrase=PASSPHRASE,
        kdf=FAST_KDF,
        csvc=Csvc.load(),
    )


def grid(**answers: str) -> dict[str, Any]:
    """A csvc-grid answers object; items left out are unknown."""
    return {"assessed_at": "2026-03-01T10:00:00-05:00", "answers": answers}


def full_grid(**answers: str) -> dict[str, Any]:
    """A complete csvc-grid answers object: every item "no" except those given."""
    from csvc_core.framework import Csvc

    items = [item.id for item in Csvc.load().instrument("csvc-grid").items if item.type == "yes_no"]
    return grid(**{**dict.fromkeys(items, "no"), **answers})


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store' / 'csvc.db'}"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """A real PostgreSQL server for the whole session (skipped without binaries, never under CI=true)."""
    server = PostgresServer.start()
    yield server
    server.stop()


@pytest.fixture
def postgres_url(pg_server: PostgresServer) -> str:
    """A fresh database on the session's server: csvc's schema, no store yet."""
    return pg_server.new_database()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest) -> str:
    """The same test on a real SQLite file and on a real PostgreSQL database."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(name))


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    created = new_store(store_url)
    yield created
    created.close()


@pytest.fixture
def session(store: Store) -> Iterator[StoreSession]:
    opened = store.unlock("alice", PASSPHRASE)
    yield opened
    opened.lock()


@pytest.fixture
def sqlite_store(sqlite_url: str) -> Iterator[Store]:
    created = new_store(sqlite_url)
    yield created
    created.close()


@pytest.fixture
def sqlite_session(sqlite_store: Store) -> Iterator[StoreSession]:
    opened = sqlite_store.unlock("alice", PASSPHRASE)
    yield opened
    opened.lock()


@pytest.fixture
def store_kinds(request: pytest.FixtureRequest) -> tuple[str, str]:
    """Which engine each store runs on (SQLite both, unless a test parametrizes it indirectly)."""
    return getattr(request, "param", ("sqlite", "sqlite"))


def _url(kind: str, tmp_path: Path, name: str, request: pytest.FixtureRequest) -> str:
    if kind == "postgresql":
        return str(request.getfixturevalue("pg_server").new_database())
    return f"sqlite:///{tmp_path / name / f'{name}.db'}"


@pytest.fixture
def stores(
    tmp_path: Path, store_kinds: tuple[str, str], request: pytest.FixtureRequest
) -> Iterator[tuple[Store, Store]]:
    shelter = new_store(_url(store_kinds[0], tmp_path, "a", request))
    police = init_store(
        _url(store_kinds[1], tmp_path, "b", request),
        org="Police Boréale",
        sector="police",
        user="bruno",
        passphrase=PASSPHRASE,
        kdf=FAST_KDF,
        csvc=Csvc.load(),
    )
    yield shelter, police
    shelter.close()
    police.close()


@pytest.fixture
def sessions(stores: tuple[Store, Store]) -> Iterator[tuple[StoreSession, StoreSession]]:
    a, b = stores[0].unlock("alice", PASSPHRASE), stores[1].unlock("bruno", PASSPHRASE)
    yield a, b
    a.lock()
    b.lock()


def filled_case(session: StoreSession) -> str:
    """A case with a canary in every free-text field: label, name, contact, override reason, notes."""
    case_id = session.run(cases.new_case, CANARY)
    session.run(
        cases.add_protagonist,
        case_id,
        "victim",
        name=CANARY,
        contact=Contact(phone="514 555-0199", address=f"chez {CANARY}", safe_times="9h-11h", notes=CANARY),
        safe_to_call=True,
        partner_knows=False,
    )
    session.assess(
        case_id,
        "csvc-grid",
        {
            "assessed_at": "2026-03-01T10:00:00-05:00",
            "answers": {
                "coercive_control": "yes",
                "homicide_plan": "no",
                "no_way_out": "no",
                "weapon_acquisition": "no",
            },
        },
    )
    stored = session.assess(
        case_id,
        "csvc-grid",
        {
            "assessed_at": "2026-03-02T10:00:00-05:00",
            "answers": {
                "strangulation": "yes",
                "homicide_plan": "no",
                "no_way_out": "no",
                "weapon_acquisition": "no",
            },
            "override": {"level": "imminent", "reason": f"{CANARY} a reçu des menaces"},
            "notes": {"strangulation": f"note {CANARY}"},
        },
    )
    action = next(a for a in stored.actions if a.action == "emergency_concertation")
    session.run(
        followup.set_action_status,
        action.id,
        "done",
        note=f"fait avec {CANARY}",
        expected_version=action.version,
    )
    session.run(cases.record_event, case_id, "separation", note=f"départ de {CANARY}")
    return case_id


def entries(store: Store) -> list:  # type: ignore[type-arg]
    with store.engine.connect() as connection:
        return connection.execute(select(audit_log).order_by(audit_log.c.seq)).all()
