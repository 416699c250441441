"""Two real SQLite stores (a shelter and a police service) for exchange tests; the store suite's fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from csvc_core.store import Contact, Store, StoreSession, init_store
from tests.store.conftest import FAST_KDF, PASSPHRASE, isolated_environment, pg_server  # noqa: F401

CANARY = "Zéphyrine Canaripoulos"


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
    shelter = init_store(
        _url(store_kinds[0], tmp_path, "a", request),
        org="Maison Aurore",
        sector="shelter",
        user="alice",
        passphrase=PASSPHRASE,
        kdf=FAST_KDF,
    )
    police = init_store(
        _url(store_kinds[1], tmp_path, "b", request),
        org="Police Boréale",
        sector="police",
        user="bruno",
        passphrase=PASSPHRASE,
        kdf=FAST_KDF,
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
    case_id = session.new_case(CANARY)
    session.add_protagonist(
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
    session.set_action_status(action.id, "done", note=f"fait avec {CANARY}", expected_version=action.version)
    session.record_event(case_id, "separation", note=f"départ de {CANARY}")
    return case_id
