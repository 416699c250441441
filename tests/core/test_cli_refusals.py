"""Input an attacker chooses, through the real CLI in a subprocess: refused in one line, never a traceback."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from core_kit import run_csvc

from csvc_core import Csvc
from csvc_core.errors import BadInput
from csvc_core.exchange.keys import new_key
from csvc_core.exchange.package import seal
from csvc_core.inputfiles import ANSWERS_MAX_BYTES, INSTRUMENT_MAX_BYTES, PACKAGE_MAX_BYTES
from csvc_core.jsonio import CLOCK_SKEW

#: the address space a refusing csvc may use: reading /dev/zero to the end would go far past it.
MEMORY_CAP = 1 << 30


def _one_line(done, code: int) -> str:  # type: ignore[no-untyped-def]
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, lines
    return str(lines[0])


def _later(delta: timedelta) -> str:
    return (datetime.now().astimezone() + delta).replace(microsecond=0).isoformat()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_assess_refuses_an_assessment_dated_in_the_future(tmp_path: Path, lang: str) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"assessed_at": "2099-01-01T10:00:00-05:00"}), encoding="utf-8")
    done = run_csvc("assess", "--instrument", "csvc-grid", "--answers", str(path), "--lang", lang)
    line = _one_line(done, 2)
    assert f"{path}: $.assessed_at" in line and "2099-01-01T10:00:00-05:00" in line
    assert ("future" if lang == "en" else "futur") in line
    assert done.stdout == ""


def test_the_clock_skew_is_allowed_and_no_more() -> None:
    csvc = Csvc.load()
    within = _later(CLOCK_SKEW - timedelta(seconds=30))
    assert csvc.assess("csvc-grid", {"assessed_at": within}).assessed_at.isoformat() == within
    with pytest.raises(BadInput, match=r"answers: \$\.assessed_at"):
        csvc.assess("csvc-grid", {"assessed_at": _later(CLOCK_SKEW + timedelta(seconds=30))})


def _bounded(*args: str, stdin_path: str | None = None) -> subprocess.CompletedProcess[str]:
    """The real CLI with its memory capped and a short timeout: it must refuse, not read on."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))

    with open(stdin_path or "/dev/null", "rb") as stdin:
        return subprocess.run(
            [sys.executable, "-m", "csvc_core", *args, "--lang", "en"],
            stdin=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            preexec_fn=cap,
        )


@pytest.mark.parametrize(
    ("args", "stdin_path", "limit"),
    [
        (("assess", "--instrument", "csvc-grid", "--answers", "/dev/zero"), None, ANSWERS_MAX_BYTES),
        (("assess", "--instrument", "csvc-grid", "--answers", "-"), "/dev/zero", ANSWERS_MAX_BYTES),
        (("import", "/dev/zero"), None, PACKAGE_MAX_BYTES),
        (("concertation", "meeting", "c1", "--file", "/dev/zero"), None, None),
        (("report", "c1", "--kind", "plan", "--plan", "/dev/zero"), None, None),
    ],
    ids=["answers", "answers on stdin", "package", "meeting", "plan"],
)
def test_an_endless_input_is_refused_at_its_limit(
    args: tuple[str, ...], stdin_path: str | None, limit: int | None
) -> None:
    line = _one_line(_bounded(*args, stdin_path=stdin_path), 2)
    assert "bytes, the limit for this kind of file" in line
    assert ("<stdin>" if stdin_path else "/dev/zero") in line
    if limit is not None:
        assert f"more than {limit} bytes" in line


def test_an_endless_instrument_file_is_refused() -> None:
    line = _one_line(_bounded("instruments", "validate", "/dev/zero"), 2)
    assert line == f"/dev/zero: larger than {INSTRUMENT_MAX_BYTES} bytes; not read"


def test_an_instrument_nested_too_deeply_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deep.toml"
    path.write_text("id = " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    assert (
        _one_line(_bounded("instruments", "validate", str(path)), 2)
        == f"{path}: not valid TOML: nested too deeply"
    )


def test_an_endless_exchange_key_is_refused(tmp_path: Path) -> None:
    package = tmp_path / "p.json"
    header = {"package_id": "p1", "created_at": "2026-03-01T10:00:00-05:00", "sender": {}}
    package.write_bytes(seal({}, header, key=new_key("Partenariat synthétique")))
    line = _one_line(_bounded("import", str(package), "--key", "/dev/zero"), 2)
    assert "/dev/zero: more than" in line


@pytest.mark.parametrize("where", ["answers", "package"])
def test_json_nested_too_deeply_is_refused_in_one_line(tmp_path: Path, where: str) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    args = ("assess", "--instrument", "csvc-grid", "--answers") if where == "answers" else ("import",)
    line = _one_line(_bounded(*args, str(path)), 2)
    assert str(path) in line


BOOM_PLUGIN = """
import click

from csvc_core import hookimpl
from csvc_core.cli.common import lang_option


@click.command("xyz-boom")
@lang_option
def boom(lang):
    raise LookupError("a bug in a plugin\\n[its details on a second line]")


@hookimpl
def csvc_commands():
    return [boom]
"""


@pytest.mark.parametrize(("lang", "words"), [("en", "unexpected error"), ("fr", "erreur inattendue")])
def test_an_unexpected_error_is_one_line_in_the_asked_language(tmp_path: Path, lang: str, words: str) -> None:
    info = tmp_path / "xyz_boom-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: xyz-boom\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[csvc.plugins]\nxyz_boom = xyz_boom\n", encoding="utf-8")
    (tmp_path / "xyz_boom.py").write_text(BOOM_PLUGIN, encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if not key.startswith("CSVC_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tmp_path), env.get("PYTHONPATH")]))
    line = _one_line(run_csvc("xyz-boom", "--lang", lang, env=env), 1)
    assert words in line and "LookupError: a bug in a plugin" in line


def test_an_argument_that_is_not_utf8_is_refused_in_one_line() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "csvc_core",
            "assess",
            "--instrument",
            b"caf\xe9",
            "--answers",
            "-",
            "--lang",
            "en",
        ],
        input=b"{}",
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 2 and b"Traceback" not in done.stderr
    assert done.stderr.decode("utf-8").splitlines() == ["csvc: argument 3 (caf\\xe9) is not valid UTF-8 text"]
