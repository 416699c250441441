"""``csvc disclose fields|create|list|show|annotate|register``: disclosure to prevent an act of violence
(art. 60.4 C-26 and the same exception in the privacy laws), and the register of communications."""

from __future__ import annotations

import json
from pathlib import Path

import click

from csvc_core.cli.common import echo_json, identifying_option, json_option, lang_option
from csvc_core.cli.partnerio import required_when
from csvc_core.cli.storeopts import store_command, unlocked
from csvc_core.errors import BadInput
from csvc_core.i18n import t
from csvc_core.output import to_json
from csvc_core.outputfiles import check_destination, write_file
from csvc_core.sharing.disclosure import HARMS, IMMINENCE, RECIPIENT_CATEGORIES, Grounds, Recipient
from csvc_core.sharing.register import to_csv
from csvc_core.store import communications, disclosures


@click.group()
def disclose() -> None:
    """Communication pour prévenir un acte de violence / Disclosure to prevent an act of violence."""


@disclose.command("fields")
@click.argument("case_id", metavar="CASE")
@store_command
@json_option
@lang_option
def fields(case_id: str, store_url: str | None, user_name: str | None, as_json: bool, lang: str) -> None:
    """Les champs offerts / The fields a disclosure of CASE may carry (none is ticked)."""
    with unlocked(store_url, user_name, lang) as session:
        offered = session.run(disclosures.offered_fields, case_id)
    if as_json:
        echo_json([{"field": name, "category": category} for name, category in offered.items()])
        return
    for name, category in offered.items():
        click.echo(f"[ ] {name}  ({category})")


@disclose.command("create")
@click.argument("case_id", metavar="CASE")
@identifying_option(
    "--recipient", required=True, help="Who receives it: a person or a service (stored encrypted)."
)
@click.option(
    "--recipient-kind", required=True, help="police, health, shelter, ..., exposed_person, representative."
)
@click.option("--recipient-category", required=True, type=click.Choice(RECIPIENT_CATEGORIES))
@click.option(
    "--recipient-org", default=None, metavar="ORG", help="The recipient's organisation in the store."
)
@click.option("--outside-quebec", is_flag=True, help="The information leaves Quebec.")
@identifying_option(
    "--reasonable-cause", default="", help="Why you have reasonable cause to believe in the risk."
)
@click.option(
    "--harm", "harms", multiple=True, type=click.Choice(HARMS), help="The serious risk (repeatable)."
)
@identifying_option("--exposed", default="", help="The identifiable person or group exposed.")
@identifying_option("--violence", default="", help="The act of violence (including suicide) to prevent.")
@identifying_option("--danger", default="", help="The danger identified.")
@identifying_option("--urgency", default="", help="What creates the sense of urgency.")
@click.option("--imminence", default="", help=f"One of {', '.join(IMMINENCE)}.")
@click.option("--field", "chosen", multiple=True, help="A field to send, ticked one by one (see `fields`).")
@store_command
@json_option
@lang_option
def create(
    case_id: str,
    recipient: str,
    recipient_kind: str,
    recipient_category: str,
    recipient_org: str | None,
    outside_quebec: bool,
    reasonable_cause: str,
    harms: tuple[str, ...],
    exposed: str,
    violence: str,
    danger: str,
    urgency: str,
    imminence: str,
    chosen: tuple[str, ...],
    store_url: str | None,
    user_name: str | None,
    as_json: bool,
    lang: str,
) -> None:
    """Communiquer / Disclose: refused unless every element is given; only the ticked fields are sent."""
    grounds = Grounds(reasonable_cause, frozenset(harms), exposed, violence, danger, urgency, imminence)
    target = Recipient(recipient, recipient_kind, recipient_category, outside_quebec=outside_quebec)
    with unlocked(store_url, user_name, lang) as session:
        disclosure_id = session.run(
            disclosures.disclose,
            case_id,
            recipient=target,
            grounds=grounds,
            fields=chosen,
            recipient_org=recipient_org,
        )
    if as_json:
        echo_json({"id": disclosure_id})
    else:
        click.echo(t("partner.disclosed", lang, id=disclosure_id, count=len(set(chosen))))


@disclose.command("list")
@click.option("--case", "case_id", default=None, metavar="CASE")
@store_command
@json_option
@lang_option
def list_disclosures(
    case_id: str | None, store_url: str | None, user_name: str | None, as_json: bool, lang: str
) -> None:
    """Les communications faites ou reçues / Disclosures made or received by your organisation."""
    with unlocked(store_url, user_name, lang) as session:
        found = to_json(session.run(disclosures.list_disclosures, case_id))
    if as_json:
        echo_json(found)
        return
    for item in found:
        click.echo(
            f"{item['id']}  {item['disclosed_at']}  {item['direction']:<8} {item['case']}  "
            f"{item['recipient_category']}  {','.join(item['fields'])}"
        )


@disclose.command("show")
@click.argument("disclosure_id", metavar="DISCLOSURE")
@store_command
@json_option
@lang_option
def show(disclosure_id: str, store_url: str | None, user_name: str | None, as_json: bool, lang: str) -> None:
    """L'inscription entière / The whole entry and what was sent (discloser's and recipient's orgs)."""
    with unlocked(store_url, user_name, lang) as session:
        entry = session.run(disclosures.read_disclosure, disclosure_id)
    data = entry.to_json()
    if as_json:
        echo_json(data)
        return
    for key, value in data.items():
        shown = json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value
        click.echo(f"{key}: {shown}")


@disclose.command("annotate")
@click.argument("disclosure_id", metavar="DISCLOSURE")
@identifying_option(
    "--text", required=True, help="The remark (stored encrypted); the entry itself never changes."
)
@store_command
@json_option
@lang_option
def annotate(
    disclosure_id: str, text: str, store_url: str | None, user_name: str | None, as_json: bool, lang: str
) -> None:
    """Annoter / Add a remark beside a disclosure."""
    with unlocked(store_url, user_name, lang) as session:
        note_id = session.run(disclosures.annotate_disclosure, disclosure_id, text)
    if as_json:
        echo_json({"id": note_id})
    else:
        click.echo(t("partner.annotated", lang, id=note_id))


@disclose.command("register")
@click.option("--from", "start_text", required=True, help="ISO 8601 with offset (included).")
@click.option("--to", "end_text", required=True, help="ISO 8601 with offset (excluded).")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("--output", default=None, help="Write to FILE (mode 0600).")
@store_command
@lang_option
def register(
    start_text: str,
    end_text: str,
    fmt: str,
    output: str | None,
    store_url: str | None,
    user_name: str | None,
    lang: str,
) -> None:
    """Registre des communications / Your organisation's register of communications for a period."""
    start, end = required_when(start_text, "--from"), required_when(end_text, "--to")
    if end <= start:
        raise BadInput(key="error.input.period", end=end_text, start=start_text)
    if output is not None:
        check_destination(Path(output))
    with unlocked(store_url, user_name, lang) as session:
        lines = session.run(communications.communications_register, start, end)
    if fmt == "csv":
        text = to_csv(lines)
    else:
        text = json.dumps([line.to_json() for line in lines], ensure_ascii=False, indent=2) + "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    path = Path(output)
    write_file(path, text)
    click.echo(t("partner.register_written", lang, path=path, count=len(lines)))
