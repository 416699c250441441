"""The partner organisations as the partnership's store modules need them: found by name, their names for
the reasons shown, the cases the acting organisation owns, and the copies sealed to a recipient.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

import attrs
from sqlalchemy import Row, or_, select

from csvc_core.errors import BadInput, Field, OperationFailed
from csvc_core.sharing.reasons import Reason
from csvc_core.store import keyring
from csvc_core.store.access import visible_case
from csvc_core.store.context import Tx
from csvc_core.store.crypto import open_sealed, seal_json
from csvc_core.store.schema import organisations
from csvc_core.store.sharing_rows import Unseal


def organisation_row(tx: Tx, name: str, field: str) -> Row:
    """The organisation named ``name`` (or with that id), or :class:`BadInput` naming the request's
    ``field``."""
    wanted = name.strip()
    row = tx.connection.execute(
        select(organisations).where(or_(organisations.c.name == wanted, organisations.c.id == wanted))
    ).first()
    if row is None:
        known = ", ".join(
            tx.connection.execute(select(organisations.c.name).order_by(organisations.c.name)).scalars()
        )
        raise BadInput(key="error.store.org_unknown_known", field=Field(field), name=name, known=known)
    return row


def org_names(tx: Tx) -> dict[str, str]:
    return dict(tx.connection.execute(select(organisations.c.id, organisations.c.name)).all())


def owned_case(tx: Tx, case_id: str) -> Row:
    """The case, when the acting user's organisation owns it and she may act on it."""
    tx.require_writable()
    return visible_case(tx.connection, tx.actor, case_id)


def unsealer(tx: Tx, scope: Callable[[Row], str]) -> Unseal:
    """Unseal a row's column (the row's id in its place) under the key ``scope`` names for the row."""
    return lambda row, column: tx.unseal(getattr(row, column.name), column, row.id, scope=scope(row))


def consent_scope(row: Row) -> str:
    """Consents are the case's: under its key."""
    return keyring.of_case(row.case_id)


def records_scope(column: str) -> Callable[[Row], str]:
    """Records of communications are their organisation's: under its records key (kept after a transfer)."""
    return lambda row: keyring.records_of(getattr(row, column))


def recipient_copy(tx: Tx, org_id: str, value: object, where: str) -> bytes:
    """The recipient organisation's copy of what it was sent, sealed to its public key."""
    return seal_json(keyring.public_key_of(tx.connection, keyring.of_org(org_id)), value, where)


def open_copy(tx: Tx, blob: bytes | None, where: str) -> Any:
    """The acting organisation's copy (None when there is none: withdrawn); an altered copy is refused."""
    if blob is None:
        return None
    opened = open_sealed(tx.keys.org_private(tx.connection), blob, where.encode())
    if opened is None:
        raise OperationFailed(key="error.store.field_altered", where=where)
    return json.loads(opened)


def named(tx: Tx, reasons: Iterable[Reason]) -> tuple[Reason, ...]:
    """The reasons with organisation ids replaced by the organisations' names."""
    names = org_names(tx)
    return tuple(
        attrs.evolve(
            item,
            values={
                key: names.get(value, value) if key in ("recipient", "organisation") else value
                for key, value in item.values.items()
            },
        )
        for item in reasons
    )
