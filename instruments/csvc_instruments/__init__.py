"""Data files of csvc: the shared instruments, the risk-factor vocabulary and the case scale."""

from __future__ import annotations

from pathlib import Path

#: the package folder (csvc is installed unzipped: ``importlib.resources`` would only add import time).
_HERE = Path(__file__).resolve().parent


def data_dir() -> Path:
    """The folder holding ``vocabulary.toml``, ``scale.toml`` and the shared instruments (``*.toml``)."""
    return _HERE


def instruments_dir() -> Path:
    return _HERE / "shared"
