"""A case's tools (the shelter's safety plan): every save kept, sealed under the case key, with who and when.

Each save appends a version (``seq`` 1, 2, ...) holding the whole content sealed (bound to
``case_tool_versions.content_ct:<id>``) and, in clear, the ids of the fields it changed: the history says
who changed what and when, never the old text. Saving the same content again records nothing. Each save and
read is an audit entry (ids and field ids only).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import attrs
from sqlalchemy import insert, select

from csvc_core.casetools import CaseTool, changed_fields, checked_content, empty_content, known_part
from csvc_core.errors import OperationFailed
from csvc_core.store import keyring
from csvc_core.store.access import require, visible_case
from csvc_core.store.cases import user_names
from csvc_core.store.context import Tx
from csvc_core.store.crypto import new_id
from csvc_core.store.schema import case_tool_versions as versions


@attrs.frozen
class ToolVersion:
    """One save: its number, when, by whom (name) and the ``section.field`` ids it changed."""

    seq: int
    saved_at: datetime
    saved_by: str
    changed: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "saved_at": self.saved_at.isoformat(),
            "saved_by": self.saved_by,
            "changed": list(self.changed),
        }


@attrs.frozen
class ToolRecord:
    """A tool's current content in a case (empty, ``seq`` 0, before its first save) and its history."""

    tool: str
    content: dict[str, Any]
    seq: int
    history: tuple[ToolVersion, ...]

    @property
    def last(self) -> ToolVersion | None:
        return self.history[-1] if self.history else None


def _rows(tx: Tx, case_id: str, tool_id: str) -> list[Any]:
    query = select(versions).where(versions.c.case_id == case_id, versions.c.tool == tool_id)
    return list(tx.connection.execute(query.order_by(versions.c.seq)).all())


def _content(tx: Tx, tool: CaseTool, case_id: str, row: Any) -> dict[str, Any]:
    """A stored content, complete for the tool as it is now."""
    stored = tx.unseal_json(row.content_ct, versions.c.content_ct, row.id, scope=keyring.of_case(case_id))
    return checked_content(tool, known_part(tool, stored), tool.id)


def read_tool(tx: Tx, case_id: str, tool_id: str) -> ToolRecord:
    """The tool's current content in ``case_id`` and who changed what when (audited)."""
    tool = tx.csvc.case_tool(tool_id)
    require(tx.actor, "case.read")
    visible_case(tx.connection, tx.actor, case_id)
    rows = _rows(tx, case_id, tool.id)
    names = user_names(tx, [row.saved_by for row in rows])
    history = tuple(
        ToolVersion(
            row.seq, row.saved_at, names.get(row.saved_by, row.saved_by), tuple(json.loads(row.changed))
        )
        for row in rows
    )
    tx.audit("tool.read", case_id, tool=tool.id, seq=rows[-1].seq if rows else 0)
    if not rows:
        return ToolRecord(tool.id, empty_content(tool), 0, ())
    return ToolRecord(tool.id, _content(tx, tool, case_id, rows[-1]), rows[-1].seq, history)


def save_tool(tx: Tx, case_id: str, tool_id: str, content: Any, *, expected: int | None = None) -> int:
    """Save ``content`` (checked against the tool) as its current content; the new ``seq`` (the same when
    nothing changed).

    ``expected``: the ``seq`` it was edited from; :class:`OperationFailed` if someone saved since.
    """
    tool = tx.csvc.case_tool(tool_id)
    tx.require_writable()
    require(tx.actor, "case.write")
    case = visible_case(tx.connection, tx.actor, case_id)
    if case.status == "closed":
        raise OperationFailed(key="error.tool.case_closed", case=case_id)
    content = checked_content(tool, content, tool.id)
    rows = _rows(tx, case_id, tool.id)
    seq = rows[-1].seq if rows else 0
    if expected is not None and expected != seq:
        raise OperationFailed(key="error.tool.changed_meanwhile", case=case_id)
    before = _content(tx, tool, case_id, rows[-1]) if rows else empty_content(tool)
    changed = changed_fields(before, content)
    if rows and not changed:
        return seq
    version_id = new_id()
    tx.connection.execute(
        insert(versions).values(
            id=version_id,
            case_id=case_id,
            org_id=case.org_id,
            tool=tool.id,
            seq=seq + 1,
            saved_at=tx.now,
            saved_by=tx.actor.user_id,
            changed=json.dumps(changed),
            content_ct=tx.seal_json(
                content, versions.c.content_ct, version_id, scope=keyring.of_case(case_id)
            ),
        )
    )
    tx.audit("tool.save", case_id, tool=tool.id, seq=seq + 1, fields=changed)
    return seq + 1
