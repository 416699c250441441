"""Drafts: answers being typed, kept encrypted so that nothing is lost on lock, crash or quit.

A draft belongs to one user, one case and one key (the TUI uses ``instrument:protagonist``). Its content is
JSON sealed under its author's own key (:data:`csvc_core.store.keyring.SELF`, AES-GCM, bound to
``drafts.content_ct:<id>``): nobody else can open it. Drafts are working
copies, not records: saving one replaces the previous content; confirming the assessment discards it. Each
save, read and discard is an audit entry (ids only).

A step of a concertation request is drafted under the key ``concertation:<request id>`` of the request's
case, by anyone who may read the request (the cell's coordinator, a partner owning an action of its plan),
though the case is another organisation's: the draft is filed under her own organisation, and stays hers.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import delete, insert, select, update

from csvc_core.errors import BadInput
from csvc_core.store.access import AccessDenied, require, visible_case
from csvc_core.store.context import Tx
from csvc_core.store.crypto import new_id
from csvc_core.store.keyring import SELF
from csvc_core.store.schema import drafts

MAX_KEY = 200
#: the key of a concertation step's draft, before the request's id.
CONCERTATION_DRAFT = "concertation:"


def _owner(tx: Tx, case_id: str, key: str) -> str:
    """The organisation a draft ``key`` of ``case_id`` is filed under, once this user may keep it there: the
    case's own, or for a concertation step hers (:class:`AccessDenied` otherwise, as for a hidden case)."""
    if key.startswith(CONCERTATION_DRAFT):
        from csvc_core.store.concertation_rows import case_of

        if case_of(tx, key.removeprefix(CONCERTATION_DRAFT)) != case_id:
            raise AccessDenied(key="error.store.case_not_visible", case=case_id, user=tx.actor.name)
        return tx.actor.org_id
    return str(visible_case(tx.connection, tx.actor, case_id).org_id)


def _where(tx: Tx, case_id: str, key: str) -> Any:
    return (drafts.c.user_id == tx.actor.user_id) & (drafts.c.case_id == case_id) & (drafts.c.key == key)


def _content(tx: Tx, row: Any) -> dict[str, Any]:
    return cast(dict[str, Any], tx.unseal_json(row.content_ct, drafts.c.content_ct, row.id, scope=SELF))


def save_draft(tx: Tx, case_id: str, key: str, content: dict[str, Any]) -> str:
    """Create or replace this user's draft ``key`` of ``case_id``; returns the draft id."""
    tx.require_writable()
    require(tx.actor, "case.write")
    if not key or len(key) > MAX_KEY:
        raise BadInput(key="error.store.draft_key", max=MAX_KEY, length=len(key))
    org_id = _owner(tx, case_id, key)
    found = tx.connection.execute(select(drafts.c.id).where(_where(tx, case_id, key))).scalar()
    draft_id = found or new_id()
    sealed = tx.seal_json(content, drafts.c.content_ct, draft_id, scope=SELF)
    if found is None:
        tx.connection.execute(
            insert(drafts).values(
                id=draft_id,
                case_id=case_id,
                org_id=org_id,
                user_id=tx.actor.user_id,
                key=key,
                content_ct=sealed,
                updated_at=tx.now,
            )
        )
    else:
        tx.connection.execute(
            update(drafts).where(drafts.c.id == draft_id).values(content_ct=sealed, updated_at=tx.now)
        )
    tx.audit("draft.save", case_id, draft=draft_id)
    return draft_id


def read_draft(tx: Tx, case_id: str, key: str) -> dict[str, Any] | None:
    """This user's draft ``key`` of ``case_id``, or None."""
    require(tx.actor, "case.read")
    _owner(tx, case_id, key)
    query = select(drafts.c.id, drafts.c.content_ct).where(_where(tx, case_id, key))
    row = tx.connection.execute(query).first()
    if row is None:
        return None
    tx.audit("draft.read", case_id, draft=row.id)
    return _content(tx, row)


def case_drafts(tx: Tx, case_id: str) -> list[dict[str, Any]]:
    """Every draft of this user for ``case_id``, oldest first."""
    require(tx.actor, "case.read")
    visible_case(tx.connection, tx.actor, case_id)
    rows = tx.connection.execute(
        select(drafts.c.id, drafts.c.content_ct)
        .where(drafts.c.user_id == tx.actor.user_id, drafts.c.case_id == case_id)
        .order_by(drafts.c.updated_at, drafts.c.id)
    ).all()
    if rows:
        tx.audit("draft.read", case_id, drafts=[row.id for row in rows])
    return [_content(tx, row) for row in rows]


def discard_draft(tx: Tx, case_id: str, key: str) -> bool:
    """Delete this user's draft ``key`` of ``case_id``; False when there was none."""
    tx.require_writable()
    _owner(tx, case_id, key)
    draft_id = tx.connection.execute(select(drafts.c.id).where(_where(tx, case_id, key))).scalar()
    if draft_id is None:
        return False
    tx.connection.execute(delete(drafts).where(drafts.c.id == draft_id))
    tx.audit("draft.discard", case_id, draft=draft_id)
    return True
