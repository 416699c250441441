"""``csvc case break-glass`` and ``csvc emergency list|review``: emergency access and its review."""

from __future__ import annotations

import click

from csvc_core.cli.common import echo_json, identifying_option, json_option, lang_option
from csvc_core.cli.storeopts import acting_user, passphrase_for, store_command, unlocked
from csvc_core.i18n import t
from csvc_core.output import to_json
from csvc_core.store.emergency import emergency_alerts, review_emergency


@click.command("break-glass")
@click.argument("case_id", metavar="CASE")
@identifying_option(
    "--reason", required=True, help="Why someone's life or safety requires it (stored encrypted)."
)
@store_command
@json_option
@lang_option
def break_glass(
    case_id: str, reason: str, store_url: str | None, user_name: str | None, as_json: bool, lang: str
) -> None:
    """Accès d'urgence / Break-glass: read a case you have no other access to, for a few hours; the passphrase
    is asked again, the access is audited and the supervisors of both organisations are alerted."""
    with unlocked(store_url, user_name, lang) as session:
        opened = session.break_glass(case_id, reason, passphrase_for(acting_user(user_name), lang))
    if as_json:
        echo_json(opened)
    else:
        click.echo(t("partner.break_glass", lang, **opened))


@click.group()
def emergency() -> None:
    """Accès d'urgence à examiner / Emergency accesses for supervisors to review."""


@emergency.command("list")
@click.option("--all", "show_all", is_flag=True, help="Reviewed ones too.")
@store_command
@json_option
@lang_option
def list_(show_all: bool, store_url: str | None, user_name: str | None, as_json: bool, lang: str) -> None:
    """Les accès d'urgence à vos dossiers ou par vos intervenants / Emergency accesses to review."""
    with unlocked(store_url, user_name, lang) as session:
        found = to_json(session.run(emergency_alerts, pending_only=not show_all))
    if as_json:
        echo_json(found)
        return
    if not found:
        click.echo(t("partner.no_emergency", lang))
    for item in found:
        key = "partner.emergency_reviewed" if item["reviewed_at"] else "partner.emergency_pending"
        click.echo(t(key, lang, **{k: v or "" for k, v in item.items() if k != "active"}))


@emergency.command("review")
@click.argument("access_id", metavar="ACCESS")
@store_command
@lang_option
def review(access_id: str, store_url: str | None, user_name: str | None, lang: str) -> None:
    """Marquer un accès d'urgence comme examiné / Record that you reviewed an emergency access."""
    with unlocked(store_url, user_name, lang) as session:
        session.run(review_emergency, access_id)
    click.echo(t("partner.emergency_review_done", lang, id=access_id))
