"""``csvc case refer|end-referral|transfer|shared``: referral keeps the owner, transfer moves ownership."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from csvc_core.cli.common import echo_json, identifying_option, json_option, lang_option
from csvc_core.cli.storeopts import store_command, unlocked
from csvc_core.errors import BadInput
from csvc_core.i18n import t
from csvc_core.output import to_json
from csvc_core.store import handovers, received

if TYPE_CHECKING:
    from csvc_core.sharing.handover import Basis

basis_option = click.option(
    "--basis", required=True, help="consent:CONSENT_ID, or law:PROVISION (e.g. law:P-34.1 s. 39)."
)


def parse_basis(text: str) -> Basis:
    """``--basis``: ``consent:ID`` or ``law:PROVISION`` (e.g. ``law:P-34.1 s. 39``)."""
    from csvc_core.sharing.handover import BASES, Basis

    kind, _, reference = text.partition(":")
    if kind not in BASES or not reference.strip():
        raise BadInput(key="error.store.basis", value=text)
    return Basis(kind, reference.strip())


def _handover_command(name: str, help_text: str, done_key: str) -> click.Command:
    """``csvc refer`` and ``csvc transfer``: the same options and output, a different hand-over."""

    @click.command(name, help=help_text)
    @click.argument("case_id", metavar="CASE")
    @click.option("--to", "recipient_org", required=True, metavar="ORG")
    @identifying_option("--reason", required=True, help="Why (encrypted).")
    @basis_option
    @store_command
    @json_option
    @lang_option
    def command(
        case_id: str,
        recipient_org: str,
        reason: str,
        basis: str,
        store_url: str | None,
        user_name: str | None,
        as_json: bool,
        lang: str,
    ) -> None:
        with unlocked(store_url, user_name, lang) as session:
            hand_over = handovers.refer if name == "refer" else handovers.transfer
            done_id = session.run(hand_over, case_id, to=recipient_org, why=reason, basis=parse_basis(basis))
        if as_json:
            echo_json({"id": done_id})
        else:
            click.echo(t(done_key, lang, id=done_id, to=recipient_org))

    return command


refer = _handover_command(
    "refer",
    "Orienter / Refer a case: ORG reads it while the referral is in force; you keep it.",
    "partner.referred",
)
transfer = _handover_command(
    "transfer",
    "Transférer / Transfer a case: ORG owns it from now; you keep only what the law lets you keep.",
    "partner.transferred",
)


@click.command("end-referral")
@click.argument("referral_id", metavar="REFERRAL")
@store_command
@lang_option
def end_referral(referral_id: str, store_url: str | None, user_name: str | None, lang: str) -> None:
    """Mettre fin à une orientation / End a referral: the referee's reading stops now."""
    with unlocked(store_url, user_name, lang) as session:
        session.run(handovers.end_referral, referral_id)
    click.echo(t("partner.referral_ended", lang, id=referral_id))


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
    with unlocked(store_url, user_name, lang) as session:
        data: Any = (
            session.run(received.shared_with_me, case_id)
            if case_id
            else to_json(session.run(received.shared_cases))
        )
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
