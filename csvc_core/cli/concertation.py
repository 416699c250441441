"""``csvc concertation request|submit|committee|decide|meeting|done|close|show|list``: the rapid-intervention
cell path, step by step in order (a step out of order is refused, naming the state and the step awaited)."""

from __future__ import annotations

from typing import Any

import click

from csvc_core.cli.common import echo_json, identifying_option, json_option, lang_option
from csvc_core.cli.storeopts import store_command, unlocked
from csvc_core.i18n import t
from csvc_core.inputfiles import MEETING_MAX_BYTES, read_json
from csvc_core.output import to_json
from csvc_core.sharing.concertation import CLOSURE_REASONS, CRITERIA, STATES
from csvc_core.store import concertation_reading, concertations


@click.group()
def concertation() -> None:
    """Concertation (cellule d'intervention rapide) / Concertation through the rapid-intervention cell."""


def _done(lang: str, concertation_id: str, step: str) -> None:
    click.echo(t("partner.step_done", lang, id=concertation_id, step=step))


def _level_name(rank: int, lang: str) -> str:
    from csvc_core.scale import load_scale

    return next((level.label.get(lang) for level in load_scale() if level.rank == rank), "")


def _level(item: dict[str, Any], lang: str) -> str:
    """``[4 Imminent]`` (and what a changed level replaced), or that no level was sent."""
    rank = item["compromission"]
    if rank is None:
        return t("partner.cell_level_none", lang)
    shown = t("partner.cell_level", lang, rank=rank, name=_level_name(rank, lang))
    previous = (item["level"] or {}).get("previous")
    return (
        shown if previous is None else f"{shown} {t('partner.cell_level_previous', lang, previous=previous)}"
    )


def _level_line(level: dict[str, Any] | None, lang: str) -> str:
    if level is None:
        return t("partner.cell_level_line_none", lang)
    line = t(
        "partner.cell_level_line",
        lang,
        rank=level["compromission"],
        name=_level_name(level["compromission"], lang),
        instrument=level["instrument"],
        version=level["instrument_version"],
        assessment=level["assessment"],
        by=level["confirmed_by"],
        confirmed_at=level["confirmed_at"],
        carried_at=level["carried_at"],
    )
    if level["previous"] is None:
        return line
    return f"{line} {t('partner.cell_level_previous', lang, previous=level['previous'])}"


@concertation.command("request")
@click.argument("case_id", metavar="CASE")
@click.option("--criterion", "criteria", multiple=True, type=click.Choice(CRITERIA), help="Repeatable.")
@identifying_option(
    "--judgement", default="", help="Your reason, required with professional_judgement (encrypted)."
)
@store_command
@json_option
@lang_option
def request(
    case_id: str,
    criteria: tuple[str, ...],
    judgement: str,
    store_url: str | None,
    user_name: str | None,
    as_json: bool,
    lang: str,
) -> None:
    """Demander une concertation / A practitioner asks for concertation on a case of her organisation."""
    with unlocked(store_url, user_name, lang) as session:
        concertation_id = session.run(concertations.request, case_id, criteria=criteria, judgement=judgement)
    if as_json:
        echo_json({"id": concertation_id})
    else:
        click.echo(t("partner.concertation_requested", lang, id=concertation_id))


@concertation.command("submit")
@click.argument("concertation_id", metavar="ID")
@identifying_option(
    "--note", required=True, help="The répondant's sign-off (e.g. the grid's tier); encrypted."
)
@store_command
@lang_option
def submit(concertation_id: str, note: str, store_url: str | None, user_name: str | None, lang: str) -> None:
    """Répondante : soumettre à la coordination / The répondant signs off and calls the coordinator."""
    with unlocked(store_url, user_name, lang) as session:
        session.run(concertations.submit, concertation_id, note)
    _done(lang, concertation_id, "submitted")


@concertation.command("committee")
@click.argument("concertation_id", metavar="ID")
@store_command
@lang_option
def committee(concertation_id: str, store_url: str | None, user_name: str | None, lang: str) -> None:
    """Coordination : saisir le comité / The coordinator puts the request to the committee."""
    with unlocked(store_url, user_name, lang) as session:
        session.run(concertations.to_committee, concertation_id)
    _done(lang, concertation_id, "committee")


@concertation.command("decide")
@click.argument("concertation_id", metavar="ID")
@click.option("--member", "members", multiple=True, help="A committee member (three, distinct).")
@click.option("--concerted-action/--no-concerted-action", required=True, help="The committee's decision.")
@identifying_option("--reason", required=True, help="Why (encrypted).")
@store_command
@lang_option
def decide(
    concertation_id: str,
    members: tuple[str, ...],
    concerted_action: bool,
    reason: str,
    store_url: str | None,
    user_name: str | None,
    lang: str,
) -> None:
    """Décision du comité / The committee's decision (no concerted action closes the request)."""
    with unlocked(store_url, user_name, lang) as session:
        session.run(
            concertations.decide,
            concertation_id,
            members=members,
            concerted_action=concerted_action,
            why=reason,
        )
    _done(lang, concertation_id, "concerted" if concerted_action else "closed")


@concertation.command("meeting")
@click.argument("concertation_id", metavar="ID")
@click.option(
    "--file",
    "path",
    required=True,
    help='JSON: {"at", "kind", "chair", "attendees": [{"name", "organisation", "sector"}], '
    '"reviews": {ACTION: {"outcome", "note"}}, '
    '"actions": [{"description", "owner_org", "owner", "due"}]}; - for stdin.',
)
@store_command
@lang_option
def meeting(concertation_id: str, path: str, store_url: str | None, user_name: str | None, lang: str) -> None:
    """Rencontre / A meeting: attendees by sector, review of every open action, new plan actions."""
    data, source = read_json(path, MEETING_MAX_BYTES)
    with unlocked(store_url, user_name, lang) as session:
        session.run(concertations.hold_meeting, concertation_id, data, source)
    _done(lang, concertation_id, "follow_up")


@concertation.command("done")
@click.argument("concertation_id", metavar="ID")
@click.argument("action_id", metavar="ACTION")
@identifying_option("--note", default="", help="Encrypted.")
@store_command
@lang_option
def done(
    concertation_id: str, action_id: str, note: str, store_url: str | None, user_name: str | None, lang: str
) -> None:
    """Action faite / The owner organisation reports a plan action done."""
    with unlocked(store_url, user_name, lang) as session:
        session.run(concertations.report_done, concertation_id, action_id, note)
    click.echo(t("partner.action_done", lang, id=action_id))


@concertation.command("close")
@click.argument("concertation_id", metavar="ID")
@click.option("--reason", required=True, type=click.Choice(CLOSURE_REASONS))
@identifying_option("--note", default="", help="Required with reason other (encrypted).")
@store_command
@lang_option
def close(
    concertation_id: str, reason: str, note: str, store_url: str | None, user_name: str | None, lang: str
) -> None:
    """Fermer / Close the request with a reason (no open action may remain)."""
    with unlocked(store_url, user_name, lang) as session:
        session.run(concertations.close, concertation_id, reason, note)
    _done(lang, concertation_id, "closed")


@concertation.command("show")
@click.argument("concertation_id", metavar="ID")
@store_command
@json_option
@lang_option
def show(
    concertation_id: str, store_url: str | None, user_name: str | None, as_json: bool, lang: str
) -> None:
    """Afficher / Show a request: steps, decision, meetings by sector, plan, closure."""
    with unlocked(store_url, user_name, lang) as session:
        data = to_json(session.run(concertation_reading.record, concertation_id))
    if as_json:
        echo_json(data)
        return
    click.echo(t("partner.concertation_title", lang, id=data["id"], state=data["state"], case=data["case"]))
    click.echo(_level_line(data["level"], lang))
    if data["view"] != "whole":
        click.echo(t("partner.cell_own_actions", lang))
    for step in data["steps"]:
        click.echo(
            f"  {step['at']}  {step['state']:<10} {step['by']} ({step['role']}, {step['organisation']})"
        )
    for action in data["actions"]:
        click.echo(
            f"  [{action['status']}] {action['id']}  {action['owner_org']}  {action['due']}  "
            f"{action['description']}"
        )


@concertation.command("list")
@click.option("--state", type=click.Choice(STATES), default=None)
@store_command
@json_option
@lang_option
def list_requests(
    state: str | None, store_url: str | None, user_name: str | None, as_json: bool, lang: str
) -> None:
    """Lister / The requests you may read, most urgent first (the level each carries)."""
    with unlocked(store_url, user_name, lang) as session:
        found = to_json(session.run(concertation_reading.list_concertations, state=state))
    if as_json:
        echo_json(found)
        return
    for item in found:
        click.echo(
            f"{_level(item, lang)}  {item['id']}  {item['state']:<10} {item['case']}  "
            f"{item['organisation']}  {','.join(item['criteria'])}"
        )
