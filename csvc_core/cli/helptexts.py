"""Each command's and option's help in the language of the command line, from the catalogue.

``cli.help.<path>`` is a command's help (``cli.help.case.show``; the root is ``cli.help.csvc``);
``cli.option.<path>.<option>`` an option's, else the same key of a group above it (``cli.option.stats.start``
for ``csvc stats validity --from`` too), else ``cli.option.<option>`` for the options that many commands
share with the same meaning (``--lang``, ``--store``, ``--user``, ``--json``). A plugin words its own
commands with the same keys in its locale folder. ``cli.metavar.<name>`` names
what an option takes, by its type or its own metavar (``TEXTE``, ``ENTIER``, ``NOM``), and
``cli.metavar.subcommand`` a group's subcommand. A command or option the catalogue does not know (a
plugin's) keeps the help it was given.
"""

from __future__ import annotations

import click

from csvc_core.cli.common import ASKED, asked_on_dash
from csvc_core.i18n import catalogue


def word_help(command: click.Command, path: str, lang: str) -> None:
    """Give ``command`` (and its subcommands) their help in ``lang``, once a run (in the run's language)."""
    texts = catalogue(lang)
    command.help = texts.get(f"cli.help.{path}", command.help)
    for param in command.params:
        if not isinstance(param, click.Option) or param.name is None:
            continue
        if not param.is_flag and not isinstance(param.type, click.Choice):
            param.metavar = texts.get(f"cli.metavar.{param.metavar or param.type.name}", param.metavar)
        text = option_help(texts, path, param.name)
        if text is None:
            continue
        if asked_on_dash(param):
            text += " " + texts["cli.option.asked"].format(dash=ASKED)
        param.help = text
    if isinstance(command, click.Group):
        key = "subcommand_optional" if command.invoke_without_command else "subcommand"
        command.subcommand_metavar = texts.get(f"cli.metavar.{key}", command.subcommand_metavar)
        for name, sub in command.commands.items():
            word_help(sub, f"{path}.{name}", lang)


def option_help(texts: dict[str, str], path: str, name: str) -> str | None:
    """The catalogue's help of option ``name`` of the command at ``path``: its own, a group's, or shared."""
    parts = path.split(".")
    for end in range(len(parts), 0, -1):
        text = texts.get(f"cli.option.{'.'.join(parts[:end])}.{name}")
        if text is not None:
            return text
    return texts.get(f"cli.option.{name}")


def command_path(ctx: click.Context) -> str:
    """The catalogue path of the context's command: ``csvc case show`` is ``case.show``, ``csvc`` stays."""
    return ".".join(ctx.command_path.split()[1:]) or "csvc"
