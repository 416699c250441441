"""Checked files kept between runs: reused only for the same bytes, inputs and code; never a problem kept;
a missing, corrupt, foreign or unwritable cache is the same as no cache; the folder is platformdirs' own."""

from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys
from pathlib import Path

import platformdirs
import pytest
from csvc_instruments import instruments_dir

from csvc_core import filecache
from csvc_core.action_specs import load_action_specs
from csvc_core.errors import InstrumentInvalid
from csvc_core.filecache import cache_dir, checked_instrument
from csvc_core.framework import Csvc

GRID = instruments_dir() / "csvc-grid.toml"
CASE = {"assessed_at": "2026-03-01T10:00:00-05:00", "answers": {"stalking": "yes", "homicide_plan": "no"}}


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, framework: Csvc) -> Path:
    """An empty cache folder of this test (the framework's vocabulary already read)."""
    assert framework.vocabulary and framework.rules
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    return tmp_path / "xdg-cache" / "csvc"


@pytest.fixture
def grid(tmp_path: Path) -> Path:
    """A copy of the shared grid that a test may change."""
    path = tmp_path / "instruments" / "csvc-grid.toml"
    path.parent.mkdir()
    path.write_bytes(GRID.read_bytes())
    return path


def _load(path: Path, framework: Csvc) -> object:
    return checked_instrument(path, frozenset(framework.vocabulary), framework.rules)


def test_kept_instrument_equals_the_checked_one(cache: Path, grid: Path, framework: Csvc) -> None:
    first = _load(grid, framework)
    assert [kept.name.split("-")[0] for kept in cache.iterdir()] == ["instrument"]
    assert _load(grid, framework) == first


def test_a_changed_file_is_read_again_even_with_the_same_size_and_time(
    cache: Path, grid: Path, framework: Csvc
) -> None:
    before = _load(grid, framework)
    status = grid.stat()
    text = grid.read_text(encoding="utf-8")
    assert 'version = "1.0"' in text
    grid.write_text(text.replace('version = "1.0"', 'version = "1.9"'), encoding="utf-8")
    os.utime(grid, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert grid.stat().st_size == status.st_size
    after = _load(grid, framework)
    assert (before.version, after.version) == ("1.0", "1.9")  # type: ignore[attr-defined]


def test_problems_are_never_kept(cache: Path, grid: Path, framework: Csvc) -> None:
    grid.write_text(grid.read_text(encoding="utf-8").replace('version = "1.0"', 'version = ""'))
    for _ in range(2):
        with pytest.raises(InstrumentInvalid, match=r"\$\.version: version vide"):
            _load(grid, framework)
    assert not cache.exists() or not list(cache.iterdir())


def test_other_factor_codes_check_the_file_again(cache: Path, grid: Path, framework: Csvc) -> None:
    _load(grid, framework)
    fewer = frozenset(framework.vocabulary) - {"stalking"}
    with pytest.raises(InstrumentInvalid, match="code de facteur 'stalking' inconnu"):
        checked_instrument(grid, fewer, framework.rules)


def test_a_rule_of_unknown_code_is_never_trusted(cache: Path, grid: Path, framework: Csvc) -> None:
    rule = framework.rules["tiered"]
    homeless = type("Tiered", (type(rule),), {"__module__": "csvc_nowhere"})()
    rules = {**framework.rules, "tiered": homeless}
    assert checked_instrument(grid, frozenset(framework.vocabulary), rules) == _load(grid, framework)
    assert len(list(cache.iterdir())) == 1  # kept for the known rules only


def test_corrupt_and_foreign_kept_files_are_read_again(cache: Path, grid: Path, framework: Csvc) -> None:
    good = _load(grid, framework)
    (kept,) = cache.iterdir()
    key, value = marshal.loads(kept.read_bytes())
    kept.write_bytes(b"\xffnot marshal data")
    assert _load(grid, framework) == good
    for foreign in (
        ["os:system", "touch planted"],  # a callable named as a class
        ["csvc_core.errors:BadInput", "planted"],  # a class of csvc that is not data
        ["csvc_core.model:Text", "fr only"],  # data, but not what the checks passed
        (lambda: None).__code__,  # code, never run
    ):
        planted = marshal.dumps((key, foreign))
        kept.write_bytes(planted)
        assert _load(grid, framework) == good
        assert kept.read_bytes() != planted  # replaced by the checked value
    assert marshal.loads(kept.read_bytes()) == (key, value)
    kept.chmod(0o666)  # writable by others: not trusted
    assert _load(grid, framework) == good
    assert kept.stat().st_mode & 0o777 == 0o600


def test_a_folder_that_cannot_be_written_changes_nothing(
    tmp_path: Path, grid: Path, framework: Csvc, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert _load(grid, framework) == _load(grid, framework)


def test_action_catalogues_are_kept_per_mandate(cache: Path, tmp_path: Path) -> None:
    path = tmp_path / "actions.toml"
    path.write_text(
        '[[actions]]\nid = "watch"\nsector = "police"\nlabel = { fr = "Surveiller", en = "Watch" }\n',
        encoding="utf-8",
    )
    assert load_action_specs(path, sectors=("police", "csvc"))["watch"].sector == "police"
    with pytest.raises(InstrumentInvalid, match="outside this catalogue's mandate"):
        load_action_specs(path, sectors=("shelter", "csvc"))
    assert load_action_specs(path, sectors=("police", "csvc"))["watch"].label.en == "Watch"


@pytest.mark.parametrize(
    "environ",
    [{"XDG_CACHE_HOME": "/srv/cache"}, {"XDG_CACHE_HOME": "relative/ignored"}, {}],
)
def test_the_folder_is_where_platformdirs_puts_it(
    environ: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert cache_dir() == platformdirs.user_cache_path("csvc", appauthor=False)


def test_source_stamp_follows_the_file(tmp_path: Path) -> None:
    source = tmp_path / "rule.py"
    source.write_text("x = 1\n", encoding="utf-8")
    before = filecache.source_stamp([str(source)])
    os.utime(source, ns=(0, source.stat().st_mtime_ns + 1_000_000))
    assert filecache.source_stamp([str(source)]) != before
    assert filecache.source_stamp([str(tmp_path / "gone.py")]) == ((str(tmp_path / "gone.py"), -1, -1),)


def test_second_run_reads_no_toml_and_answers_the_same(tmp_path: Path) -> None:
    """The real CLI twice on an empty cache: the same JSON; the second run neither parses nor checks."""
    case = tmp_path / "case.json"
    case.write_text(json.dumps(CASE), encoding="utf-8")
    probe = (
        "import sys, runpy\n"
        f"sys.argv = ['csvc', 'assess', '--instrument', 'csvc-grid', '--answers', {str(case)!r}, '--json']\n"
        "try:\n    runpy.run_module('csvc_core', run_name='__main__')\n"
        "finally:\n"
        "    read = ('tomllib', 'cattrs', 'csvc_core.instruments', 'csvc_core.pofile')\n"
        "    print(sorted(m for m in read if m in sys.modules),"
        " file=sys.stderr)\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg-cache")}
    runs = [
        subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=120)
        for _ in range(2)
    ]
    assert [run.returncode for run in runs] == [0, 0], runs[0].stderr
    assert runs[0].stdout == runs[1].stdout and json.loads(runs[0].stdout)["level"] == "elevated"
    assert runs[0].stderr.strip() == "['cattrs', 'csvc_core.instruments', 'tomllib']"
    assert runs[1].stderr.strip() == "[]"
