"""Helpers shared by the CLI commands: printing JSON, the language option, values asked rather than given."""

from __future__ import annotations

import json
from typing import Any

import click

from csvc_core.i18n import DEFAULT_LANGUAGE, languages, t

#: where ``--lang`` leaves the command's language, for the CLI to word an error in it (``ctx.meta`` is shared
#: by the nested contexts of one run).
LANG_META = "csvc.lang"
#: where the running command leaves itself, for the CLI to name the fields of an error by its options.
COMMAND_META = "csvc.command"


def _remember_language(ctx: click.Context, _param: click.Parameter, value: str) -> str:
    ctx.meta[LANG_META] = value
    ctx.meta[COMMAND_META] = ctx.command
    return value


def option_names(command: click.Command | None) -> dict[str, str]:
    """How the command line names a field of a request: by the option (``--label``) or the argument
    (``NAME``) of ``command`` that gives its value, a parameter being named for the field it fills."""
    if command is None:
        return {}
    return {
        param.name: param.opts[0] if isinstance(param, click.Option) else param.human_readable_name
        for param in command.params
        if param.name is not None
    }


lang_option = click.option(
    "--lang",
    type=click.Choice(languages()),
    default="fr",
    envvar="CSVC_LANG",
    show_default=True,
    is_eager=True,
    callback=_remember_language,
    help="Langue / language.",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Sortie JSON / JSON output.")


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


#: the value of an identifying option that means "ask me": the value never appears among the arguments.
ASKED = "-"


def _ask_when_dash(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value != ASKED:
        return value
    option = param.opts[0] if param.opts else str(param.name)
    lang = ctx.meta.get(LANG_META, DEFAULT_LANGUAGE)
    return str(click.prompt(t("cli.ask_value", lang, option=option), err=True))


def identifying_option(*decls: str, help: str, **attrs: Any) -> Any:
    """A text option that may identify someone (a name, a phone, a note, a reason): given as ``-``, its value
    is asked on the terminal (from standard input when it is not one: a line per option, in the order given),
    since every user of the computer can read a command's arguments in the process list. Its help says so
    (:mod:`csvc_core.cli.helptexts`)."""
    return click.option(*decls, callback=_ask_when_dash, help=help, **attrs)


def asked_on_dash(param: click.Parameter) -> bool:
    """Whether ``param`` is an :func:`identifying_option` (``-`` asks its value at a prompt)."""
    return param.callback is _ask_when_dash
