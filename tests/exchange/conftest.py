"""Two real stores (a shelter and a police service) for exchange tests; the store suite's fixtures."""

from tests.support.environment import isolated_environment  # noqa: F401 - fixtures
from tests.support.stores import pg_server, sessions, store_kinds, stores  # noqa: F401
