"""Every word of the UI is in the catalogue, in French and English; no user-facing literal hides in code."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from csvc_tui.text import LOCALE_DIR

from csvc_core.i18n import catalogue_path
from csvc_core.model import ITEM_TYPES, PROTAGONISTS
from csvc_core.pofile import read_po
from csvc_core.sharing.parties import SECTORS
from csvc_core.store import ACTION_STATUSES, EVENT_KINDS

PACKAGE = LOCALE_DIR.parent
#: calls whose string arguments a person reads.
SHOWN = {
    "Static",
    "Label",
    "Button",
    "notify",
    "Input",
    "Option",
    "Selection",
    "AskText",
    "AskChoice",
    "Binding",
    "SystemCommand",
    "Text",
    "RichText",
    "append",
}


def catalogue(lang: str) -> dict[str, str]:
    return read_po(catalogue_path(LOCALE_DIR, lang)).texts


def test_french_and_english_have_the_same_keys_all_prefixed() -> None:
    french, english = catalogue("fr"), catalogue("en")
    assert set(french) == set(english)
    assert all(key.startswith("tui.") for key in french)
    assert all(value.strip() for value in (*french.values(), *english.values()))


def used_keys() -> set[str]:
    """The literal keys of ``_("...")`` calls in the package."""
    found = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "_"
                and node.args
            ):
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.add(first.value)
    return found


def dynamic_keys() -> set[str]:
    """The keys built at run time (f-strings), for every value they can take."""
    from csvc_tui.app import CsvcApp
    from csvc_tui.screens import ask, case, cases, form, gate, info, result, tool
    from csvc_tui.widgets.case_table import CaseTable

    keys = {f"protagonist.{p}" for p in PROTAGONISTS} | {f"status.{s}" for s in ACTION_STATUSES}
    keys |= {f"event.{e}" for e in EVENT_KINDS} | {f"sector.{s}" for s in SECTORS}
    keys |= {f"form.hint.{t}" for t in ITEM_TYPES} | {
        f"standing.{s}" for s in ("closed", "superseded", "no_level")
    }
    keys |= {f"contact.{k}" for k in ("phone", "address", "safe_times", "notes", "channels")}
    classes = [
        CsvcApp,
        CaseTable,
        ask.AskText,
        ask.AskChoice,
        case.CaseScreen,
        cases.CasesScreen,
        form.FormScreen,
        gate.GateScreen,
        info.HelpScreen,
        info.PluginsScreen,
        result.ResultScreen,
        tool.ToolScreen,
    ]
    for cls in classes:
        for binding in cls.BINDINGS:
            ident = binding.id.rsplit("_", 1)[0] if binding.id.startswith("answer_digit_") else binding.id
            keys |= {f"binding.{ident}", f"tooltip.{ident}"}
            if ident != "answer_digit":
                keys.add(f"keys.{ident}")
    return keys


def test_every_key_used_exists_in_both_languages() -> None:
    french, english = catalogue("fr"), catalogue("en")
    wanted = {f"tui.{key}" for key in used_keys() | dynamic_keys()}
    assert sorted(wanted - set(french)) == []
    assert sorted(wanted - set(english)) == []


def literal_texts(path: Path) -> list[tuple[int, str]]:
    """String literals with letters passed straight to a call that shows them."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        if name not in SHOWN:
            continue
        arguments = [
            *node.args,
            *(kw.value for kw in node.keywords if kw.arg in ("placeholder", "title", "tooltip")),
        ]
        for argument in arguments:
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                words = [part for part in argument.value.split() if any(c.isalpha() for c in part)]
                if words:
                    found.append((node.lineno, argument.value))
    return found


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_user_facing_literal_in_code(path: Path) -> None:
    assert literal_texts(path) == []


def test_the_check_finds_a_literal(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        'Static("Dossiers")\nself.notify("Saved")\nStatic(_("cases.title"))\n', encoding="utf-8"
    )
    assert [text for _, text in literal_texts(sample)] == ["Dossiers", "Saved"]
