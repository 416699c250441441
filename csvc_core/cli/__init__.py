"""The ``csvc`` command line. Subcommands are imported only when used, to keep start-up fast."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from csvc_core.cli.clickwords import speak
from csvc_core.cli.common import COMMAND_META, LANG_META, option_names
from csvc_core.cli.helptexts import command_path, word_help
from csvc_core.errors import BadInput, CsvcError
from csvc_core.i18n import DEFAULT_LANGUAGE, is_language, t
from csvc_core.plugins import strict_plugins

#: subcommand name -> "module:attribute" of a click command; imported on first use.
COMMANDS: dict[str, str] = {
    "assess": "csvc_core.cli.assess:assess",
    "instruments": "csvc_core.cli.instruments:instruments",
    "plugins": "csvc_core.cli.plugins:plugins",
    "plugin": "csvc_core.cli.scaffold:plugin",
    "schema": "csvc_core.cli.schemas:schema",
    "store": "csvc_core.cli.store:store",
    "case": "csvc_core.cli.case:case",
    "followup": "csvc_core.cli.followup:followup",
    "action": "csvc_core.cli.action:action",
    "audit": "csvc_core.cli.audit:audit",
    "user": "csvc_core.cli.user:user",
    "org": "csvc_core.cli.user:org",
    "exchange": "csvc_core.cli.exchange:exchange",
    "export": "csvc_core.cli.transfer:export",
    "import": "csvc_core.cli.transfer:import_",
    "report": "csvc_core.cli.report:report",
    "stats": "csvc_core.cli.stats:stats",
    "consent": "csvc_core.cli.consent:consent",
    "disclose": "csvc_core.cli.disclose:disclose",
    "concertation": "csvc_core.cli.concertation:concertation",
    "emergency": "csvc_core.cli.emergency:emergency",
    "tui": "csvc_tui.cli:tui",
}


class CsvcClickError(click.ClickException):
    """A :class:`CsvcError` as click shows it: ``csvc: message`` on stderr, exit 1 (an operation failed)."""

    def show(self, file: Any = None) -> None:
        click.echo(f"csvc: {self.message}", err=True)


class CsvcBadInputError(CsvcClickError):
    """Bad input or usage: exit 2."""

    exit_code = 2


class LazyGroup(click.Group):
    """A click group whose subcommands live in modules imported on demand; when this run may show help,
    they get their help in its language (:mod:`csvc_core.cli.helptexts`)."""

    #: the language of the help texts, when this run may show them (:func:`help_wanted`).
    help_language: str | None = None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CsvcError as exc:
            named = exc.with_fields_named(option_names(ctx.meta.get(COMMAND_META)))
            message = named.text(ctx.meta.get(LANG_META, DEFAULT_LANGUAGE))
            raise (CsvcBadInputError if exc.exit_code == 2 else CsvcClickError)(message) from None

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *super().list_commands(ctx), *_plugin_commands()})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS:
            module_name, attr = COMMANDS[cmd_name].split(":")
            command: click.Command = getattr(importlib.import_module(module_name), attr)
            if self.help_language is not None:
                word_help(command, cmd_name, self.help_language)
            return command
        found = super().get_command(ctx, cmd_name)
        if found is None:
            found = _plugin_commands().get(cmd_name)
            if found is not None and self.help_language is not None:
                word_help(found, cmd_name, self.help_language)
        return found


def _plugin_commands() -> dict[str, click.Command]:
    """Subcommands contributed by plugins through ``csvc_commands`` (a failing plugin is left out)."""
    from csvc_core.framework import Csvc

    found: dict[str, click.Command] = {}
    for _, command in Csvc.load()._collect("csvc_commands", click.Command, {}, None):
        if command.name and command.name not in COMMANDS and command.name not in found:
            found[command.name] = command
    return found


@click.group(cls=LazyGroup, invoke_without_command=True)
@click.version_option(package_name="csvc")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """csvc — évaluation du niveau de compromission de la sécurité (CSVC).

    Sans sous-commande, ouvre l'interface terminal (mêmes options que « csvc tui », p. ex. csvc --lang en).
    """
    if ctx.invoked_subcommand is None:
        tui = cli.get_command(ctx, "tui")
        if tui is None:
            click.echo(ctx.get_help())
            return
        ctx.invoke(tui)


def with_default_command(argv: list[str]) -> list[str]:
    """``csvc OPTIONS`` with no subcommand is ``csvc tui OPTIONS`` (``csvc --lang en`` opens the English UI);
    the group's own ``--help`` and ``--version`` excepted."""
    if argv and argv[0].startswith("-") and argv[0] not in ("--help", "--version"):
        return ["tui", *argv]
    return argv


def asked_language(argv: list[str]) -> str:
    """The ``--lang`` of a command line (the last one given), else ``$CSVC_LANG``: the language of click's
    help and usage errors, and of errors met outside any command. An unknown language is left aside."""
    asked = [os.environ.get("CSVC_LANG", "")]
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            asked.append(argv[index + 1])
        elif arg.startswith("--lang="):
            asked.append(arg.removeprefix("--lang="))
    return next((lang for lang in reversed(asked) if is_language(lang)), DEFAULT_LANGUAGE)


def help_wanted(argv: list[str]) -> bool:
    """Whether this command line may show help texts: ``--help``, or a group without its subcommand (the
    others do not read them, and leave the catalogue unread)."""
    return "--help" in argv or len([arg for arg in argv if not arg.startswith("-")]) < 2


def check_arguments(argv: list[str]) -> None:
    """:class:`BadInput` naming the first argument that is not UTF-8 text (its bytes shown escaped)."""
    for position, arg in enumerate(argv, start=1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            shown = os.fsencode(arg).decode("utf-8", "backslashreplace")
            raise BadInput(key="error.input.argument_not_utf8", position=position, value=shown) from None


def main(argv: list[str] | None = None) -> Any:
    """Entry point: run the CLI; every error becomes one line on stderr, in the command's ``--lang``, with
    exit status 2 (bad input) or 1 (an operation failed, or an unexpected error)."""
    given = sys.argv[1:] if argv is None else argv
    lang = asked_language(given)
    speak(lang, help_wanted(given))
    if help_wanted(given):
        cli.help_language = lang
        word_help(cli, "csvc", lang)
    try:
        check_arguments(given)
        return cli.main(args=with_default_command(given), prog_name="csvc", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo(t("cli.aborted", lang), err=True)
        sys.exit(1)
    except click.UsageError as exc:
        if exc.ctx is not None:  # its usage line, in the run's language
            word_help(exc.ctx.command, command_path(exc.ctx), lang)
        exc.show()
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except CsvcError as exc:
        click.echo(f"csvc: {exc.text(lang)}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(1)
    except Exception as exc:
        if os.environ.get("CSVC_DEBUG") or strict_plugins():
            raise
        first_line = next(iter(str(exc).strip().splitlines()), "")
        error = f"{type(exc).__name__}: {first_line}".encode("utf-8", "backslashreplace").decode("utf-8")
        click.echo(t("cli.unexpected", lang, error=error), err=True)
        sys.exit(1)
