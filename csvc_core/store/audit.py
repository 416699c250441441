"""The audit trail: every read of a case, change, export, login and failed login, in the same transaction.

Entries are hash-chained with HMAC-SHA256: ``hash = HMAC(key, canonical(entry) || prev_hash)``. A
transaction's entries are collected as it runs and appended at its end, just before its commit. On SQLite
csvc computes the chain with a key kept outside the database (a key file, mode 0600, or ``$CSVC_AUDIT_KEY``,
recognised by its check value in ``store_meta``); on PostgreSQL the server computes it with a key of its own
(:mod:`csvc_core.store.pg_audit`). Someone who can edit the database but lacks the key cannot forge an entry.

Each organisation's last entry is kept as a checkpoint under the same kind of MAC, in the database; after
each commit the chain head (sequence and hash, under HMAC) is also written to an *anchor* file outside the
database. Deleting the last entries shows against either; a trail with entries and no anchor is not intact.

Entries hold ids, action names and field-group names, never a sensitive value. Times are UTC.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import secrets
import stat
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import attrs
from sqlalchemy import Connection, delete, insert, inspect, select, update

from csvc_core.errors import OperationFailed
from csvc_core.store.schema import audit_checkpoints, audit_log, store_meta, utcnow

ENV_KEY = "CSVC_AUDIT_KEY"
GENESIS = "0" * 64
#: every store's trail begins with its ``store.init`` entry: an empty one was emptied.
EMPTY = "entry 1: missing — the trail is empty, though every store's begins with store.init (entries deleted)"


def _mac(key: bytes, message: bytes) -> str:
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def canonical(
    seq: int,
    at: datetime,
    user_id: str | None,
    org_id: str | None,
    action: str,
    case_id: str | None,
    detail: str,
) -> bytes:
    """The bytes an entry's HMAC covers (with the previous hash appended)."""
    fields = [seq, at.isoformat(), user_id, org_id, action, case_id, detail]
    return json.dumps(fields, separators=(",", ":"), ensure_ascii=True).encode()


def entry_hash(
    key: bytes,
    seq: int,
    at: datetime,
    user_id: str | None,
    org_id: str | None,
    action: str,
    case_id: str | None,
    detail: str,
    prev_hash: str,
) -> str:
    return _mac(key, canonical(seq, at, user_id, org_id, action, case_id, detail) + prev_hash.encode())


# -- the key ---------------------------------------------------------------------------------------
def create_key_file(path: Path) -> None:
    """Write a new random audit key to ``path`` (mode 0600); an existing file is kept, never overwritten."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secrets.token_hex(32) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def load_key(path: Path) -> bytes:
    """The audit key from ``$CSVC_AUDIT_KEY`` (64 hex digits) or else the key file at ``path``."""
    text = os.environ.get(ENV_KEY)
    where = f"${ENV_KEY}"
    if not text:
        where = str(path)
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            raise OperationFailed(key="error.store.audit_key_missing", path=path, variable=ENV_KEY) from None
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise OperationFailed(key="error.store.audit_key_open", path=path)
        text = path.read_text(encoding="ascii")
    try:
        key = bytes.fromhex(text.strip())
    except ValueError:
        raise OperationFailed(key="error.store.audit_key_hex", where=where) from None
    if len(key) < 32:
        raise OperationFailed(key="error.store.audit_key_short", where=where)
    return key


# -- writing ---------------------------------------------------------------------------------------
@attrs.define
class Head:
    seq: int
    hash: str


@attrs.frozen
class Pending:
    """An entry waiting for the end of its transaction to take its place in the chain."""

    at: datetime
    user_id: str | None
    org_id: str | None
    action: str
    case_id: str | None
    detail: str


#: the constant whose HMAC under the audit key is kept in ``store_meta`` to recognise the key.
KEY_CHECK_MESSAGE = b"csvc audit key check"
KEY_CHECK = "audit_key_check"


def key_check_value(key: bytes) -> str:
    return _mac(key, KEY_CHECK_MESSAGE)


def checkpoint_mac(key: bytes, org_id: str, seq: int, digest: str) -> str:
    return _mac(key, f"checkpoint:{org_id}:{seq}:{digest}".encode())


class AuditWriter:
    """Collects a transaction's entries and appends them to the chain at its end, just before the commit.

    With a key (SQLite) the chain is computed here, under the transaction's write lock, and each
    organisation's checkpoint moves to the new head. Without one (PostgreSQL) the server's trigger computes
    seq, prev_hash, hash and the checkpoint (see :mod:`csvc_core.store.pg_audit`)."""

    def __init__(self, connection: Connection, key: bytes | None) -> None:
        self.connection = connection
        self.key = key
        self.pending: list[Pending] = []
        self.head: Head | None = None

    def append(
        self,
        action: str,
        *,
        user_id: str | None,
        org_id: str | None,
        case_id: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        detail_text = json.dumps(detail or {}, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
        self.pending.append(Pending(utcnow(), user_id, org_id, action, case_id, detail_text))

    def flush(self) -> Head | None:
        """Write the pending entries (the new head, or None when there were none)."""
        if not self.pending:
            return self.head
        pending, self.pending = self.pending, []
        if self.key is None:
            for entry in pending:
                row = self.connection.execute(
                    insert(audit_log)
                    .values(**attrs.asdict(entry), seq=None, prev_hash="", hash="")
                    .returning(audit_log.c.seq, audit_log.c.hash)
                ).one()
                self.head = Head(row.seq, row.hash)
            return self.head
        self._check_key(self.key)
        last = self.connection.execute(
            select(audit_log.c.seq, audit_log.c.hash).order_by(audit_log.c.seq.desc()).limit(1)
        ).first()
        head = Head(last.seq, last.hash) if last is not None else Head(0, GENESIS)
        rows, heads = [], {}
        for entry in pending:
            seq = head.seq + 1
            digest = entry_hash(
                self.key,
                seq,
                entry.at,
                entry.user_id,
                entry.org_id,
                entry.action,
                entry.case_id,
                entry.detail,
                head.hash,
            )
            rows.append({**attrs.asdict(entry), "seq": seq, "prev_hash": head.hash, "hash": digest})
            head = Head(seq, digest)
            heads[entry.org_id or ""] = head
        self.connection.execute(insert(audit_log), rows)
        for org_id, at in heads.items():
            mac = checkpoint_mac(self.key, org_id, at.seq, at.hash)
            changed = self.connection.execute(
                update(audit_checkpoints)
                .where(audit_checkpoints.c.org_id == org_id)
                .values(seq=at.seq, hash=at.hash, mac=mac)
            ).rowcount
            if not changed:
                self.connection.execute(
                    insert(audit_checkpoints).values(org_id=org_id, seq=at.seq, hash=at.hash, mac=mac)
                )
        self.head = head
        return head

    def _check_key(self, key: bytes) -> None:
        """Refuse a key that is not the store's before it writes anything; a store made before the check
        value existed gets it here, once its chain verifies with this key."""
        stored = self.connection.execute(
            select(store_meta.c.value).where(store_meta.c.key == KEY_CHECK)
        ).scalar()
        if stored is not None:
            if not hmac.compare_digest(stored, key_check_value(key)):
                raise OperationFailed(key="error.store.audit_key_wrong")
            return
        report = verify(self.connection, key, None)
        if not report.ok:
            raise OperationFailed(key="error.store.audit_key_unproven", problem=report.problem)
        self.connection.execute(insert(store_meta).values(key=KEY_CHECK, value=key_check_value(key)))


# -- the anchor ------------------------------------------------------------------------------------
class Anchor:
    """The chain head kept in a file outside the database; it only moves forward."""

    def __init__(self, path: Path, key: bytes) -> None:
        self.path = path
        self.key = key

    def _mac(self, seq: int, digest: str) -> str:
        return _mac(self.key, f"anchor:{seq}:{digest}".encode())

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        lock_path = self.path.with_name(self.path.name + ".lock")
        descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            yield
        finally:
            os.close(descriptor)  # releases the lock

    def read(self) -> Head | None:
        """The anchored head, None when there is no anchor yet; an altered anchor is an error."""
        try:
            data = json.loads(self.path.read_text(encoding="ascii"))
            head = Head(int(data["seq"]), str(data["hash"]))
            valid = hmac.compare_digest(str(data["mac"]), self._mac(head.seq, head.hash))
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError):
            valid = False
        if not valid:
            raise OperationFailed(key="error.store.anchor_altered", path=self.path)
        return head

    def advance(self, head: Head) -> None:
        """Record ``head`` if it is newer than the anchored one (atomic replace, synced to disk)."""
        with self._locked():
            try:
                current = self.read()
            except OperationFailed:
                current = None  # never let a damaged anchor block work; verify reports it
            if current is not None and current.seq >= head.seq:
                return
            self.write(head)

    def write(self, head: Head) -> None:
        data = {"seq": head.seq, "hash": head.hash, "mac": self._mac(head.seq, head.hash)}
        temporary = self.path.with_name(self.path.name + ".tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            json.dump(data, handle)
            handle.flush()
            os.fsync(handle.fileno())
        # The data is synced before the rename: a crash leaves the old anchor or the new one, never an empty
        # file; a rename lost with the OS only leaves an older head (still a lower bound).
        os.replace(temporary, self.path)


# -- verifying -------------------------------------------------------------------------------------
@attrs.frozen
class AuditReport:
    """What ``csvc audit verify`` found: ``first_bad`` is the sequence number of the first bad entry."""

    ok: bool
    entries: int
    first_bad: int | None = None
    problem: str | None = None
    anchored: int | None = None


def verify(
    connection: Connection, key: bytes, anchor: Anchor | None, *, anchor_required: bool = False
) -> AuditReport:
    """Recompute the chain from the entries themselves, check each organisation's checkpoint, then compare
    the chain's end with the anchor (a trail with entries and no anchor fails when ``anchor_required``)."""
    try:
        anchored = anchor.read() if anchor is not None else None
    except OperationFailed as exc:
        return AuditReport(False, 0, None, str(exc))
    at_anchor = anchored.seq if anchored else None
    expected_seq, prev_hash, count = 1, GENESIS, 0
    hashes_at_anchor: str | None = None
    last_of: dict[str, Head] = {}
    rows = connection.execution_options(yield_per=5000).execute(select(audit_log).order_by(audit_log.c.seq))
    for row in rows:
        if row.seq != expected_seq:
            problem = (
                f"entry {expected_seq}: missing (the sequence jumps from {expected_seq - 1} to {row.seq})"
                if row.seq > expected_seq
                else f"entry {row.seq}: out of order or duplicated"
            )
            return AuditReport(False, count, expected_seq, problem, at_anchor)
        if row.prev_hash != prev_hash:
            return AuditReport(
                False,
                count,
                row.seq,
                f"entry {row.seq}: not chained to entry {row.seq - 1} "
                "(entries removed, replaced or reordered)",
                at_anchor,
            )
        digest = entry_hash(
            key, row.seq, row.at, row.user_id, row.org_id, row.action, row.case_id, row.detail, row.prev_hash
        )
        if not hmac.compare_digest(digest, row.hash):
            return AuditReport(
                False, count, row.seq, f"entry {row.seq}: altered (its HMAC does not match)", at_anchor
            )
        if anchored is not None and row.seq == anchored.seq:
            hashes_at_anchor = row.hash
        last_of[row.org_id or ""] = Head(row.seq, row.hash)
        prev_hash, expected_seq, count = row.hash, expected_seq + 1, count + 1
    if not count:
        return AuditReport(False, 0, 1, EMPTY, at_anchor)
    if inspect(connection).has_table(audit_checkpoints.name):  # a copy of an older store has none
        found = check_checkpoints(connection, key, last_of, count)
        if found is not None:
            return AuditReport(False, count, found[0], found[1], at_anchor)
    required = anchor.path if anchor is not None and anchor_required else None
    absent = "or this is not the store it belongs to"
    return against_anchor(count, anchored, hashes_at_anchor, required, absent)


def against_anchor(
    count: int, anchored: Head | None, hash_at_anchor: str | None, required: Path | None, absent: str
) -> AuditReport:
    """The end of a verified chain of ``count`` entries against the anchor: the entry it names must still be
    there, unchanged (``hash_at_anchor``). No anchor is a failure when its path is ``required`` (``absent``:
    the likely reason, for the message)."""
    if anchored is None:
        if required is None:
            return AuditReport(True, count, None, None, None)
        return AuditReport(
            False,
            count,
            None,
            f"no anchor at {required}: the trail has {count} entries but nothing outside the database "
            f"vouches for its end (the anchor was deleted, {absent})",
        )
    if count < anchored.seq:
        return AuditReport(
            False,
            count,
            count + 1,
            f"entry {count + 1}: missing — the trail ends at entry {count} but the anchor names entry "
            f"{anchored.seq} (entries deleted)",
            anchored.seq,
        )
    if hash_at_anchor != anchored.hash:
        return AuditReport(
            False,
            count,
            anchored.seq,
            f"entry {anchored.seq}: differs from the anchored chain head",
            anchored.seq,
        )
    return AuditReport(True, count, None, None, anchored.seq)


def check_checkpoints(
    connection: Connection, key: bytes, last_of: dict[str, Head], count: int
) -> tuple[int | None, str] | None:
    """Each organisation's checkpoint must be intact and name its last entry: (first bad seq, problem)."""
    saved = {row.org_id: row for row in connection.execute(select(audit_checkpoints))}
    for org_id, row in sorted(saved.items(), key=lambda item: item[1].seq):
        if not hmac.compare_digest(row.mac, checkpoint_mac(key, org_id, row.seq, row.hash)):
            return row.seq, f"checkpoint of organisation {org_id or '-'}: altered (its HMAC does not match)"
        if row.seq > count:
            return count + 1, (
                f"entry {count + 1}: missing — the trail ends at entry {count} but organisation "
                f"{org_id or '-'} has a checkpoint at entry {row.seq} (entries deleted)"
            )
        last = last_of.get(org_id)
        if last is None or last.seq != row.seq or last.hash != row.hash:
            return row.seq, (
                f"entry {row.seq}: differs from the checkpoint of organisation {org_id or '-'} "
                "(entries deleted or replaced, or the checkpoint rolled back)"
            )
    for org_id, last in last_of.items():
        if org_id not in saved:
            return last.seq, (
                f"organisation {org_id or '-'}: entries up to {last.seq} but no checkpoint "
                "(checkpoints removed)"
            )
    return None


def seed_checkpoints(connection: Connection, key: bytes) -> None:
    """Give every organisation in the trail a checkpoint at its last entry (a store of an older csvc)."""
    last_of: dict[str, Head] = {}
    for row in connection.execute(
        select(audit_log.c.seq, audit_log.c.hash, audit_log.c.org_id).order_by(audit_log.c.seq)
    ):
        last_of[row.org_id or ""] = Head(row.seq, row.hash)
    connection.execute(delete(audit_checkpoints))
    if last_of:
        connection.execute(
            insert(audit_checkpoints),
            [
                {"org_id": org, "seq": h.seq, "hash": h.hash, "mac": checkpoint_mac(key, org, h.seq, h.hash)}
                for org, h in last_of.items()
            ],
        )
