"""Action catalogues for sector plugins: the actions a sector may propose, kept as data (TOML), not code.

A plugin ships a file such as ``actions.toml``::

    [[actions]]
    id = "address_watch"
    sector = "police"
    mandatory = false
    due_after = "PT24H"          # ISO 8601 duration after assessed_at; leave out for no due date
    label = { fr = "…", en = "…" }

and decides *when* to propose them in its ``csvc_recommend_actions``::

    SPECS = load_action_specs(files("csvc_police") / "data" / "actions.toml")
    SPECS["address_watch"].propose(result, due_after="PT2H")

The wording stays in both languages and a region can change due offsets without touching code.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from csvc_core.converter import converter
from csvc_core.durations import is_duration
from csvc_core.errors import InstrumentInvalid
from csvc_core.instruments import structure_errors
from csvc_core.model import Action, Result, Text, add_duration

if TYPE_CHECKING:  # importlib.resources costs start-up time; only its type is needed
    from importlib.resources.abc import Traversable


@attrs.frozen
class ActionSpec:
    """An action a sector may recommend: owner sector, wording, whether mandatory, default due offset."""

    id: str
    sector: str
    label: Text
    mandatory: bool = False
    due_after: str | None = None

    def propose(
        self, result: Result, *, due_after: str | None = None, mandatory: bool | None = None
    ) -> Action:
        """This action for ``result``: due ``assessed_at`` plus ``due_after`` (default: the spec's)."""
        offset = due_after if due_after is not None else self.due_after
        return Action(
            id=self.id,
            sector=self.sector,
            due=add_duration(result.assessed_at, offset),
            mandatory=self.mandatory if mandatory is None else mandatory,
            label=self.label,
        )


@attrs.frozen
class _Catalogue:
    actions: tuple[ActionSpec, ...]


def load_action_specs(path: Path | Traversable, sectors: tuple[str, ...] = ()) -> dict[str, ActionSpec]:
    """Read and check an action catalogue; every problem is reported at once (:class:`InstrumentInvalid`).

    With ``sectors``, each action must belong to one of them (a plugin's own sector, or ``csvc``).
    """
    origin = str(path)
    try:
        data: Mapping[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
        catalogue = converter.structure(data, _Catalogue)
    except tomllib.TOMLDecodeError as exc:
        raise InstrumentInvalid([f"{origin}: not valid TOML: {exc}"]) from None
    except OSError as exc:
        raise InstrumentInvalid([f"{origin}: cannot read: {exc}"]) from None
    except Exception as exc:  # cattrs groups every structuring error
        raise InstrumentInvalid([f"{origin}: {line}" for line in structure_errors(exc)]) from None
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


def acts_for(own_sector: str, acting_sector: str | None) -> bool:
    """Whether a plugin serving ``own_sector`` proposes actions when ``acting_sector`` acts.

    No acting sector (the CLI's ``assess``): each plugin proposes its own. Another sector acting: nothing.
    """
    return acting_sector is None or acting_sector == own_sector
