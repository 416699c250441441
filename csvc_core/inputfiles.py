"""Files a person gives csvc by path (or ``-``, standard input), read with a size limit for each kind.

Reading stops one byte past the limit, so ``/dev/zero`` or a huge file is refused at once, in bounded memory,
with one line naming the file. The limits are far above any real file of the kind.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from csvc_core.errors import BadInput

KIB = 1024
MIB = 1024 * KIB
#: an answers object (``csvc assess``, ``csvc case assess``): a few KiB in practice.
ANSWERS_MAX_BYTES = 1 * MIB
#: a concertation meeting (``csvc concertation meeting --file``).
MEETING_MAX_BYTES = 1 * MIB
#: a safety plan (``csvc report --plan``).
PLAN_MAX_BYTES = 1 * MIB
#: an instrument file (``csvc instruments validate PATH``): the shipped ones are under 16 KiB.
INSTRUMENT_MAX_BYTES = 1 * MIB
#: an exchange package (``csvc import``): one case with its history, base64-encoded.
PACKAGE_MAX_BYTES = 64 * MIB
#: a partnership exchange key file (``--key``, ``$CSVC_EXCHANGE_KEY``): a few hundred bytes.
KEY_FILE_MAX_BYTES = 64 * KIB


def source_name(path: str | Path) -> str:
    """How messages name ``path``: ``<stdin>`` for ``-``."""
    return "<stdin>" if str(path) == "-" else str(path)


def read_limited(path: str | Path, limit: int) -> bytes:
    """The bytes of ``path`` (``-``: standard input); :class:`BadInput` when unreadable or over ``limit``."""
    name = source_name(path)
    try:
        if name == "<stdin>":
            data = sys.stdin.buffer.read(limit + 1)
        else:
            with open(path, "rb") as handle:
                data = handle.read(limit + 1)
    except OSError as exc:
        raise BadInput(key="error.file.cannot_read", path=name, problem=exc.strerror) from None
    if len(data) > limit:
        raise BadInput(key="error.file.too_large", path=name, limit=limit)
    return data


def parse_json(data: bytes, name: str) -> Any:
    """The JSON document in ``data``; not UTF-8, malformed or too deep: :class:`BadInput` naming ``name``."""
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise BadInput(key="error.file.not_utf8", path=name) from None
    except json.JSONDecodeError as exc:
        raise BadInput(
            key="error.file.bad_json", path=name, line=exc.lineno, column=exc.colno, problem=exc.msg
        ) from None
    except RecursionError:
        raise BadInput(key="error.file.too_deep", path=name) from None


def read_json(path: str | Path, limit: int) -> tuple[Any, str]:
    """The JSON document in ``path`` (``-``: standard input) of at most ``limit`` bytes, and its name."""
    name = source_name(path)
    return parse_json(read_limited(path, limit), name), name
