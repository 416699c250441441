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

from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from csvc_core.errors import InstrumentInvalid
from csvc_core.filecache import cached
from csvc_core.model import Action, Data, Result, Text, add_duration

if TYPE_CHECKING:  # importlib.resources costs start-up time; only its type is needed
    from importlib.resources.abc import Traversable


@attrs.frozen(repr=False)
class ActionSpec(Data):
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


def load_action_specs(path: Path | Traversable, sectors: tuple[str, ...] = ()) -> dict[str, ActionSpec]:
    """Read and check an action catalogue; every problem is reported at once (:class:`InstrumentInvalid`).

    With ``sectors``, each action must belong to one of them (a plugin's own sector, or ``csvc``).
    """
    origin = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InstrumentInvalid([f"{origin}: cannot read: {exc}"]) from None

    def build() -> dict[str, ActionSpec]:
        from csvc_core.action_check import checked_specs

        return checked_specs(raw, origin, sectors)

    return cached("actions", origin, raw, tuple(sectors), dict, build)


def acts_for(own_sector: str, acting_sector: str | None) -> bool:
    """Whether a plugin serving ``own_sector`` proposes actions when ``acting_sector`` acts.

    No acting sector (the CLI's ``assess``): each plugin proposes its own. Another sector acting: nothing.
    """
    return acting_sector is None or acting_sector == own_sector
