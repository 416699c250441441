"""``csvc instruments list|show|validate``."""

from __future__ import annotations

import click

from csvc_core.cli.common import echo_json, json_option, lang_option
from csvc_core.errors import InstrumentInvalid


@click.group()
def instruments() -> None:
    """Instruments d'évaluation / Assessment instruments."""


@instruments.command("list")
@click.option("--sector", default=None, help="Only the instruments this sector uses.")
@json_option
@lang_option
def list_instruments(sector: str | None, as_json: bool, lang: str) -> None:
    """Lister les instruments / List instruments."""
    from csvc_core.framework import Csvc
    from csvc_core.i18n import t

    csvc = Csvc.load()
    found = csvc.instruments(sector)
    for line in csvc.broken_plugins():
        click.echo(t("instruments.plugin_failed", lang, failure=line), err=True)
    if as_json:
        echo_json(
            [
                {
                    "id": i.id,
                    "version": i.version,
                    "title": {"fr": i.title.fr, "en": i.title.en},
                    "sectors": list(i.sectors),
                }
                for i in found
            ]
        )
        return
    for instrument in found:
        click.echo(f"{instrument.id:<22} {instrument.version:<6} {instrument.title.get(lang)}")


@instruments.command("show")
@click.argument("instrument_id")
@click.option("--sector", default=None, help="The instrument as this sector asks it.")
@json_option
@lang_option
def show_instrument(instrument_id: str, sector: str | None, as_json: bool, lang: str) -> None:
    """Afficher un instrument / Show one instrument."""
    from csvc_core.framework import Csvc
    from csvc_core.instruments import instrument_to_json

    instrument = Csvc.load().instrument(instrument_id, sector)
    if as_json:
        echo_json(instrument_to_json(instrument))
        return
    click.echo(f"{instrument.title.get(lang)} — {instrument.id} v{instrument.version}")
    for item in instrument.items:
        group = f"[{item.group}] " if item.group else ""
        click.echo(f"  {item.id:<26} {item.type:<12} {group}{item.label.get(lang)}")
    for level in sorted(instrument.levels, key=lambda level: level.rank):
        click.echo(
            f"  {level.rank}. {level.id} ({level.compromission}/4) {level.label.get(lang)} "
            f"{level.reassess_after or ''}"
        )


@instruments.command("validate")
@click.argument("paths", nargs=-1, type=click.Path())
@lang_option
def validate(paths: tuple[str, ...], lang: str) -> None:
    """Valider des fichiers d'instruments / Validate instrument files.

    Without PATH, checks every instrument that the installed plugins ship.
    """
    from pathlib import Path

    from csvc_core.framework import Csvc, _instrument_files
    from csvc_core.i18n import t
    from csvc_core.instruments import load_instrument
    from csvc_core.mandate import instrument_sector_problems
    from csvc_core.problems import Problem, worded

    csvc = Csvc.load()
    problems: list[str] = []
    count = 0
    if paths:
        seen: dict[str, Path] = {}
        for path in _instrument_files(Path(p) for p in paths):
            try:
                instrument = load_instrument(path, csvc.vocabulary, csvc.rules)
            except InstrumentInvalid as exc:
                problems.extend(exc.problems)
                continue
            if instrument.id in seen:
                problems.append(
                    Problem(
                        f"{path}: $.id", "author.already_defined", id=instrument.id, other=seen[instrument.id]
                    )
                )
                continue
            seen[instrument.id] = path
            problems.extend(instrument_sector_problems(instrument, csvc.sectors))
            count += 1
    else:
        problems = [*csvc.broken_plugins(), *csvc.catalogue.problems]
        count = len(csvc.catalogue.instruments)
    for problem in problems:
        click.echo(worded(problem, lang), err=True)
    if problems:
        raise SystemExit(2)
    click.echo(t("instruments.valid", lang, count=count))
