"""Helpers shared by the CLI commands: printing JSON, the language option."""

from __future__ import annotations

import json
from typing import Any

import click

#: where ``--lang`` leaves the command's language, for the CLI to word an error in it (``ctx.meta`` is shared
#: by the nested contexts of one run).
LANG_META = "csvc.lang"


def _remember_language(ctx: click.Context, _param: click.Parameter, value: str) -> str:
    ctx.meta[LANG_META] = value
    return value


lang_option = click.option(
    "--lang",
    type=click.Choice(["fr", "en"]),
    default="fr",
    show_default=True,
    is_eager=True,
    callback=_remember_language,
    help="Langue / language.",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Sortie JSON / JSON output.")


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))
