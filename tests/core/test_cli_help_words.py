"""Every command's and option's help is the catalogue's, in French and in English: no command keeps the
English wording it was declared with."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import click
import pytest

from csvc_core.cli import cli
from csvc_core.cli.helptexts import option_help
from csvc_core.i18n import catalogue


def commands(command: click.Command, path: str) -> Iterator[tuple[str, click.Command]]:
    """Every command under ``command`` with its catalogue path, the lazily imported ones too."""
    yield path, command
    if isinstance(command, click.Group):
        context = click.Context(command)
        for name in command.list_commands(context):
            sub = command.get_command(context, name)
            assert sub is not None, name
            yield from commands(sub, name if path == "csvc" else f"{path}.{name}")


def missing_words(lang: str) -> list[str]:
    walked = list(commands(cli, "csvc"))  # first: a plugin's command brings its catalogue
    texts = catalogue(lang)
    missing = []
    for path, command in walked:
        if command.hidden:
            continue
        if f"cli.help.{path}" not in texts:
            missing.append(f"cli.help.{path}")
        for param in command.params:
            if not isinstance(param, click.Option) or param.hidden or param.name is None:
                continue
            if option_help(texts, path, param.name) is None:
                missing.append(f"cli.option.{path}.{param.name}")
    return missing


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_command_and_option_has_catalogue_help(lang: str) -> None:
    assert missing_words(lang) == []


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["user", "role", "--help", "--lang", "fr"], ["Changer le rôle", "Son nouveau rôle"]),
        (["case", "outcome", "--help", "--lang", "en"], ["Record an outcome", "Who reported it"]),
        (["stats", "validity", "--help", "--lang", "fr"], ["Validité des instruments", "Début de la"]),
        (["safety-plan", "show", "--help", "--lang", "en"], ["The case's plan and its history."]),
    ],
)
def test_a_recent_command_shows_its_help_in_the_language_asked(argv: list[str], words: list[str]) -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "csvc_core", *argv], capture_output=True, text=True, timeout=120, check=True
    ).stdout
    assert all(word in shown for word in words), shown
    assert "/" not in shown.splitlines()[2], shown  # one language, not "French / English"
