"""Real stores for the report and statistics tests (the exchange tests' fixtures)."""

from tests.exchange.conftest import (  # noqa: F401 - fixtures
    isolated_environment,
    pg_server,
    sessions,
    store_kinds,
    stores,
)
