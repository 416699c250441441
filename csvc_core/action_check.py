"""Reading and checking an action catalogue (:mod:`csvc_core.action_specs`): only when its file is not kept
from an earlier run (:mod:`csvc_core.filecache`)."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from typing import Any

import attrs

from csvc_core.action_specs import ActionSpec
from csvc_core.converter import converter
from csvc_core.durations import is_duration
from csvc_core.errors import InstrumentInvalid
from csvc_core.instruments import structure_errors
from csvc_core.problems import within


@attrs.frozen
class _Catalogue:
    actions: tuple[ActionSpec, ...]


def checked_specs(raw: bytes, origin: str, sectors: tuple[str, ...]) -> dict[str, ActionSpec]:
    """The actions of a catalogue's bytes, structured and checked; every problem at once."""
    try:
        data: Mapping[str, Any] = tomllib.loads(raw.decode("utf-8"))
        catalogue = converter.structure(data, _Catalogue)
    except tomllib.TOMLDecodeError as exc:
        raise InstrumentInvalid([f"{origin}: not valid TOML: {exc}"]) from None
    except Exception as exc:  # cattrs groups every structuring error
        raise InstrumentInvalid([within(origin, line) for line in structure_errors(exc)]) from None
    problems: list[str] = []
    seen: set[str] = set()
    for index, spec in enumerate(catalogue.actions):
        at = f"{origin}: $.actions[{index}]"
        if spec.id in seen:
            problems.append(f"{at}.id: duplicate id {spec.id!r}")
        seen.add(spec.id)
        if sectors and spec.sector not in sectors:
            problems.append(
                f"{at}.sector: {spec.sector!r} is outside this catalogue's mandate ({', '.join(sectors)})"
            )
        if spec.due_after is not None and not is_duration(spec.due_after):
            problems.append(f"{at}.due_after: {spec.due_after!r} is not an ISO 8601 duration")
        problems += [
            f"{at}.label.{lang}: empty wording"
            for lang in ("fr", "en")
            if not getattr(spec.label, lang).strip()
        ]
    if problems:
        raise InstrumentInvalid(problems)
    return {spec.id: spec for spec in catalogue.actions}
