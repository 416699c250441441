"""The core stays out of the UI and the store: importing it or scoring with `csvc assess` loads neither."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

#: modules the core's scoring path must never import.
FORBIDDEN = ("textual", "sqlalchemy", "alembic", "jinja2", "psycopg", "cryptography", "argon2")

PROBE = """
import json, sys
{body}
print(json.dumps(sorted({{name.split(".")[0] for name in sys.modules}})))
"""


def loaded_after(body: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(body=body)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


@pytest.mark.parametrize(
    "body",
    [
        "import csvc_core",
        "from csvc_core import Csvc\nCsvc.load().assess('csvc-grid', {'answers': {'stalking': 'yes'}})",
    ],
)
def test_core_api_loads_no_ui_and_no_store(body: str) -> None:
    loaded = loaded_after(body)
    assert not loaded.intersection(FORBIDDEN), loaded.intersection(FORBIDDEN)


def test_csvc_assess_command_loads_no_ui_and_no_store(tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps({"answers": {"homicide_plan": "yes"}}), encoding="utf-8")
    body = (
        "from csvc_core.cli import main\n"
        "import contextlib, io\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main(['assess', '--instrument', 'csvc-grid', '--answers', {str(case)!r}, '--json'])"
    )
    loaded = loaded_after(body)
    assert "csvc_core" in loaded
    assert not loaded.intersection(FORBIDDEN), loaded.intersection(FORBIDDEN)
