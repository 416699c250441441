"""A throw-away PostgreSQL server for the tests: initdb and pg_ctl as the ``postgres`` OS user when root,
a private data folder, a free port on 127.0.0.1; trust for the ``postgres`` superuser on loopback only, and
SCRAM-SHA-256 for every other role (csvc's login roles), so the server itself refuses a wrong password."""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest


def _binaries() -> Path | None:
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).parent
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(folder, "initdb").exists() and Path(folder, "pg_ctl").exists():
            return Path(folder)
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresServer:
    """One running server; :meth:`new_database` gives a URL of a fresh database on it."""

    def __init__(self, bin_dir: Path, root: Path, port: int, as_postgres: bool) -> None:
        self.bin_dir, self.root, self.port, self.as_postgres = bin_dir, root, port, as_postgres
        self.data = root / "data"

    @classmethod
    def start(cls) -> PostgresServer:
        bin_dir = _binaries()
        if bin_dir is None:
            message = (
                "PostgreSQL server binaries (initdb, pg_ctl) not found in PATH or /usr/lib/postgresql/*/bin"
            )
            if os.environ.get("CI") == "true":
                pytest.fail(f"{message}: CI must install them (.ci/run)")
            pytest.skip(message)
        root = Path(tempfile.mkdtemp(prefix="csvc-pg-"))  # under /tmp: the postgres user must reach it
        as_postgres = os.geteuid() == 0
        if as_postgres:
            shutil.chown(root, user="postgres", group="postgres")
        server = cls(bin_dir, root, _free_port(), as_postgres)
        server._run(
            "initdb",
            "-D",
            str(server.data),
            "-U",
            "postgres",
            "--auth-local=trust",
            "--auth-host=trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
        )
        (server.data / "pg_hba.conf").write_text(  # the server checks every csvc role's password itself
            "local all postgres trust\nhost all postgres 127.0.0.1/32 trust\n"
            "local all all scram-sha-256\nhost all all 127.0.0.1/32 scram-sha-256\n",
            encoding="utf-8",
        )
        for attempt in range(3):  # a free port can be taken by another process before the server binds it
            options = f"-p {server.port} -k {root} -c listen_addresses=127.0.0.1"
            try:
                server._run(
                    "pg_ctl",
                    "-D",
                    str(server.data),
                    "-o",
                    options,
                    "-l",
                    str(root / "server.log"),
                    "-w",
                    "-t",
                    "120",
                    "start",
                )
                return server
            except RuntimeError:
                if attempt == 2:
                    raise
                server.port = _free_port()
        raise AssertionError("unreachable")

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin_dir / program), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(
                f"{program} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}"
            )

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def new_database(self) -> str:
        import psycopg

        name = f"csvc_{secrets.token_hex(6)}"
        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True
        ) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
