"""Export and import as store operations: read or write in one transaction, with its audit entry."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

from csvc_core.errors import BadInput
from csvc_core.exchange.content import case_content
from csvc_core.exchange.importing import import_content
from csvc_core.exchange.keys import ExchangeKey
from csvc_core.exchange.package import open_package, seal
from csvc_core.framework import Csvc
from csvc_core.outputfiles import check_destination, write_beside
from csvc_core.store.context import Tx
from csvc_core.store.schema import organisations

if TYPE_CHECKING:
    from csvc_core.store.session import StoreSession


def export_file(
    session: StoreSession,
    case_id: str,
    destination: Path,
    categories: tuple[str, ...],
    *,
    key: ExchangeKey | None = None,
    passphrase: str | None = None,
) -> str:
    """Write one case as a sealed package at ``destination`` as the session's user (see docs/exchange.md);
    returns the package id. Nothing is left behind when it fails."""
    temporary: Path | None = None
    try:
        with session.transaction() as tx:
            package_id, temporary = export_case(
                tx, session.store.store_id, case_id, destination, categories, key=key, passphrase=passphrase
            )
        os.replace(temporary, destination)
    except BaseException:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise
    return package_id


def import_file(
    session: StoreSession,
    data: bytes,
    name: str,
    *,
    key: ExchangeKey | None = None,
    passphrase: str | None = None,
    lang: str = "fr",
) -> dict[str, Any]:
    """Verify a package, then write what is new of its case in one of the session's transactions, with the
    session's framework; a refusal is audited."""
    try:
        keys = {key.id: key} if key else {}
        header, content = open_package(data, name, keys=keys, passphrase=passphrase)
        with session.transaction() as tx:
            return import_package(tx, session.csvc, header, content, name, lang)
    except BadInput as exc:
        with session.transaction() as tx:
            tx.audit("exchange.import.refused", None, reason=type(exc).__name__)
        raise


def export_case(
    tx: Tx,
    store_id: str,
    case_id: str,
    destination: Path,
    categories: tuple[str, ...],
    *,
    key: ExchangeKey | None,
    passphrase: str | None,
) -> tuple[str, Path]:
    """Seal the case into a private temporary file beside ``destination``: ``(package id, that file)``.

    The caller renames it into place once the transaction (and its audit entry) has committed.
    """
    from sqlalchemy import select

    check_destination(destination)
    content = case_content(tx, case_id, categories)
    org = tx.connection.execute(select(organisations).where(organisations.c.id == tx.actor.org_id)).one()
    package_id = secrets.token_hex(16)
    header = {
        "package_id": package_id,
        "created_at": tx.now.astimezone().isoformat(),
        "sender": {"organisation": org.name, "sector": org.sector, "store": store_id},
    }
    data = seal(content, header, key=key, passphrase=passphrase)
    tx.audit(
        "exchange.export",
        case_id,
        package=package_id,
        categories=list(categories),
        protection="exchange_key" if key is not None else "passphrase",
        key=key.id if key else None,
    )
    return package_id, write_beside(destination, data)


def import_package(
    tx: Tx, csvc: Csvc, header: dict[str, Any], content: dict[str, Any], name: str, lang: str
) -> dict[str, Any]:
    """Write what is new of an opened package, audited with what was added."""
    outcome = import_content(tx, csvc, header, content, name, lang)
    sender = header.get("sender", {})
    tx.audit(
        "exchange.import",
        outcome["case"],
        package=header.get("package_id"),
        sender={"organisation": sender.get("organisation"), "sector": sender.get("sector")},
        categories=content.get("categories"),
        added=outcome["added"],
    )
    return outcome
