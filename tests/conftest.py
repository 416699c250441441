"""Shared fixtures of the csvc test suite."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.support.wheel import run_folder, shared_wheel


def pytest_configure(config: pytest.Config) -> None:
    """Checked files kept between runs (:mod:`csvc_core.filecache`) go to this session's own folder, for
    the tests and the processes they start: never to the user's cache."""
    config.csvc_cache = tempfile.mkdtemp(prefix="csvc-test-cache-")  # type: ignore[attr-defined]
    os.environ["XDG_CACHE_HOME"] = config.csvc_cache  # type: ignore[attr-defined]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow tests first, the others in their order: on every core (``./dev test``), each worker takes a
    long file at the start and the quick ones fill in around it, instead of a long file starting last and the
    run waiting for it alone."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = getattr(config, "csvc_cache", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def csvc_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """csvc's wheel built from this repository, once per run (building it is slow): under pytest-xdist the
    workers share one build, the first to ask makes it while the others wait on a lock."""
    return shared_wheel(run_folder(tmp_path_factory))


@pytest.fixture(scope="session")
def csvc():
    """The framework with the installed plugins (shared: loading is read-only)."""
    from csvc_core import Csvc

    return Csvc.load()
