"""Entry points of installed distributions, read straight from their ``*.dist-info`` folders.

``importlib.metadata`` costs about as much to import as click (it parses metadata with :mod:`email`);
every ``csvc`` command needs the plugins' entry points, so this module reads ``entry_points.txt`` itself.
It follows ``importlib.metadata.entry_points()``: folders of ``sys.path`` in order, a distribution found
twice is read once (the first, by normalised name). Zipped distributions are not read (pip never installs
them).
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from collections.abc import Iterable
from typing import Any, NamedTuple

_SEPARATORS = re.compile(r"[-_.]+")


class EntryPoint(NamedTuple):
    """One entry point ``name = module:attribute`` of ``group``, from distribution ``dist`` at ``version``."""

    name: str
    value: str
    group: str
    dist: str
    version: str | None

    def load(self) -> Any:
        """Import the module and return the object the entry point names."""
        module_name, _, attribute = self.value.partition(":")
        found: Any = importlib.import_module(module_name.strip())
        for part in filter(None, attribute.strip().split(".")):
            found = getattr(found, part)
        return found


def _normalise(name: str) -> str:
    return _SEPARATORS.sub("-", name).lower()


def _metadata_version(folder: str) -> str | None:
    for file_name in ("METADATA", "PKG-INFO"):
        try:
            with open(os.path.join(folder, file_name), encoding="utf-8") as handle:
                for line in handle:
                    if line.startswith("Version:"):
                        return line.partition(":")[2].strip()
                    if not line.strip():
                        break  # the headers end at the first blank line
        except OSError:
            continue
    return None


def _parse(text: str) -> Iterable[tuple[str, str, str]]:
    """``(group, name, value)`` of an ``entry_points.txt`` (INI sections, ``name = value`` lines)."""
    group = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            group = line[1:-1].strip()
        elif "=" in line and group:
            name, _, value = line.partition("=")
            yield group, name.strip(), value.strip()


def entry_points(group: str, path: Iterable[str] | None = None) -> list[EntryPoint]:
    """The entry points of ``group`` in every distribution on ``path`` (default ``sys.path``)."""
    found: list[EntryPoint] = []
    seen: set[str] = set()
    for folder in sys.path if path is None else path:
        for name in _metadata_folders(folder):
            dist, _, version = name.rpartition(".")[0].partition("-")
            if _normalise(dist) in seen:
                continue
            seen.add(_normalise(dist))
            where = os.path.join(folder or ".", name)
            try:
                with open(os.path.join(where, "entry_points.txt"), encoding="utf-8") as handle:
                    text = handle.read()
            except OSError:
                continue
            wanted = [(n, v) for g, n, v in _parse(text) if g == group]
            if wanted:
                known = version or _metadata_version(where)
                found += [EntryPoint(n, v, group, dist, known) for n, v in wanted]
    return found


def distribution_version(dist: str, path: Iterable[str] | None = None) -> str | None:
    """The version of the first distribution called ``dist`` on ``path`` (default ``sys.path``), or None."""
    wanted = _normalise(dist)
    for folder in sys.path if path is None else path:
        for name in _metadata_folders(folder):
            stem = name.rpartition(".")[0]
            if _normalise(stem.partition("-")[0]) == wanted:
                return stem.partition("-")[2] or _metadata_version(os.path.join(folder or ".", name))
    return None


def _metadata_folders(folder: str) -> list[str]:
    """The ``*.dist-info`` and ``*.egg-info`` names in ``folder``, sorted (none if it cannot be listed)."""
    try:
        names = os.listdir(folder or ".")
    except OSError:
        return []
    return sorted(name for name in names if name.endswith((".dist-info", ".egg-info")))
