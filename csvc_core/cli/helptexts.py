"""Each command's and option's help in the language of the command line, from the catalogue.

``cli.help.<path>`` is a command's help (``cli.help.case.show``; the root is ``cli.help.csvc``);
``cli.option.<path>.<option>`` an option's, else ``cli.option.<option>`` for the options that many commands
share with the same meaning (``--lang``, ``--store``, ``--user``, ``--json``). A command or option the
catalogue does not know (a plugin's) keeps the help it was given.
"""

from __future__ import annotations

import click

from csvc_core.cli.common import ASKED, asked_on_dash
from csvc_core.i18n import catalogue


def word_help(command: click.Command, path: str, lang: str) -> None:
    """Give ``command`` (and its subcommands) their help in ``lang``."""
    texts = catalogue(lang)
    command.help = texts.get(f"cli.help.{path}", command.help)
    for param in command.params:
        if not isinstance(param, click.Option) or param.name is None:
            continue
        text = texts.get(f"cli.option.{path}.{param.name}") or texts.get(f"cli.option.{param.name}")
        if text is None:
            continue
        if asked_on_dash(param):
            text += " " + texts["cli.option.asked"].format(dash=ASKED)
        param.help = text
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            word_help(sub, f"{path}.{name}", lang)
