"""Emergency (break-glass) access in the store: granted with a reason, audited with the flag
``break_glass`` in the same transaction, and listed for the supervisors of both organisations to review.

The rule itself is :mod:`csvc_core.sharing.emergency`; reading goes through the one access decision
(:func:`csvc_core.store.access.case_access`), which sees the access while it lasts.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, insert, or_, select, update

from csvc_core.errors import OperationFailed
from csvc_core.sharing import emergency
from csvc_core.store.access import case_access, member, require, supervisor
from csvc_core.store.context import Tx
from csvc_core.store.crypto import new_id, open_sealed, seal_to
from csvc_core.store.directory import case_owner, owner_of, user_names
from csvc_core.store.keyring import of_org, public_key_of, records_of
from csvc_core.store.records import EmergencyAlert, iso
from csvc_core.store.schema import emergency_access, organisations
from csvc_core.store.sealed import place
from csvc_core.store.sharing_rows import emergency_of


def break_glass(tx: Tx, case_id: str, why: str) -> dict[str, Any]:
    """Open an emergency access for the acting user to ``case_id``: its id and until when it lasts."""
    tx.require_writable()
    access = case_access(tx.connection, tx.actor, case_id, tx.now)
    access_id = new_id()
    owner = case_owner(tx.connection, case_id)
    assert owner is not None  # case_access refused an unknown case
    granted = emergency.break_glass(
        id=access_id, case=case_id, actor=member(tx.actor), reads_whole_case=access.full, at=tx.now, why=why
    )
    tx.connection.execute(
        insert(emergency_access).values(
            id=access_id,
            case_id=case_id,
            user_id=tx.actor.user_id,
            org_id=tx.actor.org_id,
            at=granted.at,
            until=granted.until,
            reason_ct=tx.seal(
                granted.reason, emergency_access.c.reason_ct, access_id, scope=records_of(tx.actor.org_id)
            ),
            owner_ct=seal_to(
                public_key_of(tx.connection, of_org(owner)),
                granted.reason.encode(),
                place(emergency_access.c.owner_ct, access_id).encode(),
            ),
        )
    )
    tx.audit(
        "case.break_glass",
        case_id,
        break_glass=True,
        access=access_id,
        owner=owner,
        until=granted.until.isoformat(),
        fields=["reason"],
    )
    return {"id": access_id, "case": case_id, "until": iso(granted.until)}


def _reason(tx: Tx, row: Row) -> str:
    """The reason, from the breaker's organisation's records, or from the copy sealed to the case owner."""
    if row.org_id == tx.actor.org_id:
        return tx.unseal(row.reason_ct, emergency_access.c.reason_ct, row.id, scope=records_of(row.org_id))
    where = place(emergency_access.c.owner_ct, row.id).encode()
    opened = open_sealed(tx.keys.org_private(tx.connection), row.owner_ct or b"", where)
    if opened is None:
        raise OperationFailed(key="error.store.field_altered", where=where.decode())
    return opened.decode("utf-8")


def emergency_alerts(tx: Tx, *, pending_only: bool = True) -> list[EmergencyAlert]:
    """The emergency accesses a supervisor must review: to her organisation's cases, or by its users."""
    require(tx.actor, "emergency.review")
    mine = tx.actor.org_id
    owner = owner_of(tx.connection, emergency_access.c.case_id)
    query = select(emergency_access, owner.label("owner_id")).where(
        or_(owner == mine, emergency_access.c.org_id == mine)
    )
    if pending_only:
        query = query.where(emergency_access.c.reviewed_at.is_(None))
    people = user_names(tx.connection)
    orgs = dict(tx.connection.execute(select(organisations.c.id, organisations.c.name)).all())
    found = []
    for row in tx.connection.execute(query.order_by(emergency_access.c.at, emergency_access.c.id)):
        access = emergency_of(row, lambda r, _: _reason(tx, r))
        found.append(
            EmergencyAlert(
                id=access.id,
                case=access.case,
                user=people.get(access.user),
                organisation=orgs.get(access.org),
                owner=orgs.get(row.owner_id),
                at=access.at,
                until=access.until,
                active=access.active(tx.now),
                reason=access.reason,
                reviewed_at=access.reviewed_at,
                reviewed_by=people.get(access.reviewed_by or ""),
            )
        )
    tx.audit("emergency.list", None, accesses=[item.id for item in found])
    return found


def review_emergency(tx: Tx, access_id: str) -> None:
    """A supervisor of either organisation has reviewed the emergency access (recorded, audited)."""
    tx.require_writable()
    require(tx.actor, "emergency.review")
    row = tx.connection.execute(
        select(emergency_access, owner_of(tx.connection, emergency_access.c.case_id).label("owner_id")).where(
            emergency_access.c.id == access_id
        )
    ).first()
    if row is None:
        raise OperationFailed(key="error.store.emergency_not_found", id=access_id)
    reviewed = emergency.review(
        emergency_of(row), supervisor=supervisor(tx.actor), owner=row.owner_id, at=tx.now
    )
    tx.connection.execute(
        update(emergency_access)
        .where(emergency_access.c.id == access_id, emergency_access.c.reviewed_at.is_(None))
        .values(reviewed_at=reviewed.reviewed_at, reviewed_by=tx.actor.user_id)
    )
    tx.audit("case.break_glass_review", row.case_id, access=access_id)
