"""What the tests share lives in tests/support: no test file imports a test module or a conftest (the
import statements of every file, and the ones written in the scripts the UI tests run in a subprocess)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.support.constants import ROOT

#: a module that holds tests, or a conftest (pytest loads both itself: importing them runs them twice).
TEST_MODULE = re.compile(r"(^|\.)(conftest|test_\w+)$")
#: an import written in a string (a script run with ``python -c``).
SCRIPT_IMPORT = re.compile(r"^\s*from\s+([\w.]+)\s+import\b", re.M)


def imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found.append("." * node.level + (node.module or ""))
            if node.level and node.module is None:
                found.extend("." + alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.extend(SCRIPT_IMPORT.findall(node.value))
    return found


def test_no_test_file_imports_a_test_module_or_a_conftest() -> None:
    offending = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in sorted((ROOT / "tests").rglob("*.py"))
        if path != Path(__file__).resolve()  # its own sample below
        for module in imported_modules(path)
        if TEST_MODULE.search(module.lstrip("."))
    ]
    assert offending == []


def test_the_boundary_check_sees_each_kind_of_import(tmp_path: Path) -> None:
    sample = tmp_path / "test_sample.py"
    sample.write_text(
        "from .conftest import A\nfrom tests.tui.test_flows import b\nimport test_validation\n"
        "from . import test_other\nSCRIPT = '''\nfrom tests.tui.conftest import C\n'''\n"
        "from tests.support.tui import wait_for\n",
        encoding="utf-8",
    )
    flagged = [module for module in imported_modules(sample) if TEST_MODULE.search(module.lstrip("."))]
    assert flagged == [
        ".conftest",
        "tests.tui.test_flows",
        "test_validation",
        ".test_other",
        "tests.tui.conftest",
    ]
