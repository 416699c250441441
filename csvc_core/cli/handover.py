"""``csvc case refer|end-referral|transfer|shared``: referral keeps the owner, transfer moves ownership."""

from __future__ import annotations

from typing import Any

import click

from csvc_core.cli.common import echo_json, json_option, lang_option
from csvc_core.cli.partnerio import in_language
from csvc_core.cli.storeopts import store_command, unlocked
from csvc_core.i18n import t

basis_option = click.option(
    "--basis", required=True, help="consent:CONSENT_ID, or law:PROVISION (e.g. law:P-34.1 s. 39)."
)


@click.command("refer")
@click.argument("case_id", metavar="CASE")
@click.option("--to", "to", required=True, metavar="ORG")
@click.option("--reason", required=True, help="Why (encrypted).")
@basis_option
@store_command
@json_option
@lang_option
def refer(
    case_id: str,
    to: str,
    reason: str,
    basis: str,
    store_url: str | None,
    user_name: str | None,
    as_json: bool,
    lang: str,
) -> None:
    """Orienter / Refer a case: ORG reads it while the referral is in force; you keep it."""
    from csvc_core.store.partnership import parse_basis

    with unlocked(store_url, user_name, lang) as session, in_language(lang):
        referral_id = session.refer(case_id, to=to, why=reason, basis=parse_basis(basis))
    if as_json:
        echo_json({"id": referral_id})
    else:
        click.echo(t("partner.referred", lang, id=referral_id, to=to))


@click.command("end-referral")
@click.argument("referral_id", metavar="REFERRAL")
@store_command
@lang_option
def end_referral(referral_id: str, store_url: str | None, user_name: str | None, lang: str) -> None:
    """Mettre fin à une orientation / End a referral: the referee's reading stops now."""
    with unlocked(store_url, user_name, lang) as session, in_language(lang):
        session.end_referral(referral_id)
    click.echo(t("partner.referral_ended", lang, id=referral_id))


@click.command("transfer")
@click.argument("case_id", metavar="CASE")
@click.option("--to", "to", required=True, metavar="ORG")
@click.option("--reason", required=True, help="Why (encrypted).")
@basis_option
@store_command
@json_option
@lang_option
def transfer(
    case_id: str,
    to: str,
    reason: str,
    basis: str,
    store_url: str | None,
    user_name: str | None,
    as_json: bool,
    lang: str,
) -> None:
    """Transférer / Transfer a case: ORG owns it from now; you keep only what the law lets you keep."""
    from csvc_core.store.partnership import parse_basis

    with unlocked(store_url, user_name, lang) as session, in_language(lang):
        transfer_id = session.transfer(case_id, to=to, why=reason, basis=parse_basis(basis))
    if as_json:
        echo_json({"id": transfer_id})
    else:
        click.echo(t("partner.transferred", lang, id=transfer_id, to=to))


@click.command("shared")
@click.argument("case_id", metavar="[CASE]", required=False)
@store_command
@json_option
@lang_option
def shared(
    case_id: str | None, store_url: str | None, user_name: str | None, as_json: bool, lang: str
) -> None:
    """Ce qui m'a été transmis / Without CASE: cases held elsewhere that your organisation may read something
    of; with CASE: what it may read of CASE, on which basis."""
    with unlocked(store_url, user_name, lang) as session, in_language(lang):
        data: Any = session.shared_with_me(case_id) if case_id else session.shared_cases()
    if as_json:
        echo_json(data)
        return
    if case_id is None:
        for item in data:
            click.echo(f"{item['case']}  {', '.join(item['bases'])}")
        return
    click.echo(t("partner.shared_bases", lang, case=case_id, bases=", ".join(data["bases"])))
    for item in data["received"]:
        click.echo(f"  {item.get('share') or item.get('disclosure')}: {', '.join(item['sent'])}")
