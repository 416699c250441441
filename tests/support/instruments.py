"""Instrument files written by the tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any


# -- the command ------------------------------------------------------------------------------------------
def write_toml(path: Path, table: dict[str, Any]) -> None:
    """A tiny TOML writer for the tables of these tests (strings, numbers, booleans, lists, tables)."""
    import json

    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, dict):
            return "{ " + ", ".join(f"{json.dumps(k)} = {value(x)}" for k, x in v.items()) + " }"
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return json.dumps(v)

    lines = [f"{json.dumps(k)} = {value(v)}" for k, v in table.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
