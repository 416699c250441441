"""A backup's destination is a path or a plain string, as docs/store.md writes it."""

from __future__ import annotations

from pathlib import Path

from csvc_core.store import StoreSession, retention


def test_a_backup_takes_its_destination_as_a_path_or_a_string(
    sqlite_session: StoreSession, tmp_path: Path
) -> None:
    """As docs/store.md writes it: ``session.backup(path)`` with the path as a plain string."""
    copy = retention.backup(sqlite_session, str(tmp_path / "copie.db"))
    assert copy == (tmp_path / "copie.db").resolve() and copy.stat().st_size > 0
