"""The cattrs converter of csvc's data (instruments, answers, stored payloads): strict on input (unknown keys
refused), plain JSON on output. The store's records go out to people through :mod:`csvc_core.output`'s
(datetimes with the local offset, renamed attributes).

attrs classes are structured by one generic hook (:func:`_attrs_structure`) rather than by code that cattrs
generates and compiles per class: the errors are the same (every attribute's error collected, with its
``$.path``, unknown keys refused), and start-up saves the compiling (about 15 ms for an instrument).
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import attrs
import cattrs
from cattrs.cols import homogenous_tuple_structure_factory, is_sequence
from cattrs.errors import AttributeValidationNote, ClassValidationError, ForbiddenExtraKeysError
from cattrs.preconf.json import make_converter

from csvc_core.i18n import t


class WrongType(ValueError, TypeError):
    """A value of the wrong type: the catalogue key that words it (``author.integer_expected``) and the
    value as written (its ``repr``); ``str()`` is the French wording. A ``TypeError`` too, as a table that
    is not one was before."""

    def __init__(self, key: str, value: object) -> None:
        self.key, self.value = key, repr(value)
        super().__init__(t(key, value=self.value))


converter: cattrs.Converter = make_converter(forbid_extra_keys=True, prefer_attrib_converters=False)
converter.register_unstructure_hook(datetime, lambda value: value.isoformat())
converter.register_structure_hook(datetime, lambda value, _: datetime.fromisoformat(value))


def _strict_int(value: object, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise WrongType("author.integer_expected", value)
    return value


def _strict_str(value: object, _: type) -> str:
    if not isinstance(value, str):
        raise WrongType("author.string_expected", value)
    return value


def _strict_bool(value: object, _: type) -> bool:
    if not isinstance(value, bool):
        raise WrongType("author.bool_expected", value)
    return value


def _strict_sequence(type_: Any, conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
    """A list stays a list: a string is never read as a list of its characters."""
    base = homogenous_tuple_structure_factory(type_, conv)

    def structure(value: Any, target: Any) -> Any:
        if not isinstance(value, list | tuple):
            raise WrongType("author.list_of_expected", value)
        return base(value, target)

    return structure


def _attrs_structure(cls: type, conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
    """Structure ``cls`` from a mapping: each attribute through the converter, every error collected."""
    hints = typing.get_type_hints(cls)
    fields = [(field.name, hints[field.name], field.default is attrs.NOTHING) for field in attrs.fields(cls)]
    names = frozenset(name for name, _, _ in fields)

    def structure(value: Any, _: Any) -> Any:
        if not isinstance(value, Mapping):
            raise WrongType("author.table_expected_got", value)
        errors: list[Exception] = []
        kwargs: dict[str, Any] = {}
        for name, type_, required in fields:
            if name not in value:
                if required:
                    missing = KeyError(name)
                    missing.__notes__ = [_note(cls, name, type_)]
                    errors.append(missing)
                continue
            try:
                kwargs[name] = conv.get_structure_hook(type_)(value[name], type_)
            except Exception as exc:
                exc.__notes__ = [*getattr(exc, "__notes__", []), _note(cls, name, type_)]
                errors.append(exc)
        extra = set(value) - names
        if extra:
            errors.append(ForbiddenExtraKeysError("", cls, extra))
        if errors:
            raise ClassValidationError(f"While structuring {cls.__name__}", errors, cls)
        try:
            return cls(**kwargs)
        except Exception as exc:
            raise ClassValidationError(f"While structuring {cls.__name__}", [exc], cls) from None

    return structure


def _note(cls: type, name: str, type_: Any) -> AttributeValidationNote:
    return AttributeValidationNote(f"Structuring class {cls.__qualname__} @ attribute {name}", name, type_)


converter.register_structure_hook(int, _strict_int)
converter.register_structure_hook(str, _strict_str)
converter.register_structure_hook(bool, _strict_bool)
converter.register_structure_hook_factory(is_sequence, _strict_sequence)
converter.register_structure_hook_factory(attrs.has, _attrs_structure)
