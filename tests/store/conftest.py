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


@pytest.fixture
def store(sqlite_url: str) -> Iterator[Store]:
    created = init_store(
        sqlite_url, org="Maison Aurore", sector="shelter", user="alice", passphrase=PASSPHRASE, kdf=FAST_KDF
    )
    yield created
    created.close()


@pytest.fixture
def session(store: Store) -> Iterator[StoreSession]:
    opened = store.unlock("alice", PASSPHRASE)
    yield opened
    opened.lock()


def grid(**answers: str) -> dict[str, Any]:
    """A csvc-grid answers object (contract §1); items left out are unknown."""
    return {"assessed_at": "2026-03-01T10:00:00-05:00", "answers": answers}


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
