"""The repository explains itself: no code or page cites a document or a requirement id it does not hold."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: citations of documents that are not in the repository (built from pieces: this file must not match).
CITATIONS = re.compile(
    "|".join(
        [
            "contract" + r"\s*§",
            "contract" + r"\.md",
            r"§\s*[0-9]",
            r"\b(?:SEC|REL|AUD|LAW)" + r"-[0-9]+\b",
        ]
    )
)


def tracked_text_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [ROOT / name for name in listed.splitlines() if (ROOT / name).is_file()]


def test_no_file_cites_an_outside_document_or_requirement_id() -> None:
    found = []
    for path in tracked_text_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        found += [
            f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
            for number, line in enumerate(text.splitlines(), start=1)
            if CITATIONS.search(line)
        ]
    assert found == []


def test_the_stable_interface_is_a_page_of_the_docs_that_others_cite() -> None:
    page = (ROOT / "docs" / "interface.md").read_text(encoding="utf-8")
    for part in ("answers object", "result object", "Exit status", "store's commands", "csvc_core.plugin"):
        assert part in page
    assert "interface.md" in (ROOT / "docs" / "integrators.md").read_text(encoding="utf-8")
    assert "docs/interface.md" in (ROOT / "csvc_core" / "jsonio.py").read_text(encoding="utf-8")
