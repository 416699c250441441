"""The wheel is built once per run: a second request, as another xdist worker makes it, reuses that build."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.wheel import run_folder, shared_wheel


@pytest.mark.slow
def test_a_second_request_for_the_wheel_reuses_the_first_build(
    csvc_wheel: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    built_at = csvc_wheel.stat().st_mtime_ns
    again = shared_wheel(run_folder(tmp_path_factory))
    assert again == csvc_wheel and again.stat().st_mtime_ns == built_at
    assert list(csvc_wheel.parent.glob("*.whl")) == [csvc_wheel]
