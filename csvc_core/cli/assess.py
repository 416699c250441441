"""``csvc assess``: score one assessment, no store involved."""

from __future__ import annotations

import click

from csvc_core.cli.common import echo_json, json_option, lang_option
from csvc_core.inputfiles import ANSWERS_MAX_BYTES, read_json


@click.command()
@click.option("--instrument", "instrument_id", required=True, help="Instrument id, e.g. csvc-grid.")
@click.option("--answers", "answers_path", required=True, help="Answers JSON file, or - for standard input.")
@click.option("--sector", default=None, help="Acting sector: its adaptation and its actions only.")
@json_option
@lang_option
def assess(instrument_id: str, answers_path: str, sector: str | None, as_json: bool, lang: str) -> None:
    """Évaluer une fois, sans dossier / Score one assessment without a store."""
    from csvc_core.framework import Csvc

    payload, name = read_json(answers_path, ANSWERS_MAX_BYTES)
    csvc = Csvc.load()
    if sector is not None:
        csvc.check_sector(sector)
    result = csvc.assess(instrument_id, payload, sector=sector, source=name)
    if as_json:
        echo_json(result.to_json())
    else:
        from csvc_core.render import render_result

        click.echo(render_result(result, lang))
