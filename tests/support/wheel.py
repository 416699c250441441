"""csvc's wheel, built once per test run and shared by the xdist workers."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.constants import ROOT


def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of this run that every xdist worker sees (each has its own basetemp below it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def shared_wheel(folder: Path) -> Path:
    """The wheel in ``folder/dist``, built there by whoever holds ``folder/wheel.lock`` first."""
    dist = folder / "dist"
    with open(folder / "wheel.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        built = sorted(dist.glob("csvc-*.whl"))
        if not built:
            done = subprocess.run(
                [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
                capture_output=True,
                text=True,
                timeout=600,
            )
            assert done.returncode == 0, done.stderr[-2000:]
            built = sorted(dist.glob("csvc-*.whl"))
    [wheel] = built
    return wheel
