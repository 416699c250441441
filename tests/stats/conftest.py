"""Real stores for the statistics tests (tests/support/stores.py)."""

from tests.support.environment import isolated_environment  # noqa: F401 - fixtures
from tests.support.stores import pg_server, sessions, store_kinds, stores  # noqa: F401
