"""``csvc stats``: de-identified aggregates of the cases the acting user may see."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import click

from csvc_core.cli.common import lang_option
from csvc_core.cli.storeopts import store_command, unlocked


def _moment(value: str | None, option: str) -> datetime | None:
    from csvc_core.errors import BadInput

    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise BadInput(key="error.input.date_or_datetime", where=option, value=value) from None
    return moment if moment.tzinfo is not None else moment.astimezone()


@click.command()
@click.option(
    "--from", "start", default=None, help="Start of the period (YYYY-MM-DD; default: 365 days ago)."
)
@click.option("--to", "end", default=None, help="End of the period, excluded (YYYY-MM-DD; default: now).")
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "html"]), default="csv", show_default=True)
@click.option("-o", "--output", default=None, help="File to write (default: stdout).")
@click.option(
    "--threshold",
    type=click.IntRange(2, 100),
    default=5,
    show_default=True,
    help="Counts below this are suppressed.",
)
@store_command
@lang_option
def stats(
    start: str | None,
    end: str | None,
    fmt: str,
    output: str | None,
    threshold: int,
    store_url: str | None,
    user_name: str | None,
    lang: str,
) -> None:
    """Statistiques dépersonnalisées / De-identified statistics."""
    from csvc_core.errors import BadInput
    from csvc_core.jsonio import now_local
    from csvc_core.outputfiles import check_destination, write_file
    from csvc_core.stats.compute import compute
    from csvc_core.stats.output import write

    if output is not None:
        check_destination(Path(output))
    period_end = _moment(end, "--to") or now_local()
    period_start = _moment(start, "--from") or period_end - timedelta(days=365)
    if period_start >= period_end:
        raise BadInput(key="error.input.period", end=period_end.date(), start=period_start.date())
    with unlocked(store_url, user_name, lang) as session:
        facts = session.statistics_facts()
    text = write(compute(facts, period_start, period_end, threshold), fmt, lang)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_file(Path(output), text)
