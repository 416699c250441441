"""The store's modules hold one idea each: the partnership in modules by what they keep, the people and their
passphrase rule in people.py."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from csvc_core.errors import BadInput
from csvc_core.store import crypto, people
from tests.support.constants import ROOT

STORE = ROOT / "csvc_core" / "store"
MODULES = ("consents", "disclosures", "handovers", "received", "communications", "partners")


def defined(path: Path) -> set[str]:
    """The names a module defines at its top level (functions, classes, constants)."""
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(target.id for target in node.targets if isinstance(target, ast.Name))
    return names


def test_the_partnership_is_kept_in_small_modules_by_idea() -> None:
    assert not (STORE / "partnership.py").exists()
    lengths = {name: len((STORE / f"{name}.py").read_text(encoding="utf-8").splitlines()) for name in MODULES}
    assert {name: length for name, length in lengths.items() if length > 350} == {}


def test_a_new_user_and_the_passphrase_rule_are_the_people_module_s() -> None:
    rules = {"MIN_PASSPHRASE", "check_passphrase", "user_row", "user_keys"}
    assert rules <= defined(STORE / "people.py")
    assert rules & defined(STORE / "opening.py") == set()


def test_a_short_passphrase_or_an_unknown_role_is_refused_by_name() -> None:
    with pytest.raises(BadInput) as short:
        people.check_passphrase("court")
    assert short.value.key == "error.store.passphrase_short"
    with pytest.raises(BadInput) as role:
        people.user_row("u", "o", "Iris", "chief", "une phrase assez longue", crypto.KdfParams(), None)
    assert role.value.key == "error.store.unknown_role" and "chief" in role.value.text("en")
