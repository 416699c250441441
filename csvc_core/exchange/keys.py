"""Keys that protect exchange packages.

A *partnership exchange key* is 256 random bits in a small JSON file that the partners keep (mode 0600) and
pass to each other out of band (by hand, never with the package). Whoever holds it can read and write the
partnership's packages. Without one, a package is protected by a passphrase through argon2id: the receiver
needs the same passphrase.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from datetime import datetime
from pathlib import Path
from typing import Any

import attrs
from argon2.low_level import Type, hash_secret_raw

from csvc_core.errors import BadInput, OperationFailed
from csvc_core.inputfiles import KEY_FILE_MAX_BYTES
from csvc_core.outputfiles import check_destination, write_beside

KEY_KIND = "csvc-exchange-key"
KEY_BYTES = 32
#: argon2id for package passphrases: argon2-cffi's defaults (t=3, 64 MiB, p=4), above the ASVS minimums.
KDF_DEFAULTS = {"time_cost": 3, "memory_cost": 65536, "parallelism": 4}
KDF_MINIMUMS = {"time_cost": 2, "memory_cost": 19456, "parallelism": 1}
#: the most a package may ask of the computer that opens it (256 MiB, 10 passes, 8 lanes): a header asking
#: more is refused before anything is derived, so a forged package cannot exhaust memory or time.
KDF_MAXIMUMS = {"time_cost": 10, "memory_cost": 262144, "parallelism": 8}


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: Any, where: str) -> bytes:
    if not isinstance(text, str):
        raise BadInput(key="error.exchange.base64_expected", where=where)
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        raise BadInput(key="error.exchange.not_base64", where=where) from None


@attrs.frozen
class ExchangeKey:
    id: str  # a fingerprint of the key: names it in packages without revealing it
    label: str
    secret: bytes = attrs.field(repr=False)


def fingerprint(secret: bytes) -> str:
    return hashlib.sha256(b"csvc-exchange-key-id\x00" + secret).hexdigest()[:16]


def new_key(label: str) -> ExchangeKey:
    secret = secrets.token_bytes(KEY_BYTES)
    return ExchangeKey(id=fingerprint(secret), label=label.strip(), secret=secret)


def write_key(key: ExchangeKey, path: Path, created_at: datetime) -> None:
    """Write the key file, readable by its owner only, whole or not at all; never overwrites a file."""
    data = {
        "kind": KEY_KIND,
        "version": 1,
        "id": key.id,
        "label": key.label,
        "created_at": created_at.isoformat(),
        "key": b64(key.secret),
    }
    check_destination(path)
    if os.path.lexists(path):
        raise BadInput(key="error.exchange.key_exists", path=path)
    temporary = write_beside(path, (json.dumps(data, indent=2) + "\n").encode("utf-8"))
    try:
        os.link(temporary, path)  # unlike a rename, fails if the name was taken meanwhile
    except FileExistsError:
        raise BadInput(key="error.exchange.key_exists", path=path) from None
    except OSError as exc:
        raise OperationFailed(key="error.file.cannot_write", path=path, problem=exc.strerror) from None
    finally:
        temporary.unlink(missing_ok=True)


def read_key(path: Path) -> ExchangeKey:
    """Read a key file; anything wrong is :class:`BadInput` naming the file and the field."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(KEY_FILE_MAX_BYTES + 1)
    except OSError as exc:
        raise BadInput(key="error.exchange.key_unreadable", path=path, problem=exc.strerror) from None
    if len(raw) > KEY_FILE_MAX_BYTES:
        raise BadInput(key="error.file.too_large", path=path, limit=KEY_FILE_MAX_BYTES)
    try:
        data = json.loads(raw.decode("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        raise BadInput(key="error.exchange.key_not_json", path=path) from None
    if not isinstance(data, dict) or data.get("kind") != KEY_KIND:
        raise BadInput(key="error.exchange.key_kind_file", path=path)
    secret = unb64(data.get("key"), f"{path}: $.key")
    if len(secret) != KEY_BYTES:
        raise BadInput(key="error.exchange.key_length", path=path, expected=KEY_BYTES, length=len(secret))
    if data.get("id") != fingerprint(secret):
        raise BadInput(key="error.exchange.key_altered", path=path)
    return ExchangeKey(id=data["id"], label=str(data.get("label", "")), secret=secret)


def check_kdf(params: dict[str, Any], where: str) -> None:
    """:class:`BadInput` naming ``where.<parameter>`` when an argon2id cost is not a whole number within
    :data:`KDF_MINIMUMS` .. :data:`KDF_MAXIMUMS`."""
    for name, minimum in KDF_MINIMUMS.items():
        value, field, maximum = params.get(name), f"{where}.{name}", KDF_MAXIMUMS[name]
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            raise BadInput(key="error.exchange.kdf_low", where=field, value=value, minimum=minimum)
        if value > maximum:
            raise BadInput(key="error.exchange.kdf_high", where=field, value=value, maximum=maximum)


def derive(passphrase: str, salt: bytes, params: dict[str, Any]) -> bytes:
    """A 256-bit key from a passphrase (argon2id); parameters outside the bounds are refused first."""
    check_kdf(params, "$.protection.key.kdf")
    return hash_secret_raw(
        passphrase.encode("utf-8"),
        salt,
        time_cost=params["time_cost"],
        memory_cost=params["memory_cost"],
        parallelism=params["parallelism"],
        hash_len=KEY_BYTES,
        type=Type.ID,
    )
