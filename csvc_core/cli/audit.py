"""``csvc audit verify``: 0 when the audit trail is intact; 1 naming the first bad entry."""

from __future__ import annotations

import click

from csvc_core.cli.common import echo_json, json_option, lang_option
from csvc_core.cli.storeopts import store_option
from csvc_core.errors import OperationFailed
from csvc_core.i18n import t


@click.group()
def audit() -> None:
    """Journal d'audit / Audit trail."""


@audit.command("verify")
@store_option
@json_option
@lang_option
def verify(store_url: str | None, as_json: bool, lang: str) -> None:
    """Vérifier la chaîne du journal / Verify the audit chain (HMAC, sequence, anchor)."""
    from csvc_core.store import open_store

    opened = open_store(store_url, csvc=None)
    try:
        report = opened.verify_audit()
    finally:
        opened.close()
    if as_json:
        echo_json(
            {
                "ok": report.ok,
                "entries": report.entries,
                "first_bad": report.first_bad,
                "problem": report.problem,
                "anchored": report.anchored,
            }
        )
        if not report.ok:
            raise SystemExit(1)
        return
    if not report.ok:
        raise OperationFailed(key="store.audit_bad", problem=report.problem)
    click.echo(t("store.audit_ok", lang, entries=report.entries))
