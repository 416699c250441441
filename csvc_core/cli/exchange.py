"""``csvc exchange key-new``: a partnership exchange key (export and import are ``csvc export|import``)."""

from __future__ import annotations

from pathlib import Path

import click

from csvc_core.cli.common import lang_option


@click.group()
def exchange() -> None:
    """Échanges entre partenaires / Exchange between partners."""


@exchange.command("key-new")
@click.option("-o", "--output", "output", required=True, help="Key file to write (a new file).")
@click.option("--label", default="", help="What the key is for, e.g. the partnership's name.")
@lang_option
def key_new(output: str, label: str, lang: str) -> None:
    """Créer une clé d'échange du partenariat / Create a partnership exchange key.

    Give the file to each partner organisation by hand, never with a package. Whoever holds it can read and
    write the partnership's packages.
    """
    from csvc_core.exchange.keys import new_key, write_key
    from csvc_core.i18n import t
    from csvc_core.jsonio import now_local

    key = new_key(label)
    write_key(key, Path(output), now_local())
    click.echo(t("exchange.key_created", lang, path=output, id=key.id))
