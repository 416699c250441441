"""The isolated environment: no csvc setting of the person running the tests leaks into a test."""

from __future__ import annotations

from pathlib import Path

import pytest

#: csvc's environment variables, each removed for every test that uses the fixture.
SETTINGS = (
    "CSVC_STORE",
    "CSVC_USER",
    "CSVC_PASSPHRASE",
    "CSVC_AUDIT_KEY",
    "CSVC_NEW_PASSPHRASE",
    "CSVC_LANG",
    "CSVC_LOCK_AFTER",
    "CSVC_THEME",
)


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No store setting of the person running the tests leaks in; user folders point into tmp_path."""
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
