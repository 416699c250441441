"""Data files of csvc: the shared instruments, the risk-factor vocabulary and the case scale."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def data_dir() -> Path:
    """The folder holding ``vocabulary.toml``, ``scale.toml`` and the shared instruments (``*.toml``)."""
    return Path(str(files(__name__)))


def instruments_dir() -> Path:
    return data_dir() / "shared"
