"""``csvc export CASE -o FILE`` and ``csvc import FILE``: one case as a sealed package."""

from __future__ import annotations

import os
from pathlib import Path

import click

from csvc_core.cli.common import lang_option
from csvc_core.cli.storeopts import ENV_PASSPHRASE, acting_user, passphrase_for, store_command, unlocked

ENV_KEY = "CSVC_EXCHANGE_KEY"
ENV_PACKAGE_PASSPHRASE = "CSVC_EXPORT_PASSPHRASE"

key_option = click.option(
    "--key",
    "key_path",
    default=None,
    metavar="FILE",
    help=f"Partnership exchange key file (default: ${ENV_KEY}); without one, a passphrase protects it.",
)


def _key(key_path: str | None):
    from csvc_core.exchange.keys import read_key

    path = key_path or os.environ.get(ENV_KEY)
    return read_key(Path(path)) if path else None


def _package_passphrase(user_name: str | None, lang: str) -> str:
    """``$CSVC_EXPORT_PASSPHRASE``, else the acting user's own passphrase."""
    return (
        os.environ.get(ENV_PACKAGE_PASSPHRASE)
        or os.environ.get(ENV_PASSPHRASE)
        or passphrase_for(acting_user(user_name), lang)
    )


@click.command("export")
@click.argument("case_id", metavar="CASE")
@click.option("-o", "--output", required=True, help="Package file to write (a new or regular file).")
@click.option(
    "--include",
    "categories",
    multiple=True,
    metavar="CATEGORY",
    help="Only these categories (repeat): assessment, safety_plan, history, identity, contact, safe_contact. "
    "Default: everything you see of the case.",
)
@key_option
@store_command
@lang_option
def export(
    case_id: str,
    output: str,
    categories: tuple[str, ...],
    key_path: str | None,
    store_url: str | None,
    user_name: str | None,
    lang: str,
) -> None:
    """Exporter un dossier / Export one case as a sealed package."""
    from csvc_core.exchange.content import check_categories
    from csvc_core.exchange.transfer import export_file
    from csvc_core.i18n import t
    from csvc_core.outputfiles import check_destination

    chosen = check_categories(categories)
    check_destination(Path(output))
    key = _key(key_path)
    passphrase = None if key is not None else _package_passphrase(user_name, lang)
    with unlocked(store_url, user_name, lang) as session:
        package_id = export_file(session, case_id, Path(output), chosen, key=key, passphrase=passphrase)
    click.echo(t("exchange.exported", lang, case=case_id, path=output, id=package_id))


@click.command("import")
@click.argument("package", metavar="FILE", type=click.Path(dir_okay=False))
@key_option
@store_command
@lang_option
def import_(
    package: str, key_path: str | None, store_url: str | None, user_name: str | None, lang: str
) -> None:
    """Importer un paquet / Import a package into the current store (verified first; nothing half-done)."""
    from csvc_core.exchange.package import read_header
    from csvc_core.exchange.transfer import import_file
    from csvc_core.i18n import t
    from csvc_core.inputfiles import PACKAGE_MAX_BYTES, read_limited

    data = read_limited(package, PACKAGE_MAX_BYTES)
    read_header(data, package)  # not a package: refused before any key, passphrase or store is asked for
    key = _key(key_path)
    passphrase = _package_passphrase(user_name, lang) if key is None else None
    with unlocked(store_url, user_name, lang) as session:
        outcome = import_file(session, data, package, key=key, passphrase=passphrase, lang=lang)
    added = outcome["added"]
    if any(added.values()):
        counts = ", ".join(
            t(f"exchange.count.{name}", lang, count=count) for name, count in added.items() if count
        )
        click.echo(t("exchange.imported", lang, case=outcome["case"], counts=counts))
    else:
        click.echo(t("exchange.nothing_new", lang, case=outcome["case"]))
