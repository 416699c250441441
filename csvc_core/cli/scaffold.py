"""``csvc plugin new``: write a working plugin project for a plugin author."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from csvc_core.cli.common import lang_option


@click.group()
def plugin() -> None:
    """Outils pour auteurs de modules / Tools for plugin authors."""


@plugin.command("new")
@click.argument("name")
@click.option("--dir", "parent", default=".", type=click.Path(file_okay=False), help="Folder to write it in.")
@click.option("--sector", default=None, help="Sector id it serves (default: a new sector named NAME).")
@lang_option
def new(name: str, parent: str, sector: str | None, lang: str) -> None:
    """Créer un projet de module / Write a new plugin project.

    NAME is a short name such as dv-hotline: the project is csvc-dv-hotline, the package csvc_dv_hotline.
    """
    from csvc_core.framework import Csvc
    from csvc_core.i18n import t
    from csvc_core.scaffold import plugin_spec, refuse_taken_name, write_plugin

    spec = plugin_spec(name, sector, known_sectors=Csvc.load().sectors)
    refuse_taken_name(spec)
    target = write_plugin(spec, Path(parent))
    click.echo(t("scaffold.created", lang, path=target, name=spec.name, package=spec.package))
    click.echo(t("scaffold.next", lang, path=target, python=shlex.quote(sys.executable)))
