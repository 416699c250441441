"""Who may do what, in one place: roles, permissions and which cases a user sees.

A user sees the cases of their own organisation. The sharing issue (referral, consent, art. 60.4) extends
:func:`case_scope` and :func:`visible_case` here, and nowhere else: every query of the store goes
through them.
"""

from __future__ import annotations

import attrs
from sqlalchemy import ColumnElement, Connection, Row, select

from csvc_core.errors import OperationFailed
from csvc_core.store.schema import cases

ROLES = ("worker", "repondant", "coordinator", "admin")
_EVERYONE = frozenset(ROLES)
_SUPERVISORS = frozenset({"repondant", "coordinator", "admin"})
#: permission -> roles that hold it.
PERMISSIONS: dict[str, frozenset[str]] = {
    "case.read": _EVERYONE,
    "case.write": _EVERYONE,
    "case.close": _SUPERVISORS,
    "assessment.close": _SUPERVISORS,
    "store.purge": frozenset({"coordinator", "admin"}),
    "store.backup": frozenset({"coordinator", "admin"}),
    "user.manage": frozenset({"admin"}),
}


@attrs.frozen
class Actor:
    """The user on whose behalf the store acts (every write names one)."""

    user_id: str
    name: str
    org_id: str
    org_name: str
    sector: str
    role: str


class AccessDenied(OperationFailed):
    """The acting user may not do this, or may not see this case (the message never says which)."""


def may(actor: Actor, permission: str) -> bool:
    return actor.role in PERMISSIONS[permission]


def require(actor: Actor, permission: str) -> None:
    if not may(actor, permission):
        roles = ", ".join(sorted(PERMISSIONS[permission]))
        raise AccessDenied(f"user {actor.name!r} ({actor.role}) may not {permission} (roles: {roles})")


def case_scope(actor: Actor) -> ColumnElement[bool]:
    """The condition on ``cases`` that selects the cases ``actor`` may see."""
    return cases.c.org_id == actor.org_id


def visible_case(connection: Connection, actor: Actor, case_id: str) -> Row:
    """The case row, or :class:`AccessDenied` when it does not exist or ``actor`` may not see it."""
    row = connection.execute(select(cases).where(cases.c.id == case_id, case_scope(actor))).first()
    if row is None:
        raise AccessDenied(f"case {case_id!r} not found, or not visible to user {actor.name!r}")
    return row
