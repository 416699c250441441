"""``csvc action list|due|overdue|set``: the actions each sector owes, and what became of them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import click

from csvc_core.cli.common import echo_json, identifying_option, json_option, lang_option
from csvc_core.cli.storeopts import store_command, unlocked
from csvc_core.i18n import t
from csvc_core.jsonio import parse_datetime
from csvc_core.store import followup
from csvc_core.store.records import ACTION_STATUSES, ActionRecord

#: a listing command's own part: its own options -> what it asks ``session.actions`` besides the filters.
Query = Callable[..., dict[str, Any]]


@click.group()
def action() -> None:
    """Actions de suivi / Follow-up actions."""


def _echo(found: list[ActionRecord], as_json: bool, lang: str) -> None:
    if as_json:
        echo_json([item.to_json() for item in found])
        return
    if not found:
        click.echo(t("store.no_actions", lang))
    for item in found:
        due = f"{item.due.astimezone():%Y-%m-%d %H:%M}" if item.due else "—"
        late = t("store.overdue", lang) if item.overdue else t("store.due_now", lang) if item.due_now else ""
        label = item.label.get(lang) if item.label else item.action
        click.echo(f"{item.id}  {item.case_id}  {item.status:<10} {item.sector:<16} {due} {late:<9} {label}")


_filters = [
    click.option("--case", "case_id", default=None, help="Only this case."),
    click.option("--sector", default=None, help="Only the actions this sector owes."),
    click.option("--limit", type=click.IntRange(1), default=200, show_default=True),
]


def _listing(name: str, *options: Callable[[Any], Any]) -> Callable[[Query], click.Command]:
    """A command ``csvc action NAME`` that lists actions: its own ``options``, then the filters, the store and
    the output options. The decorated function (its docstring is the command's help) turns its own options
    into what ``session.actions`` is asked besides the filters, once the store is open."""

    def decorate(query: Query) -> click.Command:
        def command(
            case_id: str | None,
            sector: str | None,
            limit: int,
            store_url: str | None,
            user_name: str | None,
            as_json: bool,
            lang: str,
            **own: Any,
        ) -> None:
            with unlocked(store_url, user_name, lang) as session:
                asked = query(**own)
                found = session.run(
                    followup.list_actions, case_id=case_id, sector=sector, limit=limit, **asked
                )
            _echo(found, as_json, lang)

        command.__doc__ = query.__doc__
        for option in reversed([*options, *_filters, store_command, json_option, lang_option]):
            command = option(command)
        return action.command(name)(command)

    return decorate


@_listing(
    "list",
    click.option("--status", type=click.Choice([*ACTION_STATUSES, "all"]), default="open", show_default=True),
)
def list_actions(status: str) -> dict[str, Any]:
    """Lister les actions / List actions, most urgent first."""
    return {"status": None if status == "all" else status}


@_listing(
    "due", click.option("--before", "before_text", default=None, help="ISO 8601 with offset (default: now).")
)
def due(before_text: str | None) -> dict[str, Any]:
    """Actions ouvertes échues avant une date / Open actions due before a time."""
    before: datetime = parse_datetime(before_text, "--before") if before_text else session_now()
    return {"due_before": before}


@_listing("overdue")
def overdue() -> dict[str, Any]:
    """Actions en retard / Open actions past their due date."""
    return {"overdue": True}


@action.command("set")
@click.argument("action_id", metavar="ACTION")
@click.option("--status", required=True, type=click.Choice(ACTION_STATUSES))
@identifying_option(
    "--note", default=None, help="What happened (stored encrypted); needed for impossible/not_done."
)
@click.option(
    "--version",
    "expected_version",
    type=int,
    default=None,
    help="The version you saw: refused if someone changed the action since.",
)
@store_command
@json_option
@lang_option
def set_status(
    action_id: str,
    status: str,
    note: str | None,
    expected_version: int | None,
    store_url: str | None,
    user_name: str | None,
    as_json: bool,
    lang: str,
) -> None:
    """Changer le statut d'une action / Set an action's status, with a note."""
    with unlocked(store_url, user_name, lang) as session:
        updated = session.run(followup.set_action_status, action_id, status, note, expected_version)
    if as_json:
        echo_json(updated.to_json())
    else:
        click.echo(t("store.action_set", lang, id=action_id, status=status))


def session_now() -> datetime:
    from csvc_core.store.schema import utcnow

    return utcnow()
