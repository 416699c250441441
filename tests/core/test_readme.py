"""The README's Python examples run as they are written."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_python_examples_run() -> None:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    assert blocks, "the README shows the Python API"
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, str(README), "exec"), namespace)


def test_the_readme_says_how_to_leave_out_the_slow_tests_and_pytest_knows_the_marker() -> None:
    text = README.read_text(encoding="utf-8")
    assert './dev test -m "not slow"' in text
    assert "pytest-xdist" in text
    project = tomllib.loads((README.parent / "pyproject.toml").read_text(encoding="utf-8"))
    assert any(marker.startswith("slow:") for marker in project["tool"]["pytest"]["ini_options"]["markers"])
    assert any(need.startswith("pytest-xdist") for need in project["project"]["optional-dependencies"]["dev"])
