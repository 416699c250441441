"""``csvc safety-plan``: the shelter plugin's subcommands, contributed through ``csvc_commands``.

csvc safety-plan template [--json] [--lang fr|en]    # the sections and prompts to go through with her
csvc safety-plan check FILE [--json] [--lang fr|en]  # check a plan (exit 2 naming the bad field)
csvc safety-plan show CASE [--json] [--lang fr|en]   # the case's plan and who changed what when
csvc safety-plan import CASE FILE [--lang fr|en]     # a checked plan file saved as the case's plan
"""

from __future__ import annotations

import click

from csvc_core.plugin import (
    PLAN_MAX_BYTES,
    echo_json,
    json_option,
    lang_option,
    read_json,
    read_tool,
    save_tool,
    store_command,
    t,
    unlocked,
)
from csvc_shelter.safety_plan import (
    TOOL_ID,
    build_plan,
    load_template,
    plan_content,
    plan_to_json,
    template_to_json,
)


@click.group("safety-plan")
def safety_plan() -> None:
    """Plan de sécurité de la victime / The victim's safety plan."""


@safety_plan.command("template")
@json_option
@lang_option
def template_command(as_json: bool, lang: str) -> None:
    """Les sections et les questions du plan / The plan's sections and prompts."""
    template = load_template()
    if as_json:
        echo_json(template_to_json(template))
        return
    click.echo(template.title.get(lang))
    if template.intro is not None:
        click.echo(template.intro.get(lang))
    for section in template.sections:
        click.echo(f"\n{section.title.get(lang)}")
        for prompt in section.prompts:
            click.echo(f"  □ {prompt.text.get(lang)}")


@safety_plan.command("check")
@click.argument("path")
@json_option
@lang_option
def check_command(path: str, as_json: bool, lang: str) -> None:
    """Vérifier un plan (JSON) / Check a plan (JSON)."""
    payload, name = read_json(path, PLAN_MAX_BYTES)
    plan = build_plan(payload, source=name)
    if as_json:
        echo_json(plan_to_json(plan))
        return
    done = sum(entry.status == "in_place" for entry in plan.entries)
    click.echo(
        t(
            "shelter.plan.valid",
            lang,
            count=done,
            total=len(plan.entries),
            by=plan.made_by,
            when=plan.made_at.isoformat(),
        )
    )
    if plan.review_by is not None:
        click.echo(t("shelter.plan.review", lang, when=plan.review_by.isoformat()))
    template = load_template()
    for section in template.sections:
        click.echo(f"\n{section.title.get(lang)}")
        for prompt in section.prompts:
            entry = plan.entry(section.id, prompt.id)
            if entry is None:
                continue
            status = t(f"shelter.plan.status.{entry.status}", lang)
            answer = f" — {entry.answer}" if entry.answer else ""
            click.echo(f"  [{status}] {prompt.text.get(lang)}{answer}")


@safety_plan.command("show")
@click.argument("case_id", metavar="CASE")
@json_option
@store_command
@lang_option
def show_command(
    case_id: str, as_json: bool, store_url: str | None, user_name: str | None, lang: str
) -> None:
    """Le plan du dossier et son historique / The case's plan and its history."""
    with unlocked(store_url, user_name, lang) as session:
        record = session.run(read_tool, case_id, TOOL_ID)
    if as_json:
        history = [version.to_json() for version in record.history]
        echo_json({"case": case_id, "seq": record.seq, **record.content, "history": history})
        return
    template = load_template()
    for section in template.sections:
        click.echo(section.title.get(lang))
        for prompt in section.prompts:
            entry = record.content["sections"][section.id][prompt.id]
            status = t(f"shelter.plan.status.{entry['status']}", lang)
            answer = f" — {entry['answer']}" if entry["answer"] else ""
            click.echo(f"  [{status}] {prompt.text.get(lang)}{answer}")
    click.echo("")
    if not record.history:
        click.echo(t("shelter.plan.never_saved", lang))
    for version in record.history:
        fields = ", ".join(version.changed) or "—"
        when = version.saved_at.astimezone().strftime("%Y-%m-%d %H:%M")
        click.echo(
            t("shelter.plan.version", lang, seq=version.seq, when=when, by=version.saved_by, fields=fields)
        )


@safety_plan.command("import")
@click.argument("case_id", metavar="CASE")
@click.argument("path")
@store_command
@lang_option
def import_command(case_id: str, path: str, store_url: str | None, user_name: str | None, lang: str) -> None:
    """Enregistrer un plan (JSON) dans le dossier / Save a plan (JSON) in the case."""
    payload, name = read_json(path, PLAN_MAX_BYTES)
    plan = build_plan(payload, source=name)
    with unlocked(store_url, user_name, lang) as session:
        seq = session.run(save_tool, case_id, TOOL_ID, plan_content(plan))
    click.echo(t("shelter.plan.saved", lang, case=case_id, seq=seq))
