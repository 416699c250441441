"""The plugin API is one module, ``csvc_core.plugin``: the shipped plugins and the scaffold import only it."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import csvc_core.plugin
from csvc_core.scaffold import plugin_spec, render_plugin

ROOT = Path(__file__).resolve().parents[2]
PLUGIN_SOURCES = sorted((ROOT / "plugins").rglob("*.py"))


def csvc_imports(source: str) -> list[str]:
    """The csvc modules a Python source imports (``from X import`` and ``import X``)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
    return [name for name in found if name == "csvc_core" or name.startswith("csvc_core.")]


@pytest.mark.parametrize("path", PLUGIN_SOURCES, ids=lambda path: str(path.relative_to(ROOT)))
def test_a_shipped_plugin_imports_only_the_plugin_api(path: Path) -> None:
    assert set(csvc_imports(path.read_text(encoding="utf-8"))) <= {"csvc_core.plugin"}


@pytest.mark.parametrize("sector", [None, "police"])
def test_the_scaffold_imports_only_the_plugin_api(sector: str | None) -> None:
    files = render_plugin(plugin_spec("dv-hotline", sector, known_sectors=("csvc", "police")))
    for name, text in files.items():
        if name.endswith(".py"):
            assert set(csvc_imports(text)) <= {"csvc_core.plugin"}, name


def test_every_name_of_the_plugin_api_resolves() -> None:
    for name in csvc_core.plugin.__all__:
        assert getattr(csvc_core.plugin, name) is not None, name
    with pytest.raises(AttributeError):
        csvc_core.plugin.no_such_name  # noqa: B018


def test_the_plugin_api_loads_neither_pytest_nor_the_command_line() -> None:
    probe = "import csvc_core.plugin, json, sys; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    loaded = set(json.loads(done.stdout))
    assert "pytest" not in loaded and "csvc_core.cli" not in loaded and "click" not in loaded
