"""Helpers shared by the CLI commands: reading JSON input, printing JSON, the language option."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from csvc_core.errors import BadInput

lang_option = click.option(
    "--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True, help="Langue / language."
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
        raise BadInput(f"{name}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise BadInput(f"{name}: not UTF-8 text") from None
    try:
        return json.loads(text), name
    except json.JSONDecodeError as exc:
        raise BadInput(
            f"{name}: malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))
