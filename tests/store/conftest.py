"""Fixtures of the store tests: an isolated environment, a real SQLite file, a real PostgreSQL server
(tests/support)."""

from tests.support.environment import isolated_environment  # noqa: F401 - fixtures
from tests.support.partnership import world  # noqa: F401
from tests.support.stores import (  # noqa: F401
    pg_server,
    postgres_url,
    session,
    sqlite_session,
    sqlite_store,
    sqlite_url,
    store,
    store_url,
)
