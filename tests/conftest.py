"""Shared fixtures of the csvc test suite."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VIGNETTES = ROOT.parent / "shared" / "vignettes"


def pytest_configure(config: pytest.Config) -> None:
    """Checked files kept between runs (:mod:`csvc_core.filecache`) go to this session's own folder, for
    the tests and the processes they start: never to the user's cache."""
    config.csvc_cache = tempfile.mkdtemp(prefix="csvc-test-cache-")  # type: ignore[attr-defined]
    os.environ["XDG_CACHE_HOME"] = config.csvc_cache  # type: ignore[attr-defined]


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = getattr(config, "csvc_cache", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def csvc_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """csvc's wheel built from this repository, once per session (building it is slow)."""
    dist = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    [wheel] = dist.glob("csvc-*.whl")
    return wheel


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
