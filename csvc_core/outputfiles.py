"""Files csvc writes where a person asks (``-o``, ``--output``): a regular file or nothing, never half of one.

The destination must be absent or a regular file: a folder, a FIFO (it would block), a device, a socket or a
symbolic link (it could send the data elsewhere) is refused before any work is done. The data goes to a
private temporary file beside it (mode 0600), synced, then renamed onto it: a failure (disk full, ...)
removes the temporary file and leaves the destination as it was.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from csvc_core.errors import BadInput, OperationFailed


def check_destination(path: Path) -> None:
    """:class:`BadInput` when ``path`` exists and is not a regular file, or its folder does not exist."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        folder = path.parent if str(path.parent) else Path(".")
        if not folder.is_dir():
            raise BadInput(key="error.file.not_a_folder", path=folder) from None
        return
    except OSError as exc:
        raise BadInput(key="error.file.cannot_write", path=path, problem=exc.strerror) from None
    if stat.S_ISLNK(mode):
        raise BadInput(key="error.file.is_link", path=path)
    if stat.S_ISDIR(mode):
        raise BadInput(key="error.file.is_folder", path=path)
    if not stat.S_ISREG(mode):
        raise BadInput(key="error.file.not_regular", path=path)


def write_beside(path: Path, data: bytes) -> Path:
    """``data`` in a new private temporary file beside ``path``, synced; the caller renames it into place.
    A failure removes it and is :class:`OperationFailed` naming ``path``."""
    check_destination(path)
    try:
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent if str(path.parent) else ".")
    except OSError as exc:
        raise OperationFailed(key="error.file.cannot_write", path=path, problem=exc.strerror) from None
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
    except BaseException as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        if isinstance(exc, OSError):
            raise OperationFailed(key="error.file.cannot_write", path=path, problem=exc.strerror) from None
        raise
    return temporary


def write_file(path: Path, data: bytes | str) -> None:
    """Write ``data`` (text in UTF-8) to ``path`` whole, mode 0600, or leave ``path`` as it was."""
    temporary = write_beside(path, data.encode("utf-8") if isinstance(data, str) else data)
    try:
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise OperationFailed(key="error.file.cannot_write", path=path, problem=exc.strerror) from None
