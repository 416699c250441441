"""Where the store lives and how to connect to it: URL resolution, SQLite settings, explicit transactions.

SQLite (the default, one file in the user data folder): WAL journal, ``synchronous=FULL``, foreign keys on,
``secure_delete`` on, a busy timeout, and every transaction opened explicitly with ``BEGIN IMMEDIATE``
(Python's ``sqlite3`` implicit transactions are switched off). PostgreSQL (a partnership's shared server,
driver psycopg 3): reads run side by side; a change takes :data:`CHANGE_LOCK` at its first check
(:meth:`csvc_core.store.context.Tx.require_writable`), and every transaction's audit entries are appended
at its end under the server's own lock (:mod:`csvc_core.store.pg_audit`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import attrs
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from csvc_core.errors import BadInput, OperationFailed

ENV_URL = "CSVC_STORE"
#: the advisory lock a PostgreSQL transaction that changes the store holds from its first check to its
#: commit (an arbitrary constant: "csvc" in ASCII): changes run one at a time, reads never wait for it.
CHANGE_LOCK = 0x63737663
SQLITE_PRAGMAS = (
    ("busy_timeout", "15000"),
    ("journal_mode", "WAL"),
    ("synchronous", "FULL"),
    ("foreign_keys", "ON"),
    ("secure_delete", "ON"),
)


def default_path() -> Path:
    """The default store file: ``csvc.db`` in the user data folder (platformdirs)."""
    from platformdirs import user_data_path

    return user_data_path("csvc", appauthor=False) / "csvc.db"


def without_password(url: str) -> str:
    """``url`` with the password of its user part shown as ``***``, even in a URL too broken to parse
    (everything up to the last ``@`` counts as the user part: a stray ``@`` hides more, never less)."""
    scheme, separator, rest = url.partition("://")
    userinfo, at, host = rest.rpartition("@")
    if not separator or not at or ":" not in userinfo:
        return url
    return f"{scheme}://{userinfo.split(':', 1)[0]}:***@{host}"


@attrs.frozen
class Location:
    """A resolved store URL: its kind, the SQLAlchemy URL, and for SQLite the file."""

    url: str = attrs.field(repr=without_password)  # as written (a password in it is never shown)
    kind: str = attrs.field()  # "sqlite" or "postgresql"
    sqlalchemy_url: str = attrs.field(repr=without_password)
    path: Path | None = None

    @property
    def display(self) -> str:
        return str(self.path) if self.path is not None else without_password(self.url)

    def scrub(self, text: str) -> str:
        """``text`` (a driver's message) with the URL's password, if any, replaced by ``***``."""
        password = make_url(self.sqlalchemy_url).password if self.path is None else None
        return text.replace(str(password), "***") if password else text

    @property
    def database(self) -> str:
        """PostgreSQL: the database name (role names and login passwords are derived from it)."""
        return str(make_url(self.sqlalchemy_url).database)

    @property
    def anonymous(self) -> bool:
        """A PostgreSQL URL without a user (a workstation's): the store is reached only at unlock."""
        return self.kind == "postgresql" and not make_url(self.sqlalchemy_url).username


def resolve(url: str | None = None) -> Location:
    """The store location from ``url``, else ``$CSVC_STORE``, else the default SQLite file."""
    text = url or os.environ.get(ENV_URL) or f"sqlite:///{default_path()}"
    shown = without_password(text)
    try:
        parsed = make_url(text)
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        raise BadInput(key="error.store.url_invalid", url=shown) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            raise BadInput(key="error.store.url_no_file", url=shown)
        path = Path(parsed.database).expanduser().resolve()
        return Location(url=text, kind="sqlite", sqlalchemy_url=f"sqlite:///{path}", path=path)
    if backend == "postgresql":
        if "@" in (parsed.host or ""):
            raise BadInput(key="error.store.url_password_at", url=shown)
        if not parsed.database:
            raise BadInput(key="error.store.url_no_database", url=shown)
        driver_url = parsed.set(drivername="postgresql+psycopg")
        return Location(
            url=text, kind="postgresql", sqlalchemy_url=driver_url.render_as_string(hide_password=False)
        )
    raise BadInput(key="error.store.url_unsupported", url=shown)


#: file systems where SQLite's locking and syncing cannot be trusted (https://sqlite.org/howtocorrupt.html).
NETWORK_FILESYSTEMS = frozenset(
    {"nfs", "nfs4", "cifs", "smb3", "smbfs", "afs", "9p", "ceph", "glusterfs", "lustre", "gpfs", "davfs"}
)
FUSE_REMOTE = frozenset({"sshfs", "davfs2", "rclone", "s3fs"})


def filesystem_of(path: Path, mounts: str) -> str | None:
    """The type of the file system holding ``path``, from the text of ``/proc/self/mounts``."""
    best, kind = "", None
    target = str(path)
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) > len(best):
            best, kind = point, fields[2]
    return kind


def check_local_disk(path: Path) -> None:
    """Refuse a store file on a network file system (Linux; elsewhere nothing is checked)."""
    try:
        mounts = Path("/proc/self/mounts").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return
    kind = filesystem_of(path, mounts)
    remote = kind is not None and (kind in NETWORK_FILESYSTEMS or kind.removeprefix("fuse.") in FUSE_REMOTE)
    if remote:
        raise OperationFailed(key="error.store.network_disk", path=path, kind=kind)


def make_engine(location: Location, *, read_only: bool = False) -> Engine:
    """An engine for ``location`` with the settings above (read-only SQLite: ``mode=ro``, plain ``BEGIN``)."""
    if location.kind == "sqlite":
        assert location.path is not None
        url = f"sqlite:///file:{location.path}?mode=ro&uri=true" if read_only else location.sqlalchemy_url
        engine = create_engine(url)
        _sqlite_events(engine, read_only)
        return engine
    return create_engine(location.sqlalchemy_url, pool_pre_ping=True)


def login_engine(location: Location, role: str, password: str) -> Engine:
    """PostgreSQL: an engine connected as a user's own login role (SCRAM: the password never travels)."""
    url = make_url(location.sqlalchemy_url).set(username=role, password=password)
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


def _sqlite_events(engine: Engine, read_only: bool) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        for name, value in SQLITE_PRAGMAS:
            if read_only and name == "journal_mode":
                continue
            cursor.execute(f"PRAGMA {name} = {value}")
        if not read_only:  # read back: a setting SQLite could not apply is refused, never silently dropped
            journal = cursor.execute("PRAGMA journal_mode").fetchone()[0]
            synchronous = cursor.execute("PRAGMA synchronous").fetchone()[0]
            if journal != "wal" or synchronous != 2:
                cursor.close()
                raise OperationFailed(key="error.store.sqlite_wal", journal=journal, synchronous=synchronous)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        if not _autocommit(connection):
            connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def _autocommit(connection: Any) -> bool:
    """Whether the connection runs without a transaction (VACUUM, checkpoints)."""
    return bool(connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT")


def sqlite_settings(engine: Engine) -> dict[str, str]:
    """The settings in force on a connection (for checks and tests): journal mode, synchronous, ..."""
    values = {}
    with engine.connect() as connection:
        for name, _ in SQLITE_PRAGMAS:
            values[name] = str(connection.exec_driver_sql(f"PRAGMA {name}").scalar())
        connection.rollback()
    return values
