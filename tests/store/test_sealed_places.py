"""A sealed value's place (``table.column:row``) is named by its Column, never by hand-written strings, and
every column sealed under a scope key is in the registry a key rotation and an upgrade re-seal."""

from __future__ import annotations

import ast
import importlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Column

from csvc_core.store import sealed
from csvc_core.store.schema import (
    cases,
    concertation_steps,
    disclosure_annotations,
    disclosures,
    emergency_access,
    metadata,
    shares,
)
from tests.support.constants import ROOT

CORE = ROOT / "csvc_core"
SEALED = CORE / "store" / "sealed.py"
#: the calls that seal, open or place a sealed value (Tx's methods, their helpers, crypto's primitives)
SEALING = re.compile(r"seal|^place$|_copy$|^open_field$|^old_text$")
#: the copies sealed to an organisation's public key: re-sealed by rotation.py, not in the registry
RECIPIENT_COPIES = {
    shares.c.recipient_ct,
    disclosures.c.recipient_ct,
    disclosure_annotations.c.recipient_ct,
    emergency_access.c.owner_ct,
}


def sources() -> Iterator[tuple[Path, ast.Module]]:
    """Every module of the core but the Alembic migrations (history, frozen as they were written) and the
    entry point (importing it runs the CLI)."""
    for path in sorted(CORE.rglob("*.py")):
        if "migrations" not in path.parts and path.name != "__main__.py":
            yield path, ast.parse(path.read_text(encoding="utf-8"))


def called(node: ast.Call) -> str:
    function = node.func
    return function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")


def sealing_calls(tree: ast.Module) -> Iterator[ast.Call]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and SEALING.search(called(node)):
            yield node


def rendered(node: ast.JoinedStr) -> str:
    """An f-string with ``{}`` for each value it formats."""
    return "".join(part.value if isinstance(part, ast.Constant) else "{}" for part in node.values)


def registered() -> set[Column[Any]]:
    specs = (*sealed.CASE, *sealed.RECORDS, *sealed.CONCERTATION, sealed.DRAFTS)
    return {column for spec in specs for column in spec.columns}


def by_hand(tree: ast.Module, allowed: range = range(0)) -> list[str]:
    """Where ``tree`` names a place by hand: a string given to a sealing call, or an f-string shaped like
    ``table.column:row`` (outside the lines ``allowed``)."""
    found = []
    for call in sealing_calls(tree):
        for argument in [*call.args, *(keyword.value for keyword in call.keywords)]:
            if isinstance(argument, ast.JoinedStr) or (
                isinstance(argument, ast.Constant) and isinstance(argument.value, str)
            ):
                found.append(f"{call.lineno}: {called(call)}(... {ast.unparse(argument)} ...)")
    for node in ast.walk(tree):
        shaped = isinstance(node, ast.JoinedStr) and re.match(r"[\w{}]+\.[\w{}]+:\S", rendered(node))
        if shaped and node.lineno not in allowed:
            found.append(f"{node.lineno}: {ast.unparse(node)}")
    return found


def test_no_sealed_place_is_named_by_a_string() -> None:
    found = {}
    for path, tree in sources():
        place = [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == "place"]
        allowed = range(place[0].lineno, (place[0].end_lineno or 0) + 1) if path == SEALED else range(0)
        found[str(path.relative_to(ROOT))] = by_hand(tree, allowed)
    assert {path: places for path, places in found.items() if places} == {}


def test_the_scan_finds_a_place_named_by_hand() -> None:
    written = [
        'tx.seal(text, "cases", "label_ct", case_id, scope=scope)',
        '_unseal(tx, "plan_actions", column, action.id, blob, scope)',
        'open_copy(tx, row.recipient_ct, f"shares.recipient_ct:{row.id}")',
        'where = f"{table.name}.{column}:{row.id}".encode()',
    ]
    assert [len(by_hand(ast.parse(line))) for line in written] == [2, 1, 2, 1]
    assert by_hand(ast.parse("tx.seal(text, cases.c.label_ct, case_id, scope=scope)")) == []


def test_every_column_sealed_under_a_scope_key_is_in_the_registry() -> None:
    """Each ``table.c.column`` given to a sealing call is a registered column (or a recipient copy); when
    ``table`` is a variable (a function's argument), its column's name is at least a registered one."""
    registry = registered() | RECIPIENT_COPIES
    names = {column.name for column in registry}
    strays, seen = [], set()
    for path, tree in sources():
        parts = path.relative_to(ROOT).with_suffix("").parts
        module = importlib.import_module(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
        for call in sealing_calls(tree):
            for argument in call.args:
                match argument:
                    case ast.Attribute(value=ast.Attribute(value=ast.Name(id=name), attr="c"), attr=column):
                        table = getattr(module, name, None)
                        if table is None:
                            known = column in names
                        else:
                            seen.add(table.c[column])
                            known = table.c[column] in registry
                        if not known:
                            strays.append(f"{path.relative_to(ROOT)}:{call.lineno} {ast.unparse(argument)}")
    assert strays == []
    assert {cases.c.label_ct, concertation_steps.c.note_ct, shares.c.recipient_ct} <= seen


def test_every_sealed_column_of_the_schema_is_registered_with_its_table() -> None:
    specs = (*sealed.CASE, *sealed.RECORDS, *sealed.CONCERTATION, sealed.DRAFTS)
    assert [column for spec in specs for column in spec.columns if column.table is not spec.table] == []
    in_schema = {
        column for table in metadata.sorted_tables for column in table.c if column.name.endswith("_ct")
    }
    assert in_schema == registered() | RECIPIENT_COPIES


def test_a_place_is_the_table_the_column_and_the_row() -> None:
    assert sealed.place(cases.c.label_ct, "c-1") == "cases.label_ct:c-1"
    step = sealed.place(concertation_steps.c.note_ct, sealed.step_id("k-1", 2))
    assert step == "concertation_steps.note_ct:k-1.2"
