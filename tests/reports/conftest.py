"""Real stores for the report and statistics tests (the exchange tests' fixtures)."""

from tests.exchange.conftest import isolated_environment, sessions, stores  # noqa: F401 - fixtures
