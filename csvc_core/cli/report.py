"""``csvc report CASE``: the case report, the concertation summary, or the victim's printable plan."""

from __future__ import annotations

from pathlib import Path

import click

from csvc_core.cli.common import lang_option
from csvc_core.cli.storeopts import store_command, unlocked
from csvc_core.inputfiles import PLAN_MAX_BYTES, read_json
from csvc_core.output import to_json
from csvc_core.outputfiles import check_destination, write_file
from csvc_core.store import casefile, casetools, concertation_reading

KINDS = ("case", "concertation", "plan")


@click.command()
@click.argument("case_id", metavar="CASE")
@click.option("--format", "fmt", type=click.Choice(["html", "md", "pdf"]), default="html", show_default=True)
@click.option(
    "-o",
    "--output",
    default=None,
    help="File to write (default: stdout; required for pdf).",
)
@click.option(
    "--kind",
    type=click.Choice(KINDS),
    default="case",
    show_default=True,
    help="case: the full report; concertation: the minimum for a meeting; plan: her printable plan "
    "(the case's safety plan, or --plan FILE).",
)
@click.option(
    "--plan",
    "plan_path",
    default=None,
    help="Safety plan JSON to print instead of the case's (with --kind plan), or - for stdin.",
)
@click.option("--reveal", is_flag=True, help="Print the case's name in the full report (audited).")
@store_command
@lang_option
def report(
    case_id: str,
    fmt: str,
    output: str | None,
    kind: str,
    plan_path: str | None,
    reveal: bool,
    store_url: str | None,
    user_name: str | None,
    lang: str,
) -> None:
    """Rapport d'un dossier / Report of a case (French by default)."""
    from csvc_core.errors import BadInput
    from csvc_core.framework import Csvc
    from csvc_core.jsonio import now_local
    from csvc_core.reports.casefile import case_report_context
    from csvc_core.reports.concertation import concertation_context
    from csvc_core.reports.plan import PLAN_TOOL, plan_context
    from csvc_core.reports.rendering import render

    if fmt == "pdf" and output is None:
        raise BadInput(key="error.report.pdf_output")
    if kind != "plan" and plan_path is not None:
        raise BadInput(key="error.report.plan_only")
    if output is not None:
        check_destination(Path(output))
    plan, plan_name = read_json(plan_path, PLAN_MAX_BYTES) if plan_path else (None, "")
    csvc = Csvc.load()
    with unlocked(store_url, user_name, lang) as session:
        detail = session.run(
            casefile.case_detail, case_id, reveal=reveal and kind == "case", results=kind != "plan"
        )
        data = detail.to_json()
        if kind == "case":
            context = case_report_context(data, csvc, lang, now_local(), session.actor.name)
        elif kind == "concertation":
            cell = [
                to_json(session.run(concertation_reading.record, c.id))
                for c in session.run(concertation_reading.list_concertations)
                if c.case == case_id
            ]
            context = concertation_context(data, csvc, lang, now_local(), cell)
        elif plan is None:
            context = plan_context(
                session.run(casetools.read_tool, case_id, PLAN_TOOL).content, lang, PLAN_TOOL
            )
        else:
            context = plan_context(plan, lang, plan_name)
        if fmt == "pdf":
            from csvc_core.reports.pdf import BUILDERS

            content: str | bytes = BUILDERS[kind](context)
        else:
            content = render(kind, fmt, **context)
        session.run(casefile.record_print, case_id, kind=kind, fmt=fmt, fields=_fields(kind, reveal))
    if output is None:
        click.echo(content, nl=False)
    else:
        write_file(Path(output), content)  # mode 0600: it holds personal information


def _fields(kind: str, reveal: bool) -> list[str]:
    if kind == "plan":
        return ["safety_plan"]
    if kind == "concertation":
        return ["risk_level", "factors", "actions"]
    return ["level", "assessments", "results", "actions", "events"] + (["label"] if reveal else [])
