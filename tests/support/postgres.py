"""A throw-away PostgreSQL server for the tests: initdb and pg_ctl as the ``postgres`` OS user when root,
a private data folder, a free port on 127.0.0.1; trust for the ``postgres`` superuser on loopback only, and
SCRAM-SHA-256 for every other role (csvc's login roles), so the server itself refuses a wrong password.

Durability is traded for speed (no fsync, no synchronous commit, no full pages in the WAL: the data folder is
thrown away), and every database is a copy of a template that holds csvc's migrated schema and no store, so a
test pays neither a migration nor a flush."""

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

    #: the database every new one is copied from (csvc's schema at its head, no store).
    TEMPLATE = "csvc_template"
    #: what a throw-away server need not do.
    UNSAFE_FAST = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"

    def __init__(self, bin_dir: Path, root: Path, port: int, as_postgres: bool) -> None:
        self.bin_dir, self.root, self.port, self.as_postgres = bin_dir, root, port, as_postgres
        self.data = root / "data"

    @classmethod
    def start(cls, *, durable: bool = False) -> PostgresServer:
        """A running server; ``durable`` keeps PostgreSQL's flushes (for measures of a real commit's cost)."""
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
            if not durable:
                options += f" {cls.UNSAFE_FAST}"
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
                break
            except RuntimeError:
                if attempt == 2:
                    raise
                server.port = _free_port()
        server._make_template()
        return server

    def _make_template(self) -> None:
        """The template: csvc's migrations run once for the session, on a database no one else connects to."""
        from sqlalchemy import create_engine

        from csvc_core.store import migrate

        self._admin(f'CREATE DATABASE "{self.TEMPLATE}"')
        engine = create_engine(f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{self.TEMPLATE}")
        try:
            with engine.begin() as connection:
                migrate.upgrade(connection)
        finally:
            engine.dispose()

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True
        ) as connection:
            connection.execute(sql)

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
        """A new database holding csvc's schema and no store: ``init`` creates one in it."""
        name = f"csvc_{secrets.token_hex(6)}"
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.TEMPLATE}"')
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
