"""The store's modules hold one idea each: the partnership in modules by what they keep, the people and their
passphrase rule in people.py; the store is given the framework by whoever opens it, and never loads it; a
feature that only needs a session takes one instead of adding forwarders to it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from csvc_core.errors import BadInput
from csvc_core.framework import Csvc
from csvc_core.store import Store, StoreSession, cases, crypto, open_store, people
from tests.support.constants import PASSPHRASE, ROOT

STORE = ROOT / "csvc_core" / "store"
MODULES = (
    "consents",
    "disclosures",
    "handovers",
    "received",
    "communications",
    "partners",
    "concertations",
    "concertation_rows",
    "concertation_reading",
)


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


def calls_of_load(path: Path) -> list[int]:
    """The lines of ``path`` that call ``Csvc.load()``."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "load"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "Csvc"
    ]


def test_the_store_never_loads_the_framework_itself() -> None:
    loading = {
        str(path.relative_to(ROOT)): lines
        for path in sorted(STORE.rglob("*.py"))
        if (lines := calls_of_load(path))
    }
    assert loading == {}


def test_no_test_swaps_the_framework_of_an_open_session() -> None:
    swapped = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in sorted((ROOT / "tests").rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Attribute) and target.attr == "csvc"
    ]
    assert swapped == []


def test_a_session_assesses_with_the_framework_its_store_was_opened_with(store: Store) -> None:
    given = Csvc(Csvc.load().pm)
    with open_store(store.location.url, csvc=given) as opened, opened.unlock("alice", PASSPHRASE) as session:
        assert session.csvc is given
        stored = session.assess(
            session.run(cases.new_case, "Dossier"), "csvc-grid", {"answers": {"separation": "yes"}}
        )
    assert stored.result.level == "elevated"


def test_exchange_and_statistics_take_the_session_rather_than_extending_it() -> None:
    forwarders = ("export_case", "import_package", "statistics_facts")
    assert [name for name in forwarders if hasattr(StoreSession, name)] == []


def forwarders(path: Path) -> list[str]:
    """The methods of ``StoreSession`` whose body (docstring aside) is only one store call in a transaction:
    ``with self._tx() as tx: return module.function(tx, ...)``."""
    [session] = [
        node
        for node in ast.parse(path.read_text(encoding="utf-8")).body
        if isinstance(node, ast.ClassDef) and node.name == "StoreSession"
    ]
    found = []
    for method in session.body:
        if not isinstance(method, ast.FunctionDef):
            continue
        body = method.body[1:] if ast.get_docstring(method) else method.body
        if len(body) != 1 or not isinstance(body[0], ast.With) or len(body[0].body) != 1:
            continue
        statement = body[0].body[0]
        call = statement.value if isinstance(statement, ast.Return | ast.Expr) else None
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.args:
            found.append(method.name)
    return found


def test_the_session_forwards_to_no_store_function() -> None:
    assert forwarders(STORE / "session.py") == [], "a store function is called as session.run(module.f, ...)"


def test_a_forwarder_is_recognised(tmp_path: Path) -> None:
    sample = tmp_path / "session.py"
    sample.write_text(
        "class StoreSession:\n"
        "    def new_case(self, label):\n"
        '        """Open a case."""\n'
        "        with self._tx() as tx:\n"
        "            return cases.new_case(tx, label)\n"
        "    def lock(self):\n"
        "        self._keys.lock()\n",
        "utf-8",
    )
    assert forwarders(sample) == ["new_case"]


def test_the_session_keeps_only_its_own_methods() -> None:
    own = {
        "run",
        "transaction",
        "lock",
        "locked",
        "assess",
        "change_passphrase",
        "confirm_passphrase",
        "break_glass",
        "verify_audit",
    }
    public = {name for name in vars(StoreSession) if not name.startswith("_") and name != "MAX_AGE"}
    assert public == own, "a new feature: a store function taking a Tx, called as session.run(module.f, ...)"
