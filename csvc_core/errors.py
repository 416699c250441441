"""Errors that the CLI, the TUI and integrators can show as one clear line."""

from __future__ import annotations

import re

_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def json_path(parent: str, key: object) -> str:
    """``parent.key``, or ``parent['key']`` when the key is not a plain name (messages stay one line)."""
    if isinstance(key, str) and _PLAIN_KEY.fullmatch(key):
        return f"{parent}.{key}"
    return f"{parent}[{key!r}]"


class CsvcError(Exception):
    """Base class: the message is meant for a person, in one line."""

    exit_code = 1


class BadInput(CsvcError):
    """The caller gave something unusable (file, field, item, value are named in the message)."""

    exit_code = 2


class OperationFailed(CsvcError):
    """A well-formed request could not be carried out (store refused, access denied, ...)."""

    exit_code = 1


class InstrumentInvalid(BadInput):
    """An instrument file has one or more problems; ``problems`` holds one line each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            problems[0] if len(problems) == 1 else f"{len(problems)} problems:\n" + "\n".join(problems)
        )
