"""Who is who across organisations, however the server restricts rows: users' names and cases' owners.

On PostgreSQL a role reads the full rows of its own organisation's users only (:mod:`pg_security`); the
names, organisations and roles of everyone come from the view ``user_directory``, and the owner of a case
given by its id from ``csvc_case_owner`` (what an emergency access needs before it exists). SQLite reads the
tables themselves.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    Connection,
    LargeBinary,
    MetaData,
    String,
    Table,
    func,
    literal,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY

from csvc_core.store.schema import ID, UTCDateTime, cases, users

user_directory = Table(
    "user_directory",
    MetaData(),
    Column("id", ID, primary_key=True),
    Column("org_id", ID),
    Column("name", String(200)),
    Column("role", String(32)),
    Column("active", Boolean),
    Column("created_at", UTCDateTime),
    Column("public_key", LargeBinary),
)


def people(connection: Connection) -> Table:
    """The table to read users' id, organisation, name, role, active flag, creation time, public key from."""
    return user_directory if connection.dialect.name == "postgresql" else users


def user_names(connection: Connection) -> dict[str, str]:
    """Every user's name by id."""
    table = people(connection)
    return {row.id: row.name for row in connection.execute(select(table.c.id, table.c.name))}


def owner_of(connection: Connection, case_id: ColumnElement[str]) -> ColumnElement[str]:
    """The organisation that owns the case ``case_id`` (an id or a column), whoever may read that case."""
    if connection.dialect.name == "postgresql":
        return func.csvc_case_owner(case_id, type_=ID)
    return select(cases.c.org_id).where(cases.c.id == case_id).scalar_subquery()


def case_owner(connection: Connection, case_id: str) -> str | None:
    """The organisation that owns case ``case_id`` (None: no such case)."""
    return connection.execute(select(owner_of(connection, literal(case_id, ID)))).scalar()


def case_owners(connection: Connection, case_ids: Collection[str]) -> dict[str, str]:
    """The organisation that owns each of ``case_ids`` (a case that does not exist is left out), in one
    query."""
    if not case_ids:
        return {}
    if connection.dialect.name == "postgresql":
        ids = func.unnest(literal(sorted(case_ids), ARRAY(ID)), type_=ID).column_valued("id")
        query = select(ids, func.csvc_case_owner(ids, type_=ID))
    else:
        query = select(cases.c.id, cases.c.org_id).where(cases.c.id.in_(sorted(case_ids)))
    return {case_id: owner for case_id, owner in connection.execute(query) if owner is not None}
