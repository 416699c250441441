"""Every vignette (tests/vignettes and ../shared/vignettes) through the API and through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from csvc_core.testing import check_vignette, compare_vignette, vignette_payload

TESTS = Path(__file__).resolve().parents[1]
#: the copies kept in tests/vignettes, and the shared folder when the checkout sits next to it.
FOLDERS = (TESTS / "vignettes", TESTS.parent.parent / "shared" / "vignettes")


def load_vignettes() -> list[tuple[str, dict[str, Any]]]:
    found: dict[str, dict[str, Any]] = {}
    for folder in FOLDERS:
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else ():
            found[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    return sorted(found.items())


VIGNETTES = load_vignettes()


def test_there_are_vignettes_for_every_reference_instrument() -> None:
    instruments = {vignette["instrument"] for _, vignette in VIGNETTES}
    assert {"csvc-grid", "lethality-screen", "health-screen", "risk-checklist"} <= instruments


@pytest.mark.parametrize(("name", "vignette"), VIGNETTES, ids=[name for name, _ in VIGNETTES])
def test_vignette_through_the_api(csvc: Any, name: str, vignette: dict[str, Any]) -> None:
    assert check_vignette(csvc, vignette) == []


@pytest.mark.parametrize(("name", "vignette"), VIGNETTES, ids=[name for name, _ in VIGNETTES])
def test_vignette_through_the_cli(run_csvc: Any, name: str, vignette: dict[str, Any]) -> None:
    instrument = vignette["instrument"]
    yes_no: list[str] = []
    if vignette["input"].get("answers") == "FIRST_14_YES":
        status, shown, _ = run_csvc("instruments", "show", instrument, "--json")
        assert status == 0
        yes_no = [item["id"] for item in shown["items"] if item["type"] == "yes_no"]
    payload = vignette_payload(vignette, yes_no)
    status, output, stderr = run_csvc("assess", "--instrument", instrument, "--json", answers=payload)
    assert compare_vignette(vignette["expect"], status, output or {}) == []
    if status != 0:
        assert output is None and stderr.count("\n") == 1 and "Traceback" not in stderr
