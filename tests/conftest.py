"""Shared fixtures of the csvc test suite."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VIGNETTES = ROOT.parent / "shared" / "vignettes"


@pytest.fixture(scope="session")
def csvc():
    """The framework with the installed plugins (shared: loading is read-only)."""
    from csvc_core import Csvc

    return Csvc.load()


def load_vignettes() -> list[tuple[str, dict]]:
    """The vignettes of ../shared/vignettes, plus the copies kept in tests/vignettes."""
    found: dict[str, dict] = {}
    for folder in (ROOT / "tests" / "vignettes", VIGNETTES):
        if folder.is_dir():
            for path in sorted(folder.glob("*.json")):
                found[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    return sorted(found.items())
