"""``csvc store init|backup|purge|check|upgrade``: create, back up, purge, check and upgrade a store."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from csvc_core.cli.common import echo_json, json_option, lang_option
from csvc_core.cli.storeopts import acting_user, passphrase_for, store_command, store_option, unlocked
from csvc_core.i18n import t
from csvc_core.jsonio import parse_datetime, refuse_future
from csvc_core.store import retention
from csvc_core.store.access import ROLE_CHOICES, read_role


@click.group()
def store() -> None:
    """Dépôt de dossiers / Case store."""


@store.command("init")
@click.option("--org", required=True, help="Name of the organisation that owns the store.")
@click.option("--sector", required=True, help="Sector of the organisation (police, health, shelter, ...).")
@click.option("--user", "user", required=True, help="First user (administrator).")
@click.option(
    "--role",
    default="admin",
    type=click.Choice([choice for choice in ROLE_CHOICES if read_role(choice)[1]]),
    help="Her role: admin, or a role she works cases in and administers too (worker+admin).",
)
@click.option("--retention-days", type=int, default=None, help="Days a closed case is kept before purge.")
@store_option
@json_option
@lang_option
def init(
    org: str,
    sector: str,
    user: str,
    role: str,
    retention_days: int | None,
    store_url: str | None,
    as_json: bool,
    lang: str,
) -> None:
    """Créer un dépôt / Create a store: schema, organisation, first user (admin)."""
    from csvc_core.framework import Csvc
    from csvc_core.store import init_store
    from csvc_core.store.opening import DEFAULT_RETENTION_DAYS

    passphrase = passphrase_for(user, lang, new=True)
    created = init_store(
        store_url,
        csvc=Csvc.load(),
        org=org,
        sector=sector,
        user=user,
        passphrase=passphrase,
        role=role,
        retention_days=retention_days or DEFAULT_RETENTION_DAYS,
    )
    try:
        where = created.location.display
        if as_json:
            echo_json(
                {
                    "store": where,
                    "organisation": org,
                    "sector": sector,
                    "user": user,
                    # PostgreSQL: the server keeps the chain's key; the file is this workstation's anchor key
                    "audit_key": None if created.server_chain else str(created.key_path),
                    "anchor_key": str(created.key_path) if created.server_chain else None,
                }
            )
        else:
            message = "store.created_server" if created.server_chain else "store.created"
            click.echo(t(message, lang, store=where, org=org, user=user, keyfile=created.key_path))
    finally:
        created.close()


@store.command("backup")
@click.argument("destination", type=click.Path(path_type=Path))
@store_command
@lang_option
def backup(destination: Path, store_url: str | None, user_name: str | None, lang: str) -> None:
    """Copie cohérente du dépôt SQLite / Consistent copy of an SQLite store (VACUUM INTO)."""
    with unlocked(store_url, user_name, lang) as session:
        written = retention.backup(session, destination)
    click.echo(t("store.backup_done", lang, path=written))


@store.command("upgrade")
@store_command
@json_option
@lang_option
def upgrade(store_url: str | None, user_name: str | None, as_json: bool, lang: str) -> None:
    """Mettre le dépôt à niveau / Upgrade a store made by an older csvc (administrator; copied first)."""
    from csvc_core.store.upgrading import upgrade_store

    name = acting_user(user_name)
    report = upgrade_store(store_url, name, passphrase_for(name, lang))
    if as_json:
        copy = None if report.backup is None else str(report.backup)
        echo_json({"before": report.before, "after": report.after, "copy": copy})
    elif not report.changed:
        click.echo(t("store.up_to_date", lang, head=report.after))
    elif report.backup is None:
        click.echo(t("store.upgraded_server", lang, before=report.before, after=report.after))
    else:
        click.echo(t("store.upgraded", lang, before=report.before, after=report.after, backup=report.backup))


@store.command("purge")
@click.option("--now", "now_text", default=None, help="Purge as of this ISO 8601 time (default: now).")
@store_command
@json_option
@lang_option
def purge(
    now_text: str | None, store_url: str | None, user_name: str | None, as_json: bool, lang: str
) -> None:
    """Détruire les dossiers fermés échus / Purge closed cases past their retention period.

    ``--now`` may look back, never ahead: a later date would destroy cases before their period ends."""
    now: datetime | None = parse_datetime(now_text, "--now") if now_text else None
    if now is not None:
        refuse_future(now, "--now", "error.store.purge_in_future")
    with unlocked(store_url, user_name, lang) as session:
        report = retention.purge(session, now)
    if as_json:
        echo_json(report.to_json())
    else:
        click.echo(t("store.purged", lang, count=len(report.cases), days=report.retention_days))


@store.command("check")
@store_option
@lang_option
def check(store_url: str | None, lang: str) -> None:
    """Vérifier le dépôt / Check the store: integrity, schema, audit trail, sealed rows."""
    from csvc_core.errors import OperationFailed
    from csvc_core.store import open_store

    opened = open_store(store_url, csvc=None)
    try:
        if opened.read_only_reason:
            raise opened.read_only_reason
        report = opened.verify_audit()
        problem = opened.check_integrity() if report.ok else None
    finally:
        opened.close()
    if not report.ok:
        raise OperationFailed(key="store.audit_bad", problem=report.problem)
    if problem is not None:
        raise OperationFailed(key=f"store.integrity_{problem.kind}", table=problem.table, id=problem.row_id)
    click.echo(t("store.check_ok", lang, entries=report.entries))
