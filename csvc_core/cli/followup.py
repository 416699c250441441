"""``csvc followup``: the cases to re-assess, most dangerous first (level, overdue actions, date)."""

from __future__ import annotations

import click

from csvc_core.cli.common import echo_json, json_option, lang_option
from csvc_core.cli.storeopts import store_command, unlocked
from csvc_core.i18n import t
from csvc_core.store.followup import followup as cases_to_reassess


@click.command()
@click.option(
    "--overdue",
    "overdue_only",
    is_flag=True,
    help="Only the cases past their re-assessment date or with an overdue action.",
)
@click.option("--limit", type=click.IntRange(1), default=None)
@store_command
@json_option
@lang_option
def followup(
    overdue_only: bool,
    limit: int | None,
    store_url: str | None,
    user_name: str | None,
    as_json: bool,
    lang: str,
) -> None:
    """Suivi : dossiers à réévaluer / Follow-up: cases to re-assess, most urgent first."""
    with unlocked(store_url, user_name, lang) as session:
        items = session.run(cases_to_reassess, limit=limit, overdue_only=overdue_only)
    if as_json:
        echo_json([item.to_json() for item in items])
        return
    if not items:
        click.echo(t("store.followup_empty", lang))
    for item in items:
        level = item.compromission if item.compromission is not None else "—"
        late = t("store.overdue", lang) if item.overdue else ""
        actions = t("store.overdue_actions", lang, count=item.overdue_actions) if item.overdue_actions else ""
        due = f"{item.reassess_by.astimezone():%Y-%m-%d %H:%M}"
        click.echo(f"{item.case}  {level}/4  {due}  {late:<9}  {actions}".rstrip())
