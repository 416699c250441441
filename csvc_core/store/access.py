"""Who may do what, in one place: roles, permissions and which cases a user sees.

A user changes the cases her organisation owns (:func:`case_scope`, :func:`visible_case`). Reading goes
further, through the one access decision of :func:`csvc_core.sharing.access.may_see`: a referral in force
gives the whole case to read (:func:`readable_case`); a consent in force, a disclosure or a past ownership
give a part of it, read through :mod:`csvc_core.store.received`. Every read of a case goes through
:func:`case_access`.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import attrs
from sqlalchemy import ColumnElement, Connection, Row, select

from csvc_core.errors import OperationFailed
from csvc_core.i18n import Term
from csvc_core.sharing.access import Access, may_see
from csvc_core.sharing.parties import Actor as Member
from csvc_core.sharing.parties import Organisation as MemberOrganisation
from csvc_core.store.schema import cases
from csvc_core.store.sharing_rows import case_record, case_records

#: roles that work cases (share, disclose, take part in a concertation); "admin" manages the organisation's
#: people and does not work cases, unless she also holds one of these: her stored role is then both, joined
#: by "+" ("worker+admin"), as in a small shelter where the first person is both.
WORKING_ROLES = ("worker", "repondant", "coordinator")
ADMIN = "admin"
ROLES = (*WORKING_ROLES, ADMIN)
#: what a user's stored role may be: one role, or a working role that also administers.
ROLE_CHOICES = (*ROLES, *(f"{role}+{ADMIN}" for role in WORKING_ROLES))
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
    "emergency.review": _SUPERVISORS,
}


@attrs.frozen
class Actor:
    """The user on whose behalf the store acts (every write names one)."""

    user_id: str
    name: str
    org_id: str
    org_name: str
    sector: str
    role: str  # the one role the sharing rules see: her working role, or "admin" alone
    administers: bool = False  # she also manages her organisation's people (a working role and admin)


def stored_role(role: str, administers: bool) -> str:
    """The stored role of someone in ``role`` who also administers, or not: "worker+admin", "admin"..."""
    return f"{role}+{ADMIN}" if administers and role != ADMIN else role


def read_role(stored: str) -> tuple[str, bool]:
    """(the role the sharing rules see, whether she administers) from a stored role."""
    role, _, also = stored.partition("+")
    return role, role == ADMIN or also == ADMIN


def role_term(stored: str) -> Term:
    """A stored role as words in the reader's language ("intervenante + administration")."""
    return Term(tuple(f"role.{part}" for part in stored.split("+")), " + ")


class AccessDenied(OperationFailed):
    """The acting user may not do this, or may not see this case (the message never says which)."""


def may(actor: Actor, permission: str) -> bool:
    allowed = PERMISSIONS[permission]
    return actor.role in allowed or (actor.administers and ADMIN in allowed)


def require(actor: Actor, permission: str) -> None:
    if not may(actor, permission):
        raise AccessDenied(
            key="error.store.not_permitted",
            user=actor.name,
            role=role_term(stored_role(actor.role, actor.administers)),
            permission=permission,
            roles=Term(tuple(f"role.{role}" for role in sorted(PERMISSIONS[permission]))),
        )


def case_scope(actor: Actor) -> ColumnElement[bool]:
    """The condition on ``cases`` that selects the cases ``actor``'s organisation owns."""
    return cases.c.org_id == actor.org_id


def visible_case(connection: Connection, actor: Actor, case_id: str) -> Row:
    """The case row, when ``actor``'s organisation owns it (she may read and change it); else
    :class:`AccessDenied`, whether it does not exist or is not hers."""
    row = connection.execute(select(cases).where(cases.c.id == case_id, case_scope(actor))).first()
    if row is None:
        raise AccessDenied(key="error.store.case_not_visible", case=case_id, user=actor.name)
    return row


def member(actor: Actor) -> Member:
    """The acting user as the sharing rules see her: user id, organisation and sector, role."""
    return Member(actor.user_id, MemberOrganisation(actor.org_id, actor.sector), actor.role)


def supervisor(actor: Actor) -> Member:
    """The acting user as the sharing rules see her when she supervises (reviews an emergency access): one who
    works cases and administers supervises as an administrator."""
    role = ADMIN if actor.administers else actor.role
    return Member(actor.user_id, MemberOrganisation(actor.org_id, actor.sector), role)


def case_access(connection: Connection, actor: Actor, case_id: str, now: datetime) -> Access:
    """The access decision on one case (``may_see``) at ``now`` (the transaction's time); an unknown case is
    refused like a hidden one."""
    record = case_record(connection, case_id)
    if record is None:
        raise AccessDenied(key="error.store.case_not_visible", case=case_id, user=actor.name)
    return may_see(member(actor), record, now)


def case_accesses(
    connection: Connection, actor: Actor, case_ids: Collection[str], now: datetime
) -> dict[str, Access]:
    """:func:`case_access` on each of ``case_ids`` that exists, reading the cases' records at once."""
    return {
        case_id: may_see(member(actor), record, now)
        for case_id, record in case_records(connection, case_ids).items()
    }


def readable_case(connection: Connection, actor: Actor, case_id: str, now: datetime) -> Row:
    """The case row, when ``actor`` may read the whole case (owner or referral in force); else
    :class:`AccessDenied` (a part shared by consent or disclosure is read through the partnership)."""
    access = case_access(connection, actor, case_id, now)
    if not access.full:
        raise AccessDenied(key="error.store.case_not_visible", case=case_id, user=actor.name)
    row = connection.execute(select(cases).where(cases.c.id == case_id)).first()
    if row is None:  # PostgreSQL's row-level security hides it: the acting user is not who she claims
        raise AccessDenied(key="error.store.case_not_visible", case=case_id, user=actor.name)
    return row
