"""Fixtures of the store tests: an isolated environment, a real SQLite file, a real PostgreSQL server."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from csvc_core.store import KdfParams, Store, StoreSession, init_store

from .postgres import PostgresServer

#: the ASVS minimum argon2id cost, to keep the suite fast (the CLI always uses argon2-cffi's defaults).
FAST_KDF = KdfParams(time_cost=2, memory_cost=19456, parallelism=1)
PASSPHRASE = "une phrase de passe assez longue"
CANARY = "Zéphyrine Canaripoulos"


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No store setting of the person running the tests leaks in; user folders point into tmp_path."""
    for name in ("CSVC_STORE", "CSVC_USER", "CSVC_PASSPHRASE", "CSVC_AUDIT_KEY", "CSVC_NEW_PASSPHRASE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))


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


def _init(url: str) -> Store:
    return init_store(
        url, org="Maison Aurore", sector="shelter", user="alice", passphrase=PASSPHRASE, kdf=FAST_KDF
    )


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    created = _init(store_url)
    yield created
    created.close()


@pytest.fixture
def session(store: Store) -> Iterator[StoreSession]:
    opened = store.unlock("alice", PASSPHRASE)
    yield opened
    opened.lock()


@pytest.fixture
def sqlite_store(sqlite_url: str) -> Iterator[Store]:
    created = _init(sqlite_url)
    yield created
    created.close()


@pytest.fixture
def sqlite_session(sqlite_store: Store) -> Iterator[StoreSession]:
    opened = sqlite_store.unlock("alice", PASSPHRASE)
    yield opened
    opened.lock()


def grid(**answers: str) -> dict[str, Any]:
    """A csvc-grid answers object; items left out are unknown."""
    return {"assessed_at": "2026-03-01T10:00:00-05:00", "answers": answers}


def full_grid(**answers: str) -> dict[str, Any]:
    """A complete csvc-grid answers object: every item "no" except those given."""
    from csvc_core.framework import Csvc

    items = [item.id for item in Csvc.load().instrument("csvc-grid").items if item.type == "yes_no"]
    return grid(**{**dict.fromkeys(items, "no"), **answers})


def run_csvc(
    *args: str, env: dict[str, str] | None = None, stdin: str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """The real command line, in a subprocess."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "csvc_core", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
    )
