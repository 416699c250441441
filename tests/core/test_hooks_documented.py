"""Every hook is documented (hookspec docstring and a section of docs/hooks.md) and exercised by a test."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from csvc_core import hookspecs

ROOT = Path(__file__).resolve().parents[2]
HOOKS_DOC = ROOT / "docs" / "hooks.md"


def hook_names() -> list[str]:
    return sorted(
        name
        for name, function in inspect.getmembers(hookspecs, inspect.isfunction)
        if hasattr(function, "csvc_spec")
    )


def test_hookspecs_are_found() -> None:
    assert {"csvc_scoring_rules", "csvc_flags", "csvc_recommend_actions"} <= set(hook_names())
    assert "csvc_score" not in hook_names()
    assert all(name.startswith("csvc_") for name in hook_names())


@pytest.mark.parametrize("name", hook_names())
def test_hook_has_a_docstring(name: str) -> None:
    doc = inspect.getdoc(getattr(hookspecs, name))
    assert doc and len(doc) > 40, (
        f"{name}: the hookspec needs a docstring (receives, returns, collected or not)"
    )


@pytest.mark.parametrize("name", hook_names())
def test_hook_is_documented_in_docs_hooks_md(name: str) -> None:
    text = HOOKS_DOC.read_text(encoding="utf-8")
    section = re.search(rf"^## `{name}\((.*?)\)`$(.*?)(?=^## |\Z)", text, flags=re.M | re.S)
    assert section, f"docs/hooks.md has no section '## `{name}(...)`'"
    arguments = [arg.strip() for arg in section.group(1).split(",") if arg.strip()]
    assert arguments == list(inspect.signature(getattr(hookspecs, name)).parameters), name
    body = section.group(2)
    assert "```python" in body, f"{name}: the section needs an example"
    kind = "firstresult" if getattr(hookspecs, name).csvc_spec["firstresult"] else "Collected"
    assert kind in body, f"{name}: the section must say whether the hook is {kind}"


@pytest.mark.parametrize("name", hook_names())
def test_hook_is_exercised_by_a_test(name: str) -> None:
    this = Path(__file__).resolve()
    tests = [path for path in (ROOT / "tests").rglob("test_*.py") if path.resolve() != this]
    implementing = re.compile(rf"def {name}\(|\"{name}\"")
    assert any(implementing.search(path.read_text(encoding="utf-8")) for path in tests), (
        f"no test implements or calls {name}"
    )
