"""Sectors of a partnership and how a sector adapts a shared instrument."""

from __future__ import annotations

import attrs

from csvc_core.model import Data, Item, Text

#: the partnership itself (intersectoral concertation): actions of this sector belong to the CSVC.
PARTNERSHIP = "csvc"


@attrs.frozen(repr=False)
class Sector(Data):
    """A sector of the partnership: police, health, shelter, ..."""

    id: str
    name: Text
    mandate: Text


@attrs.frozen(repr=False)
class Adaptation(Data):
    """A sector's adaptation of a shared instrument, proposed through ``csvc_adapt_instrument``.

    ``hidden``: items the sector may not ask (they count as unknown); ``labels``: item id -> new wording;
    ``sources``: item id -> where the sector establishes it (e.g. ``police_records``);
    ``extra_items``: items the sector adds (informative unless their group is used by the rule).
    """

    hidden: tuple[str, ...] = ()
    labels: dict[str, Text] = attrs.field(factory=dict)
    sources: dict[str, str] = attrs.field(factory=dict)
    extra_items: tuple[Item, ...] = ()


def apply_adaptations(instrument_items: tuple[Item, ...], adaptations: list[Adaptation]) -> tuple[Item, ...]:
    """The items of an instrument as a sector sees them, adaptations applied in the given order."""
    items = list(instrument_items)
    for adaptation in adaptations:
        items = [
            attrs.evolve(
                item,
                label=adaptation.labels.get(item.id, item.label),
                source=adaptation.sources.get(item.id, item.source),
            )
            for item in items
            if item.id not in adaptation.hidden
        ]
        known = {item.id for item in items}
        items.extend(item for item in adaptation.extra_items if item.id not in known)
    return tuple(items)
