"""Every error message a person reads is a catalogue key worded in French and English with the same
placeholders; no error is raised with a literal English line in the core or the plugins."""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterator
from pathlib import Path

import csvc_shelter.safety_plan  # noqa: F401 (registers the plugin's catalogue)
import pytest

from csvc_core.errors import BadInput, CsvcError, OperationFailed
from csvc_core.i18n import catalogue

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "csvc_core", ROOT / "plugins"]
#: (file relative to the root, error class) raised with a worded text on purpose, and why.
ALLOWED_LITERALS: dict[tuple[str, str], str] = {}


def python_files() -> list[Path]:
    return sorted(path for folder in SOURCES for path in folder.rglob("*.py"))


def trees() -> Iterator[tuple[Path, ast.Module]]:
    for path in python_files():
        yield path, ast.parse(path.read_text(encoding="utf-8"))


def error_classes() -> set[str]:
    """``CsvcError`` and every class that derives from it in the sources (by name, to a fixed point)."""
    found = {"CsvcError", "BadInput", "OperationFailed"}
    bases = [
        (node.name, {getattr(base, "id", getattr(base, "attr", "")) for base in node.bases})
        for _, tree in trees()
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
    ]
    grown = True
    while grown:
        grown = False
        for name, parents in bases:
            if name not in found and parents & found:
                found.add(name)
                grown = True
    return found


def error_calls() -> Iterator[tuple[Path, ast.Call, str]]:
    """Calls that build an error of the sources, with the class name."""
    classes = error_classes()
    for path, tree in trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                if name in classes:
                    yield path, node, name


def placeholders(text: str) -> set[str]:
    return {
        re.split(r"[.\[]", field)[0]
        for _, field, _, _ in string.Formatter().parse(text)
        if field is not None and field != ""
    }


def given_keys(call: ast.Call) -> list[str]:
    """The catalogue keys a call names with ``key=`` (both branches of ``a if c else b``)."""
    keyword = next((kw for kw in call.keywords if kw.arg == "key"), None)
    branches = [keyword.value] if keyword is not None else []
    if branches and isinstance(branches[0], ast.IfExp):
        branches = [branches[0].body, branches[0].orelse]
    return [node.value for node in branches if isinstance(node, ast.Constant) and isinstance(node.value, str)]


def test_the_scans_find_the_errors() -> None:
    classes = error_classes()
    assert {"AccessDenied", "LoginRefused", "StaleRecord", "PackageRefused", "InstrumentInvalid"} <= classes
    keyed = {key for _, call, _ in error_calls() for key in given_keys(call)}
    assert {
        "error.store.case_not_visible",
        "error.input.unknown_item",
        "error.exchange.field_missing",
    } <= keyed


def test_french_and_english_have_the_same_keys_and_placeholders() -> None:
    french, english = catalogue("fr"), catalogue("en")
    assert sorted(set(french) ^ set(english)) == []
    differing = [key for key in french if placeholders(french[key]) != placeholders(english[key])]
    assert differing == []


def test_every_keyed_error_names_a_worded_key_with_its_values() -> None:
    french, english = catalogue("fr"), catalogue("en")
    problems = []
    for path, call, _ in error_calls():
        where = f"{path.relative_to(ROOT)}:{call.lineno}"
        given = {kw.arg for kw in call.keywords if kw.arg not in (None, "key")}
        for key in given_keys(call):
            if key not in french or key not in english:
                problems.append(f"{where}: {key} is not in both catalogues")
            elif given != placeholders(french[key]):
                wanted = sorted(placeholders(french[key]))
                problems.append(f"{where}: {key} takes {wanted}, given {sorted(given)}")
    assert problems == []


def test_every_error_key_written_in_the_sources_is_worded() -> None:
    french, english = catalogue("fr"), catalogue("en")
    written = {
        node.value
        for _, tree in trees()
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and re.fullmatch(r"error\.[a-z_.]+", node.value)
    }
    assert sorted(key for key in written if key not in french or key not in english) == []


def test_no_error_is_raised_with_a_literal_line() -> None:
    """``raise BadInput(f"...")`` would reach a French-speaking worker in English: every text is keyed."""
    literal = []
    for path, call, name in error_calls():
        first = call.args[0] if call.args else None
        if isinstance(first, (ast.JoinedStr, ast.Constant)) or (
            isinstance(first, ast.BinOp) and isinstance(first.left, (ast.JoinedStr, ast.Constant))
        ):
            where = (str(path.relative_to(ROOT)), name)
            if where not in ALLOWED_LITERALS:
                literal.append(f"{where[0]}:{call.lineno}: {name}")
    assert literal == []


def test_an_error_speaks_the_language_asked_and_french_by_default() -> None:
    error = OperationFailed(key="error.store.case_not_visible", case="c-1", user="u-1")
    assert (
        str(error) == error.text("fr") == "dossier 'c-1' introuvable, ou non visible pour l'utilisateur 'u-1'"
    )
    assert error.text("en") == "case 'c-1' not found, or not visible to user 'u-1'"
    assert error.key == "error.store.case_not_visible" and error.values == {"case": "c-1", "user": "u-1"}


def test_an_error_that_wraps_another_words_both_in_one_language() -> None:
    inner = BadInput(key="error.file.not_utf8", path="a.json")
    outer = BadInput(key="error.exchange.nothing_imported", problem=inner)
    assert outer.text("en") == "a.json: not UTF-8 text; nothing imported"
    assert str(outer) == "a.json : pas du texte UTF-8 ; rien n'a été importé"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_plain_message_stays_as_given(lang: str) -> None:
    assert CsvcError("déjà traduit").text(lang) == "déjà traduit"
