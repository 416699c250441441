"""``csvc stats``: de-identified aggregates of the cases the acting user may see; ``csvc stats validity``: how
well each instrument and level anticipated the outcomes recorded."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from csvc_core.cli.common import lang_option
from csvc_core.cli.storeopts import store_command, unlocked

if TYPE_CHECKING:
    from csvc_core.stats.facts import CaseFacts


def _moment(value: str | None, option: str) -> datetime | None:
    from csvc_core.errors import BadInput

    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise BadInput(key="error.input.date_or_datetime", where=option, value=value) from None
    return moment if moment.tzinfo is not None else moment.astimezone()


def _period(start: str | None, end: str | None) -> tuple[datetime, datetime]:
    """``--from`` and ``--to`` (default: the 365 days to now), checked in order."""
    from csvc_core.errors import BadInput
    from csvc_core.jsonio import now_local

    period_end = _moment(end, "--to") or now_local()
    period_start = _moment(start, "--from") or period_end - timedelta(days=365)
    if period_start >= period_end:
        raise BadInput(key="error.input.period", end=period_end.date(), start=period_start.date())
    return period_start, period_end


def _window(value: str) -> timedelta:
    """``90d``, ``12w``, ``6m`` (30 days a month) or ``1y`` (365 days)."""
    from csvc_core.errors import BadInput

    days = {"d": 1, "w": 7, "m": 30, "y": 365}
    number, unit = value[:-1], value[-1:].lower()
    if unit not in days or not number.isdigit() or int(number) == 0:
        raise BadInput(key="error.input.window", value=value)
    return timedelta(days=int(number) * days[unit])


def report_options(function: Any) -> Any:
    """``--from``, ``--to``, ``--format``, ``-o``, ``--threshold``, the store's options and ``--lang``: what
    every statistics report takes."""
    for option in reversed(
        (
            click.option(
                "--from",
                "start",
                default=None,
                help="Start of the period (YYYY-MM-DD; default: 365 days ago).",
            ),
            click.option(
                "--to", "end", default=None, help="End of the period, excluded (YYYY-MM-DD; default: now)."
            ),
            click.option(
                "--format",
                "fmt",
                type=click.Choice(["csv", "json", "html"]),
                default="csv",
                show_default=True,
            ),
            click.option("-o", "--output", default=None, help="File to write (default: stdout)."),
            click.option(
                "--threshold",
                type=click.IntRange(2, 100),
                default=5,
                show_default=True,
                help="Counts below this are suppressed.",
            ),
            store_command,
            lang_option,
        )
    ):
        function = option(function)
    return function


@click.group(invoke_without_command=True)
@report_options
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
    from csvc_core.stats.compute import compute
    from csvc_core.stats.output import write

    if click.get_current_context().invoked_subcommand is not None:
        return
    facts, period_start, period_end = _facts(start, end, output, store_url, user_name, lang)
    _emit(write(compute(facts, period_start, period_end, threshold), fmt, lang), output)


def _facts(
    start: str | None,
    end: str | None,
    output: str | None,
    store_url: str | None,
    user_name: str | None,
    lang: str,
) -> tuple[list[CaseFacts], datetime, datetime]:
    """The destination and the period checked, then the facts of the cases the user sees, and the period."""
    from csvc_core.outputfiles import check_destination
    from csvc_core.stats.gather import session_facts

    if output is not None:
        check_destination(Path(output))
    period_start, period_end = _period(start, end)
    with unlocked(store_url, user_name, lang) as session:
        return session_facts(session), period_start, period_end


def _emit(text: str, output: str | None) -> None:
    from csvc_core.outputfiles import write_file

    if output is None:
        click.echo(text, nl=False)
    else:
        write_file(Path(output), text)


@stats.command("validity")
@report_options
@click.option(
    "--window",
    default="6m",
    show_default=True,
    help="How long each assessment is followed: 90d, 12w, 6m, 1y.",
)
def validity(
    start: str | None,
    end: str | None,
    fmt: str,
    output: str | None,
    threshold: int,
    store_url: str | None,
    user_name: str | None,
    lang: str,
    window: str,
) -> None:
    """Validité des instruments / How well each instrument and level anticipated the outcomes recorded."""
    from csvc_core.jsonio import now_local
    from csvc_core.stats.validity import validity as compute_validity
    from csvc_core.stats.validity_output import write

    followed_for = _window(window)
    facts, period_start, period_end = _facts(start, end, output, store_url, user_name, lang)
    report = compute_validity(facts, period_start, period_end, followed_for, now_local(), threshold)
    _emit(write(report, fmt, lang), output)
