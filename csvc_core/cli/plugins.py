"""``csvc plugins``: what is loaded, what failed."""

from __future__ import annotations

import click

from csvc_core.cli.common import echo_json, json_option, lang_option


@click.command()
@json_option
@lang_option
def plugins(as_json: bool, lang: str) -> None:
    """Modules chargés et en échec / Loaded and failed plugins."""
    from csvc_core.framework import Csvc
    from csvc_core.i18n import t, word
    from csvc_core.problems import worded

    csvc = Csvc.load()
    infos = csvc.pm.plugin_infos()
    problems = [worded(problem, lang) for problem in csvc.catalogue.problems]
    if as_json:
        echo_json(
            {
                "plugins": [{"name": i.name, "version": i.version, "hooks": list(i.hooks)} for i in infos],
                "failed": [
                    {"name": f.name, "version": f.version, "error": f.error} for f in csvc.pm.failures
                ],
                "disabled": list(csvc.pm.disabled),
                "instrument_problems": problems,
            }
        )
        return
    click.echo(t("plugins.loaded", lang))
    for info in infos:
        click.echo(
            f"  {info.name} {info.version or ''}: {'; '.join(word('hook', h, lang) for h in info.hooks)}"
        )
    if csvc.pm.failures:
        click.echo(t("plugins.failed", lang))
        for failure in csvc.pm.failures:
            click.echo(f"  {failure.name} {failure.version or ''}: {failure.error}")
    if csvc.pm.disabled:
        click.echo(t("plugins.disabled", lang, names=", ".join(csvc.pm.disabled)))
    if problems:
        click.echo(t("plugins.problems", lang))
        for problem in problems:
            click.echo(f"  {problem}")
