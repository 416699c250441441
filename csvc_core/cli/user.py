"""``csvc user add|list|disable|enable|passphrase`` and ``csvc org add|list|rotate-key``: people of the
store and their organisations' keys."""

from __future__ import annotations

import os

import click

from csvc_core.cli.common import echo_json, json_option, lang_option
from csvc_core.cli.storeopts import acting_user, passphrase_for, store_command, unlocked
from csvc_core.i18n import t
from csvc_core.store import people, rotation
from csvc_core.store.access import ROLE_CHOICES, role_term

ENV_NEW_PASSPHRASE = "CSVC_NEW_PASSPHRASE"


def new_passphrase(name: str, lang: str) -> str:
    """``$CSVC_NEW_PASSPHRASE`` when set, else a prompt (asked twice, no echo)."""
    value = os.environ.get(ENV_NEW_PASSPHRASE)
    if value:
        return value
    return str(
        click.prompt(
            t("store.prompt_new", lang, user=name), hide_input=True, confirmation_prompt=True, err=True
        )
    )


@click.group()
def user() -> None:
    """Utilisatrices et utilisateurs / Users."""


@user.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(ROLE_CHOICES))
@click.option("--org", "organisation", default=None, help="Organisation name: yours (the default).")
@store_command
@json_option
@lang_option
def add(
    name: str,
    role: str,
    organisation: str | None,
    store_url: str | None,
    user_name: str | None,
    as_json: bool,
    lang: str,
) -> None:
    """Ajouter un utilisateur à son organisation / Add a user to your organisation (admin); their passphrase
    from $CSVC_NEW_PASSPHRASE or a prompt."""
    with unlocked(store_url, user_name, lang) as session:
        user_id = session.run(
            people.add_user, name, role, new_passphrase(name, lang), organisation=organisation
        )
    if as_json:
        echo_json({"id": user_id, "name": name, "role": role})
    else:
        click.echo(t("store.user_added", lang, name=name, role=role_term(role).text(lang)))


@user.command("list")
@store_command
@json_option
@lang_option
def list_users(store_url: str | None, user_name: str | None, as_json: bool, lang: str) -> None:
    """Lister les personnes de son organisation / List your organisation's users."""
    with unlocked(store_url, user_name, lang) as session:
        found = session.run(people.list_users)
    if as_json:
        echo_json([item.to_json() for item in found])
        return
    for item in found:
        state = "" if item.active else t("store.disabled", lang)
        role = role_term(item.role).text(lang)
        click.echo(f"{item.name:<24} {role:<28} {item.organisation} ({item.sector}) {state}".rstrip())


@user.command("disable")
@click.argument("name")
@store_command
@lang_option
def disable(name: str, store_url: str | None, user_name: str | None, lang: str) -> None:
    """Désactiver un utilisateur / Disable a user (admin)."""
    with unlocked(store_url, user_name, lang) as session:
        session.run(people.set_user_active, name, False)
    click.echo(t("store.user_disabled", lang, name=name))


@user.command("enable")
@click.argument("name")
@store_command
@lang_option
def enable(name: str, store_url: str | None, user_name: str | None, lang: str) -> None:
    """Réactiver un utilisateur / Enable a user again (admin), with a new passphrase from
    $CSVC_NEW_PASSPHRASE or a prompt."""
    with unlocked(store_url, user_name, lang) as session:
        session.run(people.set_user_active, name, True, new_passphrase(name, lang))
    click.echo(t("store.user_enabled", lang, name=name))


@user.command("role")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(ROLE_CHOICES))
@store_command
@lang_option
def role(name: str, role: str, store_url: str | None, user_name: str | None, lang: str) -> None:
    """Changer le rôle d'un utilisateur / Change a user's role (admin); "worker+admin": both."""
    with unlocked(store_url, user_name, lang) as session:
        session.run(people.set_user_role, name, role)
    click.echo(t("store.user_role_set", lang, name=name, role=role_term(role).text(lang)))


@user.command("passphrase")
@store_command
@lang_option
def passphrase(store_url: str | None, user_name: str | None, lang: str) -> None:
    """Changer sa phrase de passe / Change your own passphrase."""
    name = acting_user(user_name)
    with unlocked(store_url, name, lang) as session:
        session.change_passphrase(passphrase_for(name, lang), new_passphrase(name, lang))
    click.echo(t("store.passphrase_changed", lang, name=name))


@click.group()
def org() -> None:
    """Organisations."""


@org.command("add")
@click.argument("name")
@click.option("--sector", required=True)
@click.option("--admin", required=True, help="Its first administrator, who then adds its people.")
@store_command
@json_option
@lang_option
def org_add(
    name: str,
    sector: str,
    admin: str,
    store_url: str | None,
    user_name: str | None,
    as_json: bool,
    lang: str,
) -> None:
    """Ajouter une organisation et sa première administratrice / Add an organisation and its first
    administrator (admin); her passphrase from $CSVC_NEW_PASSPHRASE or a prompt."""
    with unlocked(store_url, user_name, lang) as session:
        org_id = session.run(
            people.add_organisation, name, sector, admin=admin, passphrase=new_passphrase(admin, lang)
        )
    if as_json:
        echo_json({"id": org_id, "name": name, "sector": sector, "admin": admin})
    else:
        click.echo(t("store.org_added", lang, name=name, sector=sector, admin=admin))


@org.command("rotate-key")
@store_command
@json_option
@lang_option
def org_rotate_key(store_url: str | None, user_name: str | None, as_json: bool, lang: str) -> None:
    """Renouveler les clés de son organisation / Rotate one's organisation's keys (admin), when someone
    leaves it."""
    with unlocked(store_url, user_name, lang) as session:
        counts = session.run(rotation.rotate_org_key)
    if as_json:
        echo_json(counts)
    else:
        click.echo(t("store.org_rotated", lang, **counts))


@org.command("list")
@store_command
@json_option
@lang_option
def org_list(store_url: str | None, user_name: str | None, as_json: bool, lang: str) -> None:
    """Lister les organisations / List organisations."""
    with unlocked(store_url, user_name, lang) as session:
        found = session.run(people.list_organisations)
    if as_json:
        echo_json([item.to_json() for item in found])
        return
    for item in found:
        click.echo(f"{item.name:<32} {item.sector}")
