"""Problems meant for plugin and instrument authors are catalogue messages: the same bad instrument reads in
French or in English, with the same file, field, item and value; none is an English literal of the code."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from core_kit import count_table, run_csvc

from csvc_core.errors import InstrumentInvalid
from csvc_core.i18n import catalogue
from csvc_core.instruments import parse_instrument
from csvc_core.problems import Problem
from csvc_core.rules import BUILTIN_RULES
from csvc_core.vocabulary import load_vocabulary
from tests.support.instruments import write_toml

CORE = Path(__file__).resolve().parents[2] / "csvc_core"
#: the modules whose problems are worded for authors through the catalogue.
WORDED_MODULES = (
    "instruments.py",
    "rules.py",
    "mandate.py",
    "converter.py",
    "casetools.py",
    "vocabulary.py",
    "framework.py",
    "testing.py",
    "translations.py",
)


def bad_instrument(folder: Path) -> Path:
    """A count instrument (file named after its id): a bad factor, a rank gap, a bad weight and item type."""
    table = count_table()
    table["items"][4]["factor"] = "bad_mood"
    table["items"][2]["weight"] = 0
    table["items"][1]["type"] = "colour"
    table["levels"][2]["rank"] = 7
    path = folder / "test-count.toml"
    write_toml(path, table)
    return path


EXPECTED = {
    "fr": [
        "$.items[4].factor: code de facteur 'bad_mood' inconnu (question 'q5')",
        "$.items[2].weight: 0 doit valoir 1 ou plus",
        "$.items[1].type: type de question 'colour' inconnu",
        "$.levels: les rangs vont de 1 à 3 sans trou ni répétition, reçu [1, 2, 7]",
    ],
    "en": [
        "$.items[4].factor: unknown factor code 'bad_mood' (item 'q5')",
        "$.items[2].weight: 0 must be 1 or more",
        "$.items[1].type: unknown item type 'colour'",
        "$.levels: ranks must be 1..3 without gaps or repeats, got [1, 2, 7]",
    ],
}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_same_bad_instrument_reads_in_the_language_asked(tmp_path: Path, lang: str) -> None:
    path = bad_instrument(tmp_path)
    done = run_csvc("instruments", "validate", str(path), "--lang", lang)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    for expected in EXPECTED[lang]:
        assert any(line.startswith(f"{path}: {expected}") for line in lines), (expected, lines)
    other = EXPECTED["en" if lang == "fr" else "fr"]
    assert not any(expected.split(": ", 1)[1] in done.stderr for expected in other)


def test_csvc_lang_words_the_problems_when_no_lang_is_given(tmp_path: Path) -> None:
    import os

    path = bad_instrument(tmp_path)
    done = run_csvc("instruments", "validate", str(path), env={**os.environ, "CSVC_LANG": "en"})
    assert f"{path}: {EXPECTED['en'][0]}" in done.stderr


def test_each_problem_keeps_its_location_and_values_and_words_in_both_languages(tmp_path: Path) -> None:
    path = bad_instrument(tmp_path)
    with pytest.raises(InstrumentInvalid) as caught:
        import tomllib

        parse_instrument(
            tomllib.loads(path.read_text(encoding="utf-8")),
            str(path),
            load_vocabulary(),
            {rule.kind: rule for rule in BUILTIN_RULES},
        )
    problems = caught.value.problems
    assert problems and all(isinstance(problem, Problem) for problem in problems)
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.key in catalogue("fr") and problem.key in catalogue("en")
        assert str(problem) == problem.text("fr") and problem.text("en") != problem.text("fr")
        assert problem.text("en").startswith(f"{path}: $")
    assert caught.value.text("en").startswith("4 problems:") and "code de facteur" in str(caught.value)


def _bare_lines(tree: ast.AST) -> list[int]:
    """Lines where a problem is built from a literal: ``.append("...")``/``.append(f"...")``, a literal
    raised as ``ValueError``/``TypeError``, a list of literals returned or added in a ``*problem*``
    function."""
    literal = (ast.JoinedStr, ast.Constant)

    def is_text(node: ast.AST) -> bool:
        return isinstance(node, literal) and not (
            isinstance(node, ast.Constant) and not isinstance(node.value, str)
        )

    def appended(node: ast.AST) -> bool:
        return (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "append"
            and bool(node.args)
            and is_text(node.args[0])
        )

    def raised(node: ast.AST) -> bool:
        return (
            isinstance(node, ast.Raise)
            and isinstance(node.exc, ast.Call)
            and isinstance(node.exc.func, ast.Name)
            and node.exc.func.id in ("ValueError", "TypeError")
            and bool(node.exc.args)
            and is_text(node.exc.args[0])
        )

    found = []
    for node in ast.walk(tree):
        if appended(node) or raised(node):
            found.append(node.lineno)
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef) or "problem" not in function.name:
            continue
        for node in ast.walk(function):
            if not isinstance(node, ast.Return | ast.AugAssign) or node.value is None:
                continue
            value = node.value
            if isinstance(value, ast.ListComp) and is_text(value.elt):
                found.append(node.lineno)
            if isinstance(value, ast.List) and any(is_text(element) for element in value.elts):
                found.append(node.lineno)
    return found


@pytest.mark.parametrize("module", WORDED_MODULES)
def test_no_problem_is_an_english_literal(module: str) -> None:
    tree = ast.parse((CORE / module).read_text(encoding="utf-8"))
    assert _bare_lines(tree) == [], f"{module}: build these problems with Problem(at, 'author.<key>', ...)"
