"""click's own words (``Usage:``, ``Options``, ``Show this message and exit.``, its usage errors) from the
catalogue, in the language of the command line.

click words its messages through ``gettext`` (each of its modules holds ``_`` and ``ngettext``); csvc has no
gettext catalogue but its own, so :func:`speak` gives those modules functions that read ours: ``click.<key>``
for a message, ``click.<key>.one`` / ``.many`` for one that has a plural. A message not listed stays as click
words it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from csvc_core.i18n import t

#: click's modules that word messages.
CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.termui",
    "click.types",
)

#: click's message -> its catalogue key (``click.<key>``); the placeholders are click's, kept as they are.
MESSAGES: dict[str, str] = {
    "Usage:": "usage",
    "Options": "options",
    "Commands": "commands",
    "Positional arguments": "arguments",
    "Aborted!": "aborted",
    "Missing command.": "missing_command",
    "deprecated": "deprecated",
    "required": "required",
    "default: {default}": "default",
    "env var: {var}": "env_var",
    "(dynamic)": "dynamic",
    "Show this message and exit.": "help",
    "Show the version and exit.": "version",
    "%(prog)s, version %(version)s": "version_line",
    "Do you want to continue?": "confirm",
    "Confirm the action without prompting.": "yes",
    "Missing argument": "missing_argument",
    "Missing option": "missing_option",
    "Missing parameter": "missing_parameter",
    "Missing parameter: {param_name}": "missing_parameter_named",
    "Missing {param_type}": "missing_param_type",
    "unknown error": "unknown_error",
    "Invalid value for {param_hint}: {message}": "invalid_value_for",
    "Invalid value: {message}": "invalid_value",
    "Could not open file {filename!r}: {message}": "file_open",
    "Error: {message}": "error",
    "Try '{command} {option}' for help.": "try_help",
    "No such option {name!r}.": "no_such_option",
    "No such command {name!r}.": "no_such_command",
    "Option {name!r} does not take a value.": "no_value",
    "Argument {name!r} takes {nargs} values.": "argument_values",
    "Repeat for confirmation": "repeat",
    "Error: The two entered values do not match.": "mismatch",
    "Error: invalid input": "invalid_input",
    "Press any key to continue...": "press_key",
    "Choose from:\n\t{choices}": "choose_from",
    "file": "file",
    "directory": "directory",
    "path": "path",
    "{value} is not in the range {range}.": "out_of_range",
    "{value!r} is not a valid boolean. Recognized values: {states}": "not_boolean",
    "{value!r} is not a valid {number_type}.": "not_number",
    "{value!r} is not a valid UUID.": "not_uuid",
    "{name} {filename!r} is a file.": "is_file",
    "{name} {filename!r} is a directory.": "is_directory",
    "{name} {filename!r} is not readable.": "not_readable",
    "{name} {filename!r} is not writable.": "not_writable",
    "{name} {filename!r} is not executable.": "not_executable",
    "{name} {filename!r} does not exist.": "not_found",
}

#: click's messages with a plural, by their singular -> ``click.<key>.one`` and ``click.<key>.many``.
PLURALS: dict[str, str] = {
    "Got unexpected extra argument ({args})": "extra_arguments",
    "Takes {nargs} values but 1 was given.": "values_given",
    "Did you mean {possibility}?": "did_you_mean",
    "Option {name!r} requires an argument.": "option_argument",
    "{value!r} is not {choice}.": "not_choice",
    "{value!r} does not match the format {format}.": "not_format",
    "{len_type} values are required, but {len_value} was given.": "values_required",
}


#: the help option's text: click words it when it builds any command's parser, shown only with the help.
HELP_OPTION = "Show this message and exit."


def speak(lang: str, help_shown: bool = True) -> None:
    """Make click word its messages in ``lang`` for the rest of this run; when no help is shown, the help
    option's text is left unworded, so that a run that shows no text reads no catalogue."""
    gettext, ngettext = translators(lang, help_shown)
    for name in CLICK_MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "_"):
            module._ = gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]


def translators(
    lang: str, help_shown: bool = True
) -> tuple[Callable[[str], str], Callable[[str, str, int], str]]:
    """``gettext`` and ``ngettext`` reading csvc's catalogue in ``lang``."""

    def gettext(message: str) -> str:
        key = MESSAGES.get(message)
        if key is None or (message == HELP_OPTION and not help_shown):
            return message
        return t(f"click.{key}", lang)

    def ngettext(singular: str, plural: str, count: int) -> str:
        key = PLURALS.get(singular)
        if key is None:
            return singular if count == 1 else plural
        return t(f"click.{key}.{'one' if count == 1 else 'many'}", lang)

    return gettext, ngettext
