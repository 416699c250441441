"""Helpers shared by the CLI commands: reading JSON input, printing JSON, the language option."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from csvc_core.errors import BadInput

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


def read_json(path: str) -> tuple[Any, str]:
    """The JSON document in ``path`` (``-``: standard input), and the name to use in messages."""
    name = "<stdin>" if path == "-" else path
    try:
        if path == "-":
            text = sys.stdin.read()
        else:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
    except OSError as exc:
        raise BadInput(key="error.file.cannot_read", path=name, problem=exc.strerror) from None
    except UnicodeDecodeError:
        raise BadInput(key="error.file.not_utf8", path=name) from None
    try:
        return json.loads(text), name
    except json.JSONDecodeError as exc:
        raise BadInput(
            key="error.file.bad_json", path=name, line=exc.lineno, column=exc.colno, problem=exc.msg
        ) from None


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))
