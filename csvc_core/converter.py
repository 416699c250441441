"""The one cattrs converter of csvc: strict on input (unknown keys refused), plain JSON on output."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import cattrs
from cattrs.cols import homogenous_tuple_structure_factory, is_sequence
from cattrs.preconf.json import make_converter

converter: cattrs.Converter = make_converter(forbid_extra_keys=True, prefer_attrib_converters=False)
converter.register_unstructure_hook(datetime, lambda value: value.isoformat())
converter.register_structure_hook(datetime, lambda value, _: datetime.fromisoformat(value))


def _strict_int(value: object, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected an integer, got {value!r}")
    return value


def _strict_str(value: object, _: type) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {value!r}")
    return value


def _strict_bool(value: object, _: type) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {value!r}")
    return value


def _strict_sequence(type_: Any, conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
    """A list stays a list: a string is never read as a list of its characters."""
    base = homogenous_tuple_structure_factory(type_, conv)

    def structure(value: Any, target: Any) -> Any:
        if not isinstance(value, list | tuple):
            raise ValueError(f"expected a list, got {value!r}")
        return base(value, target)

    return structure


converter.register_structure_hook(int, _strict_int)
converter.register_structure_hook(str, _strict_str)
converter.register_structure_hook(bool, _strict_bool)
converter.register_structure_hook_factory(is_sequence, _strict_sequence)
