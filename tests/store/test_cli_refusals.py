"""Input an attacker chooses, given to the store commands through the real CLI in a subprocess: refused in
one line naming what is wrong, never a traceback, nothing stored."""

from __future__ import annotations

import errno
import json
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cli import initialised, run_csvc
from tests.support.constants import CANARY


@pytest.fixture
def env(tmp_path: Path, sqlite_url: str) -> dict[str, str]:
    """A store on SQLite (the refusals happen before the engine matters) and its first user's environment."""
    return initialised(tmp_path, sqlite_url, via_cli=False)


def _one_line(done, code: int) -> str:  # type: ignore[no-untyped-def]
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, lines
    return str(lines[0])


def _new_case(env: dict[str, str]) -> str:
    done = run_csvc("case", "new", "--label", CANARY, "--json", env=env)
    assert done.returncode == 0, done.stderr
    return str(json.loads(done.stdout)["id"])


def test_case_assess_refuses_a_future_assessment(env: dict[str, str], tmp_path: Path) -> None:
    case_id = _new_case(env)
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"assessed_at": "2099-01-01T10:00:00+00:00"}), encoding="utf-8")
    done = run_csvc(
        "case",
        "assess",
        case_id,
        "--instrument",
        "csvc-grid",
        "--answers",
        str(path),
        "--lang",
        "en",
        env=env,
    )
    assert "$.assessed_at" in _one_line(done, 2)
    shown = run_csvc("case", "show", case_id, "--json", env=env)
    assert json.loads(shown.stdout)["assessments"] == []


def test_purge_refuses_a_now_in_the_future(env: dict[str, str]) -> None:
    case_id = _new_case(env)
    closed = run_csvc("case", "close", case_id, "--reason", "fin du suivi", env=env)
    assert closed.returncode == 0, closed.stderr
    done = run_csvc(
        "store",
        "purge",
        "--now",
        "2099-01-01T00:00:00+00:00",
        "--lang",
        "en",
        env=env,
    )
    line = _one_line(done, 2)
    assert "--now" in line and "2099-01-01T00:00:00+00:00" in line
    shown = run_csvc("case", "show", case_id, "--json", env=env)
    assert shown.returncode == 0 and json.loads(shown.stdout)["id"] == case_id


SECRET = "s3cr3t-Canari"


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://csvc:{SECRET}@127.0.0.1:1/csvc",  # nothing listens: the driver's own message
        f"postgresql://csvc:{SECRET}@127.0.0.1:notaport/csvc",
        f"postgresql://csvc:{SECRET}@127.0.0.1:1",
        f"mysql://csvc:{SECRET}@127.0.0.1/csvc",
        f"postgresql://csvc:{SECRET}@x@127.0.0.1:1/csvc",  # an @ left unencoded in the password
        f"://csvc:{SECRET}@127.0.0.1/csvc",
    ],
)
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_store_password_never_appears_in_a_message(url: str, lang: str) -> None:
    done = run_csvc(
        "case", "list", "--store", url, "--user", "alice", "--lang", lang, env={"CSVC_PASSPHRASE": "x"}
    )
    line = _one_line(done, 1 if ":1/" in url and "@x@" not in url else 2)
    for part in (SECRET, SECRET[:6], "Canari"):
        assert part not in line
    assert "***" in line


@pytest.mark.postgres
def test_store_init_shows_the_server_url_without_its_password(tmp_path: Path, postgres_url: str) -> None:
    with_password = postgres_url.replace("postgres@", f"postgres:{SECRET}@")
    done = run_csvc(
        "store",
        "init",
        "--org",
        "Maison Aurore",
        "--sector",
        "shelter",
        "--user",
        "alice",
        "--store",
        with_password,
        "--json",
        env={"CSVC_PASSPHRASE": "une phrase de passe assez longue", "XDG_DATA_HOME": str(tmp_path / "xdg")},
    )
    assert done.returncode == 0, done.stderr
    assert SECRET not in done.stdout + done.stderr
    assert json.loads(done.stdout)["store"] == postgres_url.replace("postgres@", "postgres:***@")


#: the commands that write a file where they are told, each with where its destination goes.
WRITERS = {
    "export": ("export", "{case}", "-o", "{path}"),
    "report": ("report", "{case}", "-o", "{path}"),
    "stats": ("stats", "-o", "{path}"),
    "key": ("exchange", "key-new", "-o", "{path}"),
    "register": (
        "disclose", "register", "--from", "2026-01-01T00:00:00+00:00", "--to", "2026-02-01T00:00:00+00:00",
        "--output", "{path}",
    ),
}  # fmt: skip


def _writer(name: str, case_id: str, path: Path) -> tuple[str, ...]:
    return tuple(part.format(case=case_id, path=path) for part in WRITERS[name])


def _not_a_file(tmp_path: Path, kind: str) -> Path:
    if kind == "device":
        return Path("/dev/null")
    fifo, folder = tmp_path / "fifo", tmp_path / "folder"
    os.mkfifo(fifo)
    folder.mkdir()
    if kind in ("fifo", "folder"):
        return fifo if kind == "fifo" else folder
    link = tmp_path / "link"
    link.symlink_to(folder if kind == "link to a folder" else fifo)
    return link


@pytest.mark.parametrize("kind", ["fifo", "device", "folder", "link to a folder", "link to a fifo"])
@pytest.mark.parametrize("writer", list(WRITERS))
def test_an_output_that_is_not_a_regular_file_is_refused(
    env: dict[str, str], tmp_path: Path, writer: str, kind: str
) -> None:
    destination = _not_a_file(tmp_path, kind)
    before = os.lstat(destination)
    case_id = _new_case(env) if "{case}" in WRITERS[writer] else ""
    done = run_csvc(*_writer(writer, case_id, destination), "--lang", "en", env=env, timeout=60)
    assert str(destination) in _one_line(done, 2)
    after = os.lstat(destination)
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)
    assert sorted(p.name for p in destination.parent.iterdir() if p.name.startswith(".")) == []


def _cannot(reason: str) -> None:
    """Skipped on a developer's machine without the means; never under CI (it runs as root there)."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}: CI runs the full-disk tests")
    pytest.skip(reason)


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A real file system with no space left (a small tmpfs, filled up): root only."""
    mount = tmp_path / "full"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        _cannot("mounting a small file system needs root")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], check=False)
    if mounted.returncode != 0:
        _cannot("cannot mount a tmpfs here")
    try:
        with open(mount / "filler", "wb", buffering=0) as filler, pytest.raises(OSError) as full:
            while True:
                filler.write(b"\0" * 4096)
                filler.flush()
        assert full.value.errno == errno.ENOSPC
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


@pytest.mark.parametrize("writer", list(WRITERS))
def test_a_full_disk_leaves_no_partial_file(env: dict[str, str], full_disk: Path, writer: str) -> None:
    destination = full_disk / "out"
    case_id = _new_case(env) if "{case}" in WRITERS[writer] else ""
    done = run_csvc(*_writer(writer, case_id, destination), "--lang", "en", env=env)
    line = _one_line(done, 1)
    assert str(destination) in line and "No space left on device" in line
    assert sorted(p.name for p in full_disk.iterdir()) == ["filler"]


def test_a_label_that_is_not_utf8_is_refused_and_nothing_stored(env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "csvc_core", "case", "new", "--label", b"Caf\xe9", "--lang", "en"],
        capture_output=True,
        env={**os.environ, **env},
        timeout=120,
    )
    assert done.returncode == 2 and b"Traceback" not in done.stderr
    assert done.stderr.decode("utf-8").splitlines() == ["csvc: argument 4 (Caf\\xe9) is not valid UTF-8 text"]
    listed = run_csvc("case", "list", "--json", env=env)
    assert json.loads(listed.stdout) == []


#: every option that takes an identifying value, by command: each may be given as "-" and asked instead.
IDENTIFYING = {
    ("case", "new"): ["--label"],
    ("case", "protagonist"): ["--name", "--phone", "--address", "--safe-times"],
    ("case", "event"): ["--note"],
    ("case", "close"): ["--reason"],
    ("case", "close-assessment"): ["--reason"],
    ("case", "refer"): ["--reason"],
    ("case", "transfer"): ["--reason"],
    ("case", "break-glass"): ["--reason"],
    ("consent", "give"): ["--person", "--purpose"],
    ("consent", "check"): ["--purpose"],
    ("consent", "share"): ["--purpose"],
    ("disclose", "create"): [
        "--recipient",
        "--reasonable-cause",
        "--exposed",
        "--violence",
        "--danger",
        "--urgency",
    ],
    ("disclose", "annotate"): ["--text"],
    ("action", "set"): ["--note"],
    ("concertation", "request"): ["--judgement"],
    ("concertation", "submit"): ["--note"],
    ("concertation", "decide"): ["--reason"],
    ("concertation", "done"): ["--note"],
    ("concertation", "close"): ["--note"],
}


def test_every_identifying_option_can_be_asked_rather_than_given() -> None:
    from click import Context

    from csvc_core.cli import cli
    from csvc_core.cli.common import asked_on_dash
    from csvc_core.cli.helptexts import word_help

    context = Context(cli)
    for (group, name), options in IDENTIFYING.items():
        command = cli.get_command(context, group).get_command(context, name)  # type: ignore[union-attr]
        word_help(command, f"{group}.{name}", "en")
        for option in options:
            param = next(p for p in command.params if option in p.opts)
            assert asked_on_dash(param), (group, name, option)
            assert "Give - to type it at a prompt" in (param.help or ""), (group, name, option)


def test_a_label_and_contacts_typed_at_the_prompt_are_stored_not_passed_in_argv(env: dict[str, str]) -> None:
    done = run_csvc("case", "new", "--label", "-", "--json", "--lang", "en", env=env, stdin=f"{CANARY}\n")
    assert done.returncode == 0, done.stderr
    assert "--label (type the value, then Enter)" in done.stderr and CANARY not in done.stderr
    case_id = json.loads(done.stdout)["id"]
    added = run_csvc(
        "case", "protagonist", case_id, "--role", "victim", "--phone", "-", "--name", "-", "--json",
        env=env, stdin="514-555-0199\nZoé Synthétique\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    shown = json.loads(run_csvc("case", "show", case_id, "--reveal", "--json", env=env).stdout)
    assert shown["label"] == CANARY
    (person,) = shown["protagonists"]
    assert (person["name"], person["contact"]["phone"]) == ("Zoé Synthétique", "514-555-0199")


def test_a_reason_asked_but_not_typed_stores_nothing(env: dict[str, str]) -> None:
    case_id = _new_case(env)
    done = run_csvc("case", "close", case_id, "--reason", "-", "--lang", "en", env=env, stdin="")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    shown = json.loads(run_csvc("case", "show", case_id, "--json", env=env).stdout)
    assert shown["status"] == "open"


def test_a_backup_on_a_full_disk_leaves_no_partial_copy(env: dict[str, str], full_disk: Path) -> None:
    destination = full_disk / "copy.db"
    done = run_csvc("store", "backup", str(destination), "--lang", "en", env=env)
    line = _one_line(done, 1)
    assert str(destination) in line and "disk is full" in line
    assert sorted(p.name for p in full_disk.iterdir()) == ["filler"]


def test_a_backup_is_private_from_its_first_byte(env: dict[str, str], tmp_path: Path) -> None:
    destination = tmp_path / "copy.db"
    done = run_csvc("store", "backup", str(destination), env=env)
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(os.stat(destination).st_mode) == 0o600


def test_a_location_never_shows_its_password() -> None:
    from csvc_core.store.engine import resolve

    location = resolve(f"postgresql://csvc:{SECRET}@127.0.0.1:5432/csvc")
    assert location.display == "postgresql://csvc:***@127.0.0.1:5432/csvc"
    assert SECRET not in repr(location) and SECRET not in location.scrub(f"failed for {SECRET}")
