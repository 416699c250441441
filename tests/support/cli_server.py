"""A warm fork server for the real command line: ``python -m tests.support.cli_server``.

It imports csvc's command line, its store, its installed plugins and their libraries once, then, for each
request read from its stdin (one JSON line: ``argv``, ``env``, ``cwd``, ``umask``, ``timeout`` and the paths
of the files for the command's stdin, stdout and stderr), forks a child that runs ``python -m csvc_core ARGV``
as a fresh interpreter would: exactly that environment, working folder and umask, the files on fds 0/1/2,
``csvc_core/__main__.py`` run as ``__main__``, its exit status that of ``SystemExit`` (1 and the traceback on
stderr for an uncaught exception). The server answers ``{"status": N}`` (or ``{"timeout": true}`` when it
killed the child) on its stdout. It only imports: no csvc function runs in it, so no cache of csvc's is filled
before a child asks. It has no threads, so forking it is safe; it stops at the end of its stdin.
"""

from __future__ import annotations

import importlib
import io
import json
import os
import pkgutil
import runpy
import select
import signal
import sys
import threading
import time
import traceback
from typing import Any, TextIO

#: libraries that csvc's modules import inside functions, imported here once.
LIBRARIES = (
    "argon2",
    "cryptography.hazmat.primitives.ciphers.aead",
    "jinja2",
    "psycopg",
    "sqlalchemy.dialects.postgresql.psycopg",
    "sqlalchemy.dialects.sqlite.pysqlite",
    "sqlite3",
)
#: csvc's modules left out: the pytest plugin, and the terminal UI (its import registers its catalogue).
LEFT_OUT = ("csvc_core.testing",)


def warm_up() -> None:
    """Import csvc_core's modules, the installed plugins' modules and the libraries csvc imports late."""
    import csvc_core
    from csvc_core.entrypoints import entry_points
    from csvc_core.plugins import ENTRY_POINT_GROUP

    names = [info.name for info in pkgutil.walk_packages(csvc_core.__path__, "csvc_core.")]
    names += [entry_point.value.split(":")[0] for entry_point in entry_points(group=ENTRY_POINT_GROUP)]
    for name in [*LIBRARIES, *names]:
        if name in LEFT_OUT or name.endswith("__main__"):
            continue
        try:
            importlib.import_module(name)
        except Exception:  # a child imports it again and meets the same error
            continue


def _stream(fd: int, like: TextIO, mode: str) -> TextIO:
    """A text stream on ``fd`` made as Python makes its standard streams at start-up, with ``like``'s
    encoding, errors and line buffering."""
    buffer = open(fd, mode + "b", closefd=False)  # noqa: SIM115  # lives as long as the child
    stream = io.TextIOWrapper(
        buffer, encoding=like.encoding, errors=like.errors, newline="\n", line_buffering=like.line_buffering
    )
    stream.mode = mode  # type: ignore[misc]  # as Python's own standard streams
    return stream


def run_child(request: dict[str, Any], streams: tuple[TextIO, TextIO, TextIO]) -> int:
    """In the forked child: take the request's process state, run ``python -m csvc_core``, give its status."""
    os.environ.clear()
    os.environ.update(request["env"])
    time.tzset()
    os.umask(request["umask"])
    os.chdir(request["cwd"])
    for fd, (path, flags) in enumerate(
        [
            (request["stdin"], os.O_RDONLY),
            (request["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
            (request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
        ]
    ):
        opened = os.open(path, flags, 0o600)
        os.dup2(opened, fd)
        os.close(opened)
    sys.stdin = sys.__stdin__ = _stream(0, streams[0], "r")
    sys.stdout = sys.__stdout__ = _stream(1, streams[1], "w")
    sys.stderr = sys.__stderr__ = _stream(2, streams[2], "w")
    sys.path[0] = os.getcwd()  # ``python -m`` puts its working folder first
    sys.argv = ["-m", *request["argv"]]  # as ``python -m`` sets it before finding the module
    try:
        runpy.run_module("csvc_core", run_name="__main__", alter_sys=True)
        status = 0
    except SystemExit as exc:
        status = _exit_status(exc.code)
    except BaseException:  # shown as Python shows an uncaught exception
        traceback.print_exc()
        status = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except OSError:
            status = 120  # as Python exits when flushing its standard streams fails
    return status


def _exit_status(code: object) -> int:
    """The status of ``sys.exit(code)``: None is 0, an int itself, anything else printed to stderr and 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def wait(pid: int, timeout: float) -> int | None:
    """The child's exit code (negative: killed by that signal), or None after killing it at ``timeout``."""
    pidfd = os.pidfd_open(pid)
    try:
        ready, _, _ = select.select([pidfd], [], [], timeout)
    finally:
        os.close(pidfd)
    if not ready:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) if ready else None


def serve(requests: TextIO, answers: TextIO) -> None:
    """Answer each request line with the forked child's status, until ``requests`` ends."""
    streams = (sys.stdin, sys.stdout, sys.stderr)
    for line in requests:
        request = json.loads(line)
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            status = 1
            try:  # the child never returns into this loop, whatever happens
                os.close(requests.fileno())  # and keeps nothing of the protocol
                os.close(answers.fileno())
                status = run_child(request, streams)
            except BaseException:
                traceback.print_exc()
            finally:
                os._exit(status)
        status = wait(pid, request["timeout"])
        answers.write(json.dumps({"timeout": True} if status is None else {"status": status}) + "\n")
        answers.flush()


def main() -> None:
    # The protocol gets its own descriptors, so that fds 0 and 1 are free for the children's files.
    requests = os.fdopen(os.dup(0), "r", encoding="utf-8")
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.close(null)
    warm_up()
    assert threading.active_count() == 1, "a thread in the server would be lost in each forked child"
    answers.write(json.dumps({"ready": os.getpid()}) + "\n")
    answers.flush()
    serve(requests, answers)


if __name__ == "__main__":
    main()
