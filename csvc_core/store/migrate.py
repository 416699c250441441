"""Schema migrations (Alembic, in ``csvc_core/store/migrations``): run at init, checked at every open."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

#: the newest revision in ``migrations/versions`` (a test keeps the two in step).
SCHEMA_HEAD = "0011"


def alembic_config(connection: Connection) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "csvc_core.store:migrations")
    config.attributes["connection"] = connection
    return config


def upgrade(connection: Connection) -> None:
    """Bring the schema to the newest revision, inside the caller's transaction."""
    from alembic import command

    command.upgrade(alembic_config(connection), "head")


def known_revisions() -> frozenset[str]:
    """The revisions this csvc knows: its migration files are named after them (``0002_partnership.py``)."""
    versions = Path(__file__).with_name("migrations") / "versions"
    return frozenset(path.name.split("_", 1)[0] for path in versions.glob("[0-9]*_*.py"))


def current_revision(connection: Connection) -> str | None:
    """The revision recorded in the store, or None when it holds no csvc schema."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    value = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return str(value) if value is not None else None


def holds_store(connection: Connection) -> bool:
    """Whether a store was created here: a schema alone (e.g. a database cloned from a migrated template)
    holds none yet, and ``init`` may create one in it."""
    if current_revision(connection) is None:
        return False
    if not inspect(connection).has_table("store_meta"):
        return True  # a schema older than any csvc knows, or another program's: never written over
    return connection.execute(text("SELECT 1 FROM store_meta WHERE key = 'store_id'")).first() is not None
