"""Texts that count take the plural form of their language: French treats 0 and 1 as singular."""

from __future__ import annotations

from pathlib import Path

import pytest
from core_kit import run_csvc

from csvc_core.i18n import catalogue_path, t
from csvc_core.pofile import read_po

GRID = Path(__file__).parents[2] / "instruments" / "csvc_instruments" / "shared" / "csvc-grid.toml"
LOCALES = [
    Path(__file__).parents[2] / folder for folder in ("csvc_core", "tui/csvc_tui", "plugins/csvc_shelter")
]


@pytest.mark.parametrize(
    ("lang", "count", "expected"),
    [
        ("fr", 0, "0 action en retard"),
        ("fr", 1, "1 action en retard"),
        ("fr", 2, "2 actions en retard"),
        ("en", 0, "0 overdue actions"),
        ("en", 1, "1 overdue action"),
        ("en", 2, "2 overdue actions"),
    ],
)
def test_a_count_takes_the_form_of_its_language(lang: str, count: int, expected: str) -> None:
    assert t("store.overdue_actions", lang, count=count) == expected


def test_the_cli_counts_in_words(tmp_path: Path) -> None:
    one = run_csvc("instruments", "validate", str(GRID))
    assert one.returncode == 0, one.stderr
    assert one.stdout.strip() == "1 instrument valide."
    none = run_csvc("instruments", "validate", str(tmp_path), "--lang", "en")
    assert none.stdout.strip() == "0 valid instruments."


@pytest.mark.parametrize("folder", LOCALES, ids=lambda folder: folder.parent.name)
def test_no_catalogue_text_counts_with_a_bracketed_s(folder: Path) -> None:
    """« dossier(s) » reads badly to a person: a count has plural forms. Lists of names are left aside."""
    for lang in ("fr", "en"):
        read = read_po(catalogue_path(folder / "locale", lang))
        counted = [key for key, text in read.texts.items() if "(s)" in text and "{count}" in text]
        assert counted == [], lang
