"""Packaging: a wheel built from the repository and installed with pip into a fresh venv works."""

from __future__ import annotations

import json
import os
import subprocess
import venv
import zipfile
from pathlib import Path

import pytest


@pytest.mark.slow
def test_pip_installed_wheel_runs_assess_and_lists_instruments(tmp_path: Path, csvc_wheel: Path) -> None:
    wheel = csvc_wheel
    env = tmp_path / "env"
    venv.create(env, with_pip=True)
    clean = {
        key: value for key, value in os.environ.items() if key != "PYTHONPATH" and not key.startswith("CSVC_")
    }
    installed = subprocess.run(
        [str(env / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)],
        capture_output=True,
        text=True,
        timeout=900,
        env=clean,
    )
    assert installed.returncode == 0, installed.stderr[-2000:]

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            args, input=stdin, capture_output=True, text=True, timeout=120, cwd=tmp_path, env=clean
        )

    where = run(str(env / "bin" / "python"), "-c", "import csvc_core; print(csvc_core.__file__)")
    assert where.stdout.startswith(str(env)), where.stdout + where.stderr  # the wheel, not the checkout

    case = json.dumps({"assessed_at": "2026-03-01T10:00:00-05:00", "answers": {"homicide_plan": "yes"}})
    done = run(
        str(env / "bin" / "csvc"),
        "assess",
        "--instrument",
        "csvc-grid",
        "--answers",
        "-",
        "--json",
        stdin=case,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert (result["level"], result["compromission"], result["reassess_by"]) == (
        "imminent",
        4,
        "2026-03-04T10:00:00-05:00",
    )

    listing = run(str(env / "bin" / "csvc"), "instruments", "list", "--json")
    assert listing.returncode == 0, listing.stderr
    assert "csvc-grid" in {row["id"] for row in json.loads(listing.stdout)}

    module = run(str(env / "bin" / "python"), "-m", "csvc_core", "instruments", "validate")
    assert module.returncode == 0, module.stderr
    assert module.stdout.strip().endswith("instruments valides."), module.stdout  # the wheel's catalogues
    shipped = set(zipfile.ZipFile(wheel).namelist())
    for package in ("csvc_core", "csvc_tui", "csvc_shelter"):
        for lang in ("fr", "en"):
            assert f"{package}/locale/{lang}/LC_MESSAGES/messages.po" in shipped
    bad = run(str(env / "bin" / "csvc"), "assess", "--instrument", "csvc-grid", "--answers", "-", stdin="{")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
