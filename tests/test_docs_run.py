"""The code blocks of docs/*.md run: Python blocks execute in order (a plugin page's blocks become a plugin
that must keep the contract), TOML and JSON blocks parse. docs/integrators.md has its own test."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
import types
from pathlib import Path

import pytest

from csvc_core.testing import plugin_problems

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
BLOCK = re.compile(r"```(?P<lang>\w*)\n(?P<body>.*?)```", re.S)


def blocks(page: Path, lang: str) -> list[str]:
    return [m["body"] for m in BLOCK.finditer(page.read_text(encoding="utf-8")) if m["lang"] == lang]


#: pages whose blocks another test runs.
ELSEWHERE = {"integrators.md": "tests/test_integrators_doc.py"}
PAGES = sorted(page for page in DOCS.glob("*.md") if page.name not in ELSEWHERE)
#: pages whose Python blocks make a plugin (run by test_a_plugin_page_is_a_plugin_that_keeps_the_contract).
PLUGIN_PAGES = ("plugins.md", "hooks.md")
SCRIPT_PAGES = [page for page in PAGES if page.name not in PLUGIN_PAGES and blocks(page, "python")]


def as_plugin(page: Path, package: str) -> types.ModuleType:
    """The page's Python blocks run in order as one module of ``package`` (as a plugin's module is)."""
    module = types.ModuleType(f"{package}.doc_{page.stem}")
    module.__package__ = package
    for index, body in enumerate(blocks(page, "python")):
        if "csvc_dv_hotline" in body:
            continue  # the generated project's tests: run by test_the_plugin_test_example_runs
        exec(compile(body, f"{page.name}[python {index}]", "exec"), module.__dict__)
    return module


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_toml_and_json_blocks_parse(page: Path) -> None:
    for body in blocks(page, "toml"):
        tomllib.loads(body)
    for body in blocks(page, "json"):
        json.loads(body)


@pytest.mark.parametrize("page", [DOCS / name for name in PLUGIN_PAGES], ids=lambda page: page.name)
def test_a_plugin_page_is_a_plugin_that_keeps_the_contract(page: Path) -> None:
    module = as_plugin(page, "csvc_police")
    assert blocks(page, "python") and plugin_problems(module, f"doc_{page.stem}") == []


@pytest.mark.parametrize("page", SCRIPT_PAGES, ids=lambda page: page.name)
def test_a_page_s_python_blocks_run_as_a_script(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": f"doc_{page.stem}"}
    for index, body in enumerate(blocks(page, "python")):
        exec(compile(body, f"{page.name}[python {index}]", "exec"), namespace)


def test_the_plugin_test_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made = subprocess.run(
        [sys.executable, "-m", "csvc_core", "plugin", "new", "dv-hotline", "--dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    project = tmp_path / "csvc-dv-hotline"
    monkeypatch.syspath_prepend(str(project / "src"))
    monkeypatch.chdir(project)
    [body] = [body for body in blocks(DOCS / "plugins.md", "python") if "csvc_dv_hotline" in body]
    namespace: dict[str, object] = {"__name__": "doc_plugin_tests"}
    exec(compile(body, "plugins.md[test example]", "exec"), namespace)
    from csvc_core.framework import Csvc
    from csvc_core.plugins import new_plugin_manager
    from csvc_core.testing import installed_sectors

    def with_plugin(plugin: object, name: str) -> Csvc:
        manager = new_plugin_manager(load_entry_points=False)
        assert manager.register_checked(plugin, name, None)
        return Csvc(manager, known_sectors=installed_sectors())

    namespace["test_contract"](plugin_problems)  # type: ignore[operator]
    namespace["test_vignettes"](with_plugin)  # type: ignore[operator]
