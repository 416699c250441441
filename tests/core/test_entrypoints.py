"""The entry-point reader gives what importlib.metadata gives, without its import cost."""

from __future__ import annotations

import importlib.metadata
import sys
from pathlib import Path

import pytest

from csvc_core.entrypoints import distribution_version, entry_points


@pytest.mark.parametrize("group", ["csvc.plugins", "pytest11", "console_scripts"])
def test_same_entry_points_as_importlib_metadata(group: str) -> None:
    ours = sorted((ep.name, ep.value, ep.version) for ep in entry_points(group))
    theirs = sorted(
        (ep.name, ep.value, ep.dist.version if ep.dist else None)
        for ep in importlib.metadata.entry_points(group=group)
    )
    assert ours == theirs


def test_versions_and_loading(tmp_path: Path) -> None:
    assert distribution_version("csvc") == importlib.metadata.version("csvc")
    assert distribution_version("no-such-distribution") is None
    site = tmp_path / "site"
    info = site / "Odd_Name-2.5.dist-info"
    info.mkdir(parents=True)
    (info / "entry_points.txt").write_text(
        "# comment\n[csvc.plugins]\nodd = odd_module:Plugin.inner\n\n[other]\nx = y\n", encoding="utf-8"
    )
    (site / "odd_module.py").write_text("class Plugin:\n    inner = 42\n", encoding="utf-8")
    shadowed = tmp_path / "later" / "odd_name-9.0.dist-info"  # the same distribution later on the path
    shadowed.mkdir(parents=True)
    (shadowed / "entry_points.txt").write_text("[csvc.plugins]\nshadow = nowhere\n", encoding="utf-8")
    (tmp_path / "egg" / "legacy.egg-info").mkdir(parents=True)
    (tmp_path / "egg" / "legacy.egg-info" / "PKG-INFO").write_text("Name: legacy\nVersion: 0.3\n\nBody\n")
    (tmp_path / "egg" / "legacy.egg-info" / "entry_points.txt").write_text(
        "[csvc.plugins]\nlegacy = legacy\n"
    )
    path = [str(site), str(tmp_path / "later"), str(tmp_path / "egg"), str(tmp_path / "missing")]
    found = entry_points("csvc.plugins", path)
    assert [(ep.name, ep.dist, ep.version) for ep in found] == [
        ("odd", "Odd_Name", "2.5"),
        ("legacy", "legacy", "0.3"),
    ]
    sys.path.insert(0, str(site))
    try:
        assert found[0].load() == 42
    finally:
        sys.path.remove(str(site))
        sys.modules.pop("odd_module", None)
