"""The TUI's boundaries: Textual used through its public API only, within a known major version, and the
UI-free layer (the workspace and what it hands the screens) importing no widget."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import subprocess
import sys
import tomllib
from collections import namedtuple
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

from tests.support.constants import CANARY

ROOT = Path(__file__).resolve().parents[2]
TUI = ROOT / "tui" / "csvc_tui"


def modules() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in sorted(TUI.rglob("*.py"))]


def textual_imports() -> list[tuple[Path, int, str, str]]:
    """(file, line, module, name) of every name the TUI imports from Textual."""
    return [
        (path, node.lineno, node.module, alias.name)
        for path, tree in modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "textual"
        for alias in node.names
    ]


def textual_private_names() -> set[str]:
    """Every private name of the Textual classes the TUI imports and of what they inherit: their methods and
    properties, and the attributes their code sets on ``self``."""
    names: set[str] = set()
    for _path, _line, module, name in textual_imports():
        cls = getattr(importlib.import_module(module), name)
        if not isinstance(cls, type):
            continue
        for klass in cls.__mro__:
            if klass.__module__.split(".")[0] == "textual":
                names.update(vars(klass))
                names.update(re.findall(r"self\.(_\w+)\s*(?::[^=\n]*)?=", inspect.getsource(klass)))
    public = set(dir(namedtuple("Tuple", "field")))  # a named tuple's _replace, _asdict… are its public API
    return {n for n in names if n.startswith("_") and not n.startswith("__")} - public


#: the one override: Textual's traceback of an unexpected error shows local variables (case data), with no
#: public switch to hide them.
OVERRIDDEN = {"_fatal_error"}
#: a choice's open list, its Escape named in the UI's language: Select's parts have no public name.
PRIVATE_MODULES = {("textual.widgets._select", "SelectCurrent"), ("textual.widgets._select", "SelectOverlay")}


def test_the_tui_uses_no_private_attribute_of_textual() -> None:
    private = textual_private_names() - OVERRIDDEN
    found = []
    for path, tree in modules():
        for node in ast.walk(tree):
            name = None
            if isinstance(node, ast.Attribute) and node.attr in private:
                name = node.attr
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name in private:
                name = node.name
            if name is not None:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
    assert found == []


def test_the_tui_imports_only_public_names_of_textual() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line} {module}.{name}"
        for path, line, module, name in textual_imports()
        if (name.startswith("_") or any(part.startswith("_") for part in module.split(".")))
        and (module, name) not in PRIVATE_MODULES
    ]
    assert found == []


def test_textual_is_bounded_below_its_next_major_version() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    requirements = [Requirement(r) for r in project["project"]["dependencies"]]
    (textual,) = [r for r in requirements if r.name == "textual"]
    installed = Version(version("textual"))
    assert installed in textual.specifier
    assert f"{installed.major + 1}.0" not in textual.specifier


def test_the_ui_free_layer_imports_no_widget() -> None:
    """The workspace, the case, cell and sharing work: importing them loads neither Textual nor Rich."""
    code = (
        "import sys\n"
        "from csvc_tui.text import set_language\n"
        "set_language('fr')\n"
        "import csvc_tui.workspace, csvc_tui.casework, csvc_tui.cellwork, csvc_tui.sharing\n"
        "import csvc_tui.records, csvc_tui.form\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_every_module_of_the_tui_is_small() -> None:
    """At most 350 lines a module: a module over it holds more than one idea and is split by idea."""
    lengths = {
        path.relative_to(TUI).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for path in sorted(TUI.rglob("*.py"))
    }
    assert {name: length for name, length in lengths.items() if length > 350} == {}


async def test_an_unexpected_error_prints_its_traceback_without_local_variables(
    make_app: Any, store: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """Through the one override: local variables may hold case data, the traceback leaves them out."""

    def fail() -> None:
        name = CANARY  # a local a crash must not print
        raise RuntimeError(f"panne de {len(name)}")

    app = make_app()
    with pytest.raises(RuntimeError):
        async with app.run_test() as pilot:
            await pilot.pause()
            app.call_later(fail)
            await pilot.pause(0.5)
    printed = capsys.readouterr().err
    assert "RuntimeError" in printed
    assert "panne de" in printed
    assert CANARY not in printed
