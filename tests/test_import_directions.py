"""Imports go one way (docs/code-map.md): the core never imports the UI; the pure rules (model, scoring,
sharing, the case level) import nothing of the store, the command line or the UI; the store never imports the
command line."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.support.constants import ROOT

CORE = ROOT / "csvc_core"
PURE = ["model.py", "rules.py", "compromission.py", "scale.py", "vocabulary.py", "explanation.py", "sharing"]


def imports_of(path: Path, root: Path = ROOT) -> set[str]:
    """The absolute modules ``path`` imports (relative ones resolved under ``root``)."""
    package = path.relative_to(root).with_suffix("").parts[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = list(package[: len(package) - node.level + 1]) if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def files(*parts: str) -> list[Path]:
    paths: list[Path] = []
    for part in parts:
        where = CORE / part
        paths.extend(sorted(where.rglob("*.py")) if where.is_dir() else [where])
    return paths


def offending(paths: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}: {module}"
        for path in paths
        for module in sorted(imports_of(path))
        if module.startswith(forbidden)
    ]


def test_the_core_never_imports_the_ui() -> None:
    assert offending(sorted(CORE.rglob("*.py")), ("csvc_tui", "textual")) == []


@pytest.mark.parametrize("part", PURE)
def test_the_rules_import_nothing_of_the_store_the_cli_or_the_ui(part: str) -> None:
    forbidden = ("csvc_core.store", "csvc_core.cli", "csvc_tui", "textual", "sqlalchemy", "click")
    assert offending(files(part), forbidden) == []


def test_the_store_never_imports_the_command_line() -> None:
    assert offending(files("store"), ("csvc_core.cli", "click")) == []


def test_the_check_resolves_relative_imports(tmp_path: Path) -> None:
    sample = tmp_path / "csvc_core" / "store" / "sample.py"
    sample.parent.mkdir(parents=True)
    sample.write_text("from ..cli import words\nfrom .cases import new_case\nimport click\n", "utf-8")
    assert imports_of(sample, tmp_path) == {
        "csvc_core.cli",
        "csvc_core.cli.words",
        "csvc_core.store.cases",
        "csvc_core.store.cases.new_case",
        "click",
    }
