"""Errors that the CLI, the TUI and integrators can show as one clear line."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping

import attrs

from csvc_core.i18n import DEFAULT_LANGUAGE, Term, t, word
from csvc_core.problems import ProblemLines, worded

_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def json_path(parent: str, key: object) -> str:
    """``parent.key``, or ``parent['key']`` when the key is not a plain name (messages stay one line)."""
    if isinstance(key, str) and _PLAIN_KEY.fullmatch(key):
        return f"{parent}.{key}"
    return f"{parent}[{key!r}]"


@attrs.frozen
class Field:
    """A field of a request, named by an error about it (``Field("label")``): each interface words it its own
    way. A person reads the catalogue's ``field.<code>`` (« libellé »); the command line names the option or
    argument that gave the value (``--label``)."""

    code: str

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return word("field", self.code, lang)

    def __str__(self) -> str:
        return self.text()


class CsvcError(Exception):
    """Base class: the message is meant for a person, in one line.

    A message a person reads is a catalogue key plus values: ``BadInput(key="error.input.integer_expected",
    where=..., value=...)``; :meth:`text` words it in a language, ``str(error)`` in French (the default).
    A value that is itself a :class:`CsvcError` (an error that wraps another), a :class:`Term`, a
    :class:`Field` or :class:`~csvc_core.problems.ProblemLines` is worded in the same language.
    A plain string message (no key) is kept for texts already worded by the caller.
    """

    exit_code = 1

    def __init__(self, message: str = "", /, *, key: str | None = None, **values: object) -> None:
        self.key = key
        self.values: dict[str, object] = values
        super().__init__(self.text() if key is not None else message)

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The message in ``lang`` (French when the language is unknown)."""
        if self.key is None:
            return str(self)
        shown = {
            name: value.text(lang) if isinstance(value, CsvcError | Term | Field | ProblemLines) else value
            for name, value in self.values.items()
        }
        return t(self.key, lang, **shown)

    def with_fields_named(self, names: Mapping[str, str]) -> CsvcError:
        """A copy of this error in which each :class:`Field` that ``names`` knows (code → name) is shown by
        that name instead of its word: the command line names a field by its option. The error itself is left
        as it is (another reader may still word its fields); one that names none of them comes back as is."""
        values = {
            name: (
                names.get(value.code, value)
                if isinstance(value, Field)
                else value.with_fields_named(names)
                if isinstance(value, CsvcError)
                else value
            )
            for name, value in self.values.items()
        }
        if all(values[name] is value for name, value in self.values.items()):
            return self
        named = copy.copy(self)
        named.values = values
        return named


class BadInput(CsvcError):
    """The caller gave something unusable (file, field, item, value are named in the message)."""

    exit_code = 2


class OperationFailed(CsvcError):
    """A well-formed request could not be carried out (store refused, access denied, ...)."""

    exit_code = 1


class InstrumentInvalid(BadInput):
    """An instrument file has one or more problems; ``problems`` holds one line each (a
    :class:`~csvc_core.problems.Problem`, worded in the reader's language by :meth:`text`)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(self.text())

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        lines = [worded(problem, lang) for problem in self.problems]
        if len(lines) == 1:
            return lines[0]
        return t("error.instrument.problems", lang, count=len(lines), problems="\n".join(lines))
