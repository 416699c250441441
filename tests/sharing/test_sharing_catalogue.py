"""Every reason the sharing rules can give has its wording in French and in English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from csvc_core.i18n import catalogue
from csvc_core.sharing.consent import EXPIRED, NOT_YET, WITHDRAWN

SOURCES = Path(__file__).resolve().parents[2] / "csvc_core" / "sharing"


def reason_codes() -> set[str]:
    codes = {f"consent_{state}" for state in (WITHDRAWN, EXPIRED, NOT_YET)}
    for path in SOURCES.glob("*.py"):
        codes |= set(re.findall(r'reason\(\s*"([a-z_]+)"', path.read_text(encoding="utf-8")))
    return codes


def test_the_scan_finds_the_reasons() -> None:
    assert {"not_able_to_help", "step_out_of_order", "no_access", "consent_withdrawn"} <= reason_codes()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_reason_is_worded(lang: str) -> None:
    texts = catalogue(lang)
    missing = sorted(code for code in reason_codes() if f"sharing.{code}" not in texts)
    assert missing == []


def test_french_and_english_have_the_same_sharing_keys() -> None:
    french = {key for key in catalogue("fr") if key.startswith("sharing.")}
    english = {key for key in catalogue("en") if key.startswith("sharing.")}
    assert french == english
