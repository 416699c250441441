"""``csvc consent give|withdraw|list|check|share``: consent per purpose, and sharing under it."""

from __future__ import annotations

import click

from csvc_core.cli.common import echo_json, identifying_option, json_option, lang_option
from csvc_core.cli.partnerio import required_when, when
from csvc_core.cli.storeopts import store_command, unlocked
from csvc_core.i18n import t
from csvc_core.sharing.categories import CATEGORIES
from csvc_core.sharing.parties import SECTORS
from csvc_core.sharing.reasons import Refused
from csvc_core.store import consents

category_option = click.option(
    "--category",
    "categories",
    multiple=True,
    type=click.Choice(CATEGORIES),
    help="A category of information (repeat the option for each one).",
)


@click.group()
def consent() -> None:
    """Consentements et partage / Consent and sharing under consent."""


@consent.command("give")
@click.argument("case_id", metavar="CASE")
@identifying_option("--person", required=True, help="Who gives it (e.g. the victim); stored encrypted.")
@identifying_option("--purpose", required=True, help="The one purpose it is given for; stored encrypted.")
@category_option
@click.option("--partner-sector", required=True, type=click.Choice(SECTORS), help="The partner's sector.")
@click.option(
    "--partner", default=None, metavar="ORG", help="One organisation of that sector (default: the sector)."
)
@click.option("--expires", "expires_text", required=True, help="ISO 8601 with offset: when it ends.")
@click.option("--given-at", "given_text", default=None, help="ISO 8601 with offset (default: now).")
@store_command
@json_option
@lang_option
def give(
    case_id: str,
    person: str,
    purpose: str,
    categories: tuple[str, ...],
    partner_sector: str,
    partner: str | None,
    expires_text: str,
    given_text: str | None,
    store_url: str | None,
    user_name: str | None,
    as_json: bool,
    lang: str,
) -> None:
    """Noter un consentement / Record a consent received from the person."""
    expires = required_when(expires_text, "--expires")
    given = when(given_text, "--given-at")
    with unlocked(store_url, user_name, lang) as session:
        consent_id = session.run(
            consents.give_consent,
            case_id,
            person=person,
            purpose=purpose,
            categories=categories,
            partner_sector=partner_sector,
            partner=partner,
            expires_at=expires,
            given_at=given,
        )
    if as_json:
        echo_json({"id": consent_id})
    else:
        click.echo(t("partner.consent_given", lang, id=consent_id))


@consent.command("withdraw")
@click.argument("consent_id", metavar="CONSENT")
@store_command
@lang_option
def withdraw(consent_id: str, store_url: str | None, user_name: str | None, lang: str) -> None:
    """Retirer un consentement / Withdraw a consent: nothing new is shared under it from now."""
    with unlocked(store_url, user_name, lang) as session:
        session.run(consents.withdraw_consent, consent_id)
    click.echo(t("partner.consent_withdrawn", lang, id=consent_id))


@consent.command("list")
@click.argument("case_id", metavar="CASE")
@store_command
@json_option
@lang_option
def list_consents(
    case_id: str, store_url: str | None, user_name: str | None, as_json: bool, lang: str
) -> None:
    """Les consentements d'un dossier / A case's consents, with their status now."""
    with unlocked(store_url, user_name, lang) as session:
        found = session.run(consents.list_consents, case_id)
    if as_json:
        echo_json([item.to_json() for item in found])
        return
    for item in found:
        partner = item.partner or item.partner_sector
        click.echo(
            f"{item.id}  {item.status:<9} {partner}  {','.join(item.categories)}  "
            f"{item.expires_at.astimezone():%Y-%m-%d %H:%M}"
        )


@consent.command("check")
@click.argument("case_id", metavar="CASE")
@category_option
@click.option("--to", "recipient_org", required=True, metavar="ORG", help="The recipient organisation.")
@identifying_option("--purpose", default=None, help="The purpose of the share (must be the consent's).")
@store_command
@json_option
@lang_option
def check(
    case_id: str,
    categories: tuple[str, ...],
    recipient_org: str,
    purpose: str | None,
    store_url: str | None,
    user_name: str | None,
    as_json: bool,
    lang: str,
) -> None:
    """Peut-on partager ? / May these categories go to ORG now? Exit 0 yes, 1 no (the reasons on stderr)."""
    with unlocked(store_url, user_name, lang) as session:
        decision = session.run(consents.may_share, case_id, categories, recipient_org, purpose)
    reasons = [reason.text(lang) for reason in decision.reasons]
    if as_json:
        echo_json({"allowed": decision.allowed, "consents": list(decision.consents), "reasons": reasons})
    if not decision.allowed:
        raise Refused(*decision.reasons)
    if not as_json:
        click.echo("; ".join(reasons))


@consent.command("share")
@click.argument("case_id", metavar="CASE")
@category_option
@click.option("--to", "recipient_org", required=True, metavar="ORG", help="The recipient organisation.")
@identifying_option("--purpose", required=True, help="The purpose: the consent's own.")
@store_command
@json_option
@lang_option
def share(
    case_id: str,
    categories: tuple[str, ...],
    recipient_org: str,
    purpose: str,
    store_url: str | None,
    user_name: str | None,
    as_json: bool,
    lang: str,
) -> None:
    """Partager sous consentement / Share these categories of a case with ORG under the consents in force."""
    with unlocked(store_url, user_name, lang) as session:
        share_id = session.run(
            consents.share, case_id, categories=categories, to=recipient_org, purpose=purpose
        )
    if as_json:
        echo_json({"id": share_id})
    else:
        click.echo(t("partner.shared", lang, id=share_id))
