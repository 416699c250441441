"""The suite's PostgreSQL server: throw-away settings, and databases copied from a migrated template."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import create_engine

from csvc_core.errors import OperationFailed
from csvc_core.store import init_store, migrate, open_store
from tests.support.constants import FAST_KDF, PASSPHRASE
from tests.support.postgres import PostgresServer

pytestmark = pytest.mark.postgres


def test_the_server_skips_what_only_protects_data_kept_after_a_crash(pg_server: PostgresServer) -> None:
    with psycopg.connect(f"host=127.0.0.1 port={pg_server.port} user=postgres dbname=postgres") as connection:
        settings = {
            name: connection.execute(f"SHOW {name}").fetchone()[0]  # type: ignore[index]
            for name in ("fsync", "synchronous_commit", "full_page_writes")
        }
    assert settings == {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}


def test_a_new_database_holds_the_schema_and_init_creates_the_store_in_it(postgres_url: str) -> None:
    engine = create_engine(postgres_url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as connection:
            assert migrate.current_revision(connection) == migrate.SCHEMA_HEAD
            assert not migrate.holds_store(connection)
    finally:
        engine.dispose()
    created = init_store(
        postgres_url, org="Maison Aurore", sector="shelter", user="alice", passphrase=PASSPHRASE, kdf=FAST_KDF
    )
    created.close()
    with open_store(postgres_url) as opened, opened.unlock("alice", PASSPHRASE) as session:
        assert (session.actor.name, session.actor.org_name) == ("alice", "Maison Aurore")
    with pytest.raises(OperationFailed) as refused:
        init_store(
            postgres_url, org="Autre", sector="shelter", user="bob", passphrase=PASSPHRASE, kdf=FAST_KDF
        )
    assert refused.value.key == "error.store.holds_store"
