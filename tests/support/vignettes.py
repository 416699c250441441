"""The synthetic vignettes the tests read."""

from __future__ import annotations

import json

from tests.support.constants import ROOT, VIGNETTES


def load_vignettes() -> list[tuple[str, dict]]:
    """The vignettes of ../shared/vignettes, plus the copies kept in tests/vignettes."""
    found: dict[str, dict] = {}
    for folder in (ROOT / "tests" / "vignettes", VIGNETTES):
        if folder.is_dir():
            for path in sorted(folder.glob("*.json")):
                found[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    return sorted(found.items())
