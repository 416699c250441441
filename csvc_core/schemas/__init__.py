"""JSON Schemas (draft 2020-12) of what csvc reads and writes: ``answers``, ``result``, ``export``.

>>> from csvc_core.schemas import schema
>>> schema("result")["$id"]
'urn:csvc:schema:result:1'
"""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

from csvc_core.errors import BadInput

NAMES = ("answers", "result", "export")


def schema(name: str) -> dict[str, Any]:
    """The schema ``name`` (one of :data:`NAMES`) as a dict."""
    if name not in NAMES:
        raise BadInput(key="error.input.unknown_schema", name=name, known=", ".join(NAMES))
    text = files(__name__).joinpath(f"{name}.schema.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded
