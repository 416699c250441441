"""``csvc case new|list|show|assess|close|event|outcome|protagonist|close-assessment``."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import click

from csvc_core.cli.common import echo_json, identifying_option, json_option, lang_option
from csvc_core.cli.storeopts import store_command, unlocked
from csvc_core.i18n import t
from csvc_core.inputfiles import ANSWERS_MAX_BYTES, read_json
from csvc_core.jsonio import parse_datetime
from csvc_core.store import assessing, casefile, cases, outcomes
from csvc_core.store.records import OUTCOME_KINDS, OUTCOME_SOURCES

if TYPE_CHECKING:
    from csvc_core.reports.casefile import Labels

#: the columns of ``csvc case list`` (their headings: ``store.case_list.<column>``).
LIST_COLUMNS = ("case", "level", "reassess", "late", "status", "name")

reveal_option = click.option("--reveal", is_flag=True, help="Show names, contacts and notes (audited).")
occurred_option = click.option(
    "--occurred-at", "occurred_at", default=None, help="ISO 8601 with offset (default: now)."
)
note_option = identifying_option("--note", default=None, help="Free text, stored encrypted.")


@click.group()
def case() -> None:
    """Dossiers / Cases."""


@case.command("new")
@identifying_option("--label", required=True, help="A name or file reference: stored encrypted.")
@store_command
@json_option
@lang_option
def new(label: str, store_url: str | None, user_name: str | None, as_json: bool, lang: str) -> None:
    """Ouvrir un dossier / Open a case."""
    with unlocked(store_url, user_name, lang) as session:
        case_id = session.run(cases.new_case, label)
    if as_json:
        echo_json({"id": case_id})
    else:
        click.echo(t("store.case_created", lang, id=case_id))


@case.command("list")
@click.option("--status", type=click.Choice(["open", "closed", "all"]), default="open", show_default=True)
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True)
@click.option("--offset", type=click.IntRange(0), default=0)
@reveal_option
@store_command
@json_option
@lang_option
def list_cases(
    status: str,
    limit: int,
    offset: int,
    reveal: bool,
    store_url: str | None,
    user_name: str | None,
    as_json: bool,
    lang: str,
) -> None:
    """Lister les dossiers / List cases, newest first."""
    with unlocked(store_url, user_name, lang) as session:
        found = session.run(
            cases.list_cases,
            status=None if status == "all" else status,
            limit=limit,
            offset=offset,
            reveal=reveal,
        )
    if as_json:
        echo_json([item.to_json() for item in found])
        return
    labels = case_labels(lang)
    if not reveal:
        click.echo(t("store.case_list_masked", lang))
    word = {column: t(f"store.case_list.{column}", lang) for column in LIST_COLUMNS}
    click.echo(
        f"{word['case']:<16}  {word['level']:<5} {word['reassess']:<16} {word['late']:<9} "
        f"{word['status']:<7} {word['name']}"
    )
    for item in found:
        level = f"{item.compromission}/4" if item.compromission is not None else "—"
        due = item.reassess_by.astimezone().strftime("%Y-%m-%d %H:%M") if item.reassess_by else "—"
        late = t("store.overdue", lang) if item.overdue else ""
        status = labels.word("case_status", item.status)
        click.echo(f"{item.id}  {level:<5} {due:<16} {late:<9} {status:<7} {item.label or ''}".rstrip())


def case_labels(lang: str) -> Labels:
    """Words for the codes a case holds (levels, statuses, sectors, instruments), as the report has them."""
    from csvc_core.framework import Csvc
    from csvc_core.reports.casefile import Labels

    return Labels(Csvc.load(), lang)


@case.command("show")
@click.argument("case_id", metavar="CASE")
@reveal_option
@click.option(
    "--results", is_flag=True, help="Add each assessment's stored result (factors, flags, override)."
)
@store_command
@json_option
@lang_option
def show(
    case_id: str,
    reveal: bool,
    results: bool,
    store_url: str | None,
    user_name: str | None,
    as_json: bool,
    lang: str,
) -> None:
    """Afficher un dossier / Show a case: level, assessments (newest first), actions, events, outcomes."""
    with unlocked(store_url, user_name, lang) as session:
        detail = session.run(casefile.case_detail, case_id, reveal=reveal, results=results)
    if as_json:
        echo_json(detail.to_json())
        return
    data = detail.to_json()
    click.echo(
        t("store.case_title", lang, id=detail.id, label=detail.summary.label or t("store.masked", lang))
    )
    click.echo(
        t("store.case_level", lang, level=detail.compromission or "—", reassess=data["reassess_by"] or "—")
    )
    labels = case_labels(lang)
    click.echo(t("store.assessments", lang))
    for item in detail.assessments:
        standing = labels.word("standing", item.standing)
        click.echo(
            f"  {item.id}  {item.assessed_at.astimezone():%Y-%m-%d %H:%M}  "
            f"{labels.instrument_title(item.instrument)} · {labels.level(item.instrument, item.level)} "
            f"({item.compromission}/4)  {item.by}  [{standing}]"
        )
    click.echo(t("store.actions", lang))
    for action in detail.actions:
        due = f"{action.due.astimezone():%Y-%m-%d %H:%M}" if action.due else "—"
        label = action.label.get(lang) if action.label else action.action
        status, sector = labels.word("status", action.status), labels.sector(action.sector)
        click.echo(f"  {action.id}  {status:<10} {sector} · {due}  {label}")
    if detail.events:
        click.echo(t("store.events", lang))
        for event in detail.events:
            click.echo(
                f"  {event.id}  {labels.word('event', event.kind):<22} "
                f"{event.occurred_at.astimezone():%Y-%m-%d %H:%M}"
                f"  {t('store.event_open', lang) if event.open else ''}"
            )
    if detail.outcomes:
        click.echo(t("store.outcomes", lang))
        for outcome in detail.outcomes:
            kind = t(f"outcome.kind.{outcome.kind}", lang)
            source = t(f"outcome.source.{outcome.source}", lang)
            click.echo(f"  {outcome.id}  {outcome.occurred_at.astimezone():%Y-%m-%d}  {kind} — {source}")


@case.command("assess")
@click.argument("case_id", metavar="CASE")
@click.option("--instrument", "instrument_id", required=True, help="Instrument id, e.g. csvc-grid.")
@click.option(
    "--answers", "answers_path", required=True, help="Answers JSON file (docs/interface.md), or - for stdin."
)
@store_command
@json_option
@lang_option
def assess(
    case_id: str,
    instrument_id: str,
    answers_path: str,
    store_url: str | None,
    user_name: str | None,
    as_json: bool,
    lang: str,
) -> None:
    """Évaluer un dossier / Assess a case: stored, confirmed by the acting user, with its actions."""
    from csvc_core.render import render_result

    payload, name = read_json(answers_path, ANSWERS_MAX_BYTES)
    with unlocked(store_url, user_name, lang) as session:
        stored = session.assess(case_id, instrument_id, payload, source=name)
    if as_json:
        echo_json(stored.to_json())
    else:
        click.echo(render_result(stored.result, lang))
        click.echo(t("store.assessment_stored", lang, id=stored.id))


@case.command("close")
@click.argument("case_id", metavar="CASE")
@identifying_option("--reason", required=True, help="Why the case is closed (not stored in the audit trail).")
@store_command
@lang_option
def close(case_id: str, reason: str, store_url: str | None, user_name: str | None, lang: str) -> None:
    """Fermer un dossier / Close a case (its retention period starts)."""
    with unlocked(store_url, user_name, lang) as session:
        session.run(cases.close_case, case_id, reason)
    click.echo(t("store.case_closed", lang, id=case_id))


@case.command("event")
@click.argument("case_id", metavar="CASE")
@click.option(
    "--kind",
    required=True,
    type=click.Choice(["new_incident", "separation", "partner_release", "breach_of_conditions"]),
)
@occurred_option
@note_option
@store_command
@json_option
@lang_option
def event(
    case_id: str,
    kind: str,
    occurred_at: str | None,
    note: str | None,
    store_url: str | None,
    user_name: str | None,
    as_json: bool,
    lang: str,
) -> None:
    """Noter un événement / Record an event: a re-assessment is due now."""
    occurred: datetime | None = parse_datetime(occurred_at, "--occurred-at") if occurred_at else None
    with unlocked(store_url, user_name, lang) as session:
        event_id = session.run(cases.record_event, case_id, kind, occurred, note)
    if as_json:
        echo_json({"id": event_id})
    else:
        click.echo(t("store.event_recorded", lang, id=event_id))


@case.command("outcome")
@click.argument("case_id", metavar="CASE")
@click.option("--kind", required=True, type=click.Choice(OUTCOME_KINDS))
@click.option("--source", required=True, type=click.Choice(OUTCOME_SOURCES), help="Who reported it.")
@occurred_option
@note_option
@store_command
@json_option
@lang_option
def outcome(
    case_id: str,
    kind: str,
    source: str,
    occurred_at: str | None,
    note: str | None,
    store_url: str | None,
    user_name: str | None,
    as_json: bool,
    lang: str,
) -> None:
    """Noter une suite / Record an outcome: what happened after the assessments (audited)."""
    with unlocked(store_url, user_name, lang) as session:
        occurred = parse_datetime(occurred_at, "--occurred-at") if occurred_at else None
        outcome_id = session.run(outcomes.record_outcome, case_id, kind, source, occurred, note)
    if as_json:
        echo_json({"id": outcome_id})
    else:
        click.echo(t("store.outcome_recorded", lang, id=outcome_id))


@case.command("protagonist")
@click.argument("case_id", metavar="CASE")
@click.option("--role", required=True, type=click.Choice(["victim", "child", "close_one", "partner"]))
@identifying_option("--name", default=None, help="Stored encrypted.")
@identifying_option("--phone", default=None, help="Stored encrypted.")
@identifying_option("--address", default=None, help="Stored encrypted.")
@identifying_option("--safe-times", default=None, help="When it is safe to call (stored encrypted).")
@click.option("--safe-to-call/--not-safe-to-call", default=None)
@click.option(
    "--partner-knows/--partner-does-not-know",
    default=None,
    help="Does the partner know of the contact with the service?",
)
@store_command
@json_option
@lang_option
def protagonist(
    case_id: str,
    role: str,
    name: str | None,
    phone: str | None,
    address: str | None,
    safe_times: str | None,
    safe_to_call: bool | None,
    partner_knows: bool | None,
    store_url: str | None,
    user_name: str | None,
    as_json: bool,
    lang: str,
) -> None:
    """Ajouter une personne au dossier / Add a protagonist, with safe-contact information."""
    from csvc_core.store import Contact

    contact = (
        Contact(phone=phone, address=address, safe_times=safe_times)
        if (phone or address or safe_times)
        else None
    )
    with unlocked(store_url, user_name, lang) as session:
        row_id = session.run(
            cases.add_protagonist,
            case_id,
            role,
            name=name,
            contact=contact,
            safe_to_call=safe_to_call,
            partner_knows=partner_knows,
        )
    if as_json:
        echo_json({"id": row_id})
    else:
        click.echo(t("store.protagonist_added", lang, id=row_id))


@case.command("close-assessment")
@click.argument("assessment_id", metavar="ASSESSMENT")
@identifying_option("--reason", required=True, help="Why it no longer stands (stored encrypted).")
@store_command
@lang_option
def close_assessment(
    assessment_id: str, reason: str, store_url: str | None, user_name: str | None, lang: str
) -> None:
    """Écarter une évaluation / Say an assessment no longer stands (it stops counting for the case level)."""
    with unlocked(store_url, user_name, lang) as session:
        session.run(assessing.close_assessment, assessment_id, reason)
    click.echo(t("store.assessment_closed", lang, id=assessment_id))


def _add_partnership_commands() -> None:
    """``case refer|end-referral|transfer|shared`` live in :mod:`csvc_core.cli.handover`, ``case
    break-glass`` in :mod:`csvc_core.cli.emergency`."""
    from csvc_core.cli.emergency import break_glass
    from csvc_core.cli.handover import end_referral, refer, shared, transfer

    for command in (refer, end_referral, transfer, shared, break_glass):
        case.add_command(command)


_add_partnership_commands()
