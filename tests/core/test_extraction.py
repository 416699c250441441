"""Babel's extraction (configured in pyproject.toml) finds the keys used literally in code: each is in the
French catalogues."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from csvc_core.i18n import catalogue_path
from csvc_core.pofile import read_po

ROOT = Path(__file__).parents[2]
FOLDERS = ("csvc_core/locale", "tui/csvc_tui/locale", "plugins/csvc_shelter/locale")


def test_every_extracted_key_is_in_the_catalogues(tmp_path: Path) -> None:
    template = tmp_path / "keys.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    done = subprocess.run(
        [
            str(pybabel),
            "extract",
            "-F",
            "pyproject.toml",
            "--no-default-keywords",
            "-k",
            "t",
            "-o",
            str(template),
            ".",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    extracted = read_po(template)
    keys = {*extracted.texts, *extracted.empty}
    ui = {key for key in keys if key.startswith("tui.")}
    assert len(ui) > 100 and len(keys - ui) > 100  # both mappings ran: the UI's and the core's
    known = set().union(*(read_po(catalogue_path(ROOT / folder, "fr")).texts for folder in FOLDERS))
    prefixes = {key for key in keys if key.endswith(".")}  # "cell.kind." + code: built at run time
    assert sorted(keys - prefixes - known) == []
