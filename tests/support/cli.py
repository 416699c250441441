"""The real command line, in a subprocess: forked from a warm server, or a fresh interpreter when asked."""

from __future__ import annotations

import atexit
import json
import locale
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path

from tests.support.constants import PASSPHRASE, ROOT
from tests.support.stores import new_store

#: variables read by Python itself at start-up, or by csvc while the server imports it (which plugins load,
#: the cache folder of their action catalogues): a call that sets them differently runs a fresh interpreter.
STARTUP_VARIABLES = ("PYTHON", "LANG", "LC_", "CSVC_DISABLE_PLUGINS", "XDG_CACHE_HOME")


def startup_settings(env: Mapping[str, str]) -> dict[str, str]:
    """The part of ``env`` that a process reads when it starts, or while the server imports csvc."""
    return {key: value for key, value in env.items() if key.startswith(STARTUP_VARIABLES)}


class WarmServer:
    """This test process's :mod:`tests.support.cli_server`, started on first use, stopped at exit."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="csvc-cli-"))
        self.settings = startup_settings(os.environ)
        self.lock = threading.Lock()  # one request at a time on the pipe
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.support.cli_server"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=ROOT,
            text=True,
            encoding="utf-8",
        )
        assert "ready" in self._answer(), "the CLI server did not start"
        atexit.register(self.stop)

    def _answer(self) -> dict[str, int | bool]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line, f"the CLI server stopped (status {self.process.poll()})"
        answer: dict[str, int | bool] = json.loads(line)
        return answer

    def run(
        self, argv: list[str], env: dict[str, str], stdin: str | None, timeout: float, cwd: Path | None
    ) -> subprocess.CompletedProcess[str]:
        """``python -m csvc_core ARGV`` forked from the server, as :func:`subprocess.run` would give it."""
        with self.lock:
            files = {name: self.folder / name for name in ("stdin", "stdout", "stderr")}
            files["stdin"].write_text(stdin or "", encoding=locale.getpreferredencoding(False))
            mask = os.umask(0o077)
            os.umask(mask)
            request = {
                "argv": argv,
                "env": env,
                "cwd": str(cwd or os.getcwd()),
                "umask": mask,
                "timeout": timeout,
                **{name: str(path) for name, path in files.items()},
            }
            assert self.process.stdin is not None
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
            answer = self._answer()
            stdout, stderr = (_text(files[name]) for name in ("stdout", "stderr"))
        command = [sys.executable, "-m", "csvc_core", *argv]
        if answer.get("timeout"):
            raise subprocess.TimeoutExpired(command, timeout, output=stdout, stderr=stderr)
        return subprocess.CompletedProcess(command, int(answer["status"]), stdout, stderr)

    def stop(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)
        for path in self.folder.iterdir():
            path.unlink()
        self.folder.rmdir()


def _text(path: Path) -> str:
    """A captured stream as ``subprocess.run(text=True)`` decodes it (locale encoding, universal newlines)."""
    with open(path, encoding=locale.getpreferredencoding(False)) as stream:
        return stream.read()


_server: list[WarmServer] = []


def warm_server() -> WarmServer:
    """This process's warm server, started on first use."""
    if not _server:
        _server.append(WarmServer())
    return _server[0]


def run_csvc(
    *args: str,
    env: dict[str, str] | None = None,
    stdin: str | None = None,
    timeout: float = 120,
    fresh: bool = False,
) -> subprocess.CompletedProcess[str]:
    """``python -m csvc_core ARGS`` with the test's environment (plus ``env``); see :func:`csvc_process`."""
    return csvc_process(list(args), {**os.environ, **(env or {})}, stdin=stdin, timeout=timeout, fresh=fresh)


def csvc_process(
    argv: list[str],
    env: Mapping[str, str],
    *,
    stdin: str | None = None,
    timeout: float = 120,
    fresh: bool = False,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """``python -m csvc_core ARGV`` with exactly ``env``, in ``cwd`` if given, its output captured as text.

    The command runs in its own process, forked from a server that has csvc imported already; ``fresh=True``
    (or an ``env`` whose :data:`STARTUP_VARIABLES` differ from the server's) starts a new interpreter instead.
    """
    if fresh or startup_settings(env) != warm_server().settings:
        return subprocess.run(
            [sys.executable, "-m", "csvc_core", *argv],
            input=stdin,
            capture_output=True,
            text=True,
            env=env,
            timeout=timeout,
            cwd=cwd,
        )
    return warm_server().run(argv, dict(env), stdin, timeout, cwd)


def initialised(tmp_path: Path, url: str, *, via_cli: bool) -> dict[str, str]:
    """A store and the environment of its first user: made by ``csvc store init`` (argon2id at its defaults),
    or through the API with the minimum argon2id cost to keep the other CLI tests quick."""
    env = {
        "CSVC_STORE": url,
        "CSVC_PASSPHRASE": PASSPHRASE,
        "CSVC_USER": "alice",
        "XDG_DATA_HOME": str(tmp_path / "xdg-data"),
        "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
    }
    if via_cli:
        done = run_csvc(
            "store", "init", "--org", "Maison Aurore", "--sector", "shelter", "--user", "alice", env=env
        )
        assert done.returncode == 0, done.stderr
    else:
        new_store(url).close()
    return env
