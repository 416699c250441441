"""The shared case scale (niveau de compromission de la sécurité, 1–4), read from ``csvc_instruments``."""

from __future__ import annotations

import tomllib

import attrs

from csvc_core.model import Text


@attrs.frozen
class ScaleLevel:
    """A level of the shared case scale (niveau de compromission de la sécurité)."""

    rank: int
    id: str
    label: Text
    colour: str


def load_scale() -> tuple[ScaleLevel, ...]:
    """The four levels of the case scale, rank 1 to 4."""
    from csvc_instruments import data_dir

    with (data_dir() / "scale.toml").open("rb") as handle:
        table = tomllib.load(handle)["levels"]
    return tuple(
        ScaleLevel(rank=row["rank"], id=row["id"], label=Text(**row["label"]), colour=row["colour"])
        for row in sorted(table, key=lambda row: row["rank"])
    )
