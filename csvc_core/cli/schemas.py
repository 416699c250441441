"""``csvc schema NAME``: print a JSON Schema of what csvc reads and writes."""

from __future__ import annotations

import click

from csvc_core.cli.common import echo_json


@click.command("schema")
@click.argument("name")
def schema(name: str) -> None:
    """Afficher un schéma JSON / Print a JSON Schema (answers, result, ...)."""
    from csvc_core.schemas import schema as load

    echo_json(load(name))
