"""Problems in what a plugin or instrument author wrote: where (``file: $.items[3].factor``), and what is
wrong as a catalogue key (``author.<...>``) with its values, worded late in the reader's language."""

from __future__ import annotations

from csvc_core.i18n import DEFAULT_LANGUAGE, t


class Problem(str):
    """One problem, one line: ``str(problem)`` is the line in French (the default language), :meth:`text`
    words it in another; the location and the values are the same in every language."""

    at: str
    key: str
    values: dict[str, object]

    def __new__(cls, at: str, key: str, /, **values: object) -> Problem:
        line = super().__new__(cls, _line(at, t(key, DEFAULT_LANGUAGE, **values)))
        line.at, line.key, line.values = at, key, values
        return line

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The line in ``lang``."""
        return _line(self.at, t(self.key, lang, **self.values))

    def __getnewargs_ex__(self) -> tuple[tuple[str, str], dict[str, object]]:
        return (self.at, self.key), self.values


def _line(at: str, words: str) -> str:
    return f"{at}: {words}" if at else words


def within(where: str, problem: str) -> str:
    """``problem`` located inside ``where`` (a file, a plugin): ``where: problem``, still worded late."""
    if isinstance(problem, Problem):
        return Problem(_line(where, problem.at) if problem.at else where, problem.key, **problem.values)
    return _line(where, problem)


class ProblemLines:
    """Problems as one value of a message (``; ``-joined), worded in the message's language."""

    def __init__(self, problems: list[str], joiner: str = "; ") -> None:
        self.problems = problems
        self.joiner = joiner

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return self.joiner.join(worded(problem, lang) for problem in self.problems)

    def __str__(self) -> str:
        return self.text()


def worded(problem: str, lang: str) -> str:
    """A problem line in ``lang`` (a plain line, a plugin's own, stays as it is)."""
    return problem.text(lang) if isinstance(problem, Problem) else problem
