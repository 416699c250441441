"""JSON out of the store's records, for the CLI's ``--json`` and what the TUI exports: one cattrs converter.

A record's JSON has its attributes in their order; a datetime shows in ISO 8601 with the local offset, a
tuple as a list. Where the JSON name differs from the attribute (``case_id`` shows as ``case``), the record
says so with :func:`json_names`. A record whose JSON is not its attributes keeps its own ``to_json``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar, cast

import cattrs
from cattrs.gen import make_dict_unstructure_fn, override

T = TypeVar("T", bound=type)

output = cattrs.Converter(unstruct_collection_overrides={tuple: list})


def iso(value: datetime | None) -> str | None:
    """ISO 8601 with the local offset (None stays None)."""
    return value.astimezone().isoformat() if value is not None else None


output.register_unstructure_hook(datetime, iso)


def to_json(record: Any) -> Any:
    """The record (or a list of records) as plain JSON values."""
    return output.unstructure(record)


def json_names(**renamed: str) -> Callable[[T], T]:
    """A class decorator: the record's JSON names its attribute ``name`` as ``renamed[name]``."""

    def register(cls: T) -> T:
        overrides = {name: override(rename=json_name) for name, json_name in renamed.items()}
        hook: Callable[[Any], dict[str, Any]] = make_dict_unstructure_fn(
            cls, output, **cast(dict[str, Any], overrides)
        )
        output.register_unstructure_hook(cls, hook)
        return cls

    return register


class JsonRecord:
    """A record whose JSON is its attributes, through :data:`output`."""

    __slots__ = ()

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = output.unstructure(self)
        return data
