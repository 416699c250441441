"""Sealing and opening an exchange package.

A package is one JSON object::

    {"format": "csvc-exchange", "version": 1, "package_id": "...", "created_at": "...",
     "sender": {"organisation": "...", "sector": "...", "store": "..."},
     "protection": {"cipher": "AES-256-GCM", "key": {"kind": "exchange_key", "id": "..."}},
     "nonce": "<base64>", "ciphertext": "<base64>"}

``protection.key`` is either ``{"kind": "exchange_key", "id"}`` (a partnership exchange key) or
``{"kind": "passphrase", "kdf": {"name": "argon2id", "salt", "time_cost", "memory_cost", "parallelism"}}``.
The ciphertext holds the content (the case, see ``docs/exchange.md``). Everything outside ``ciphertext`` is
the AEAD's associated data, serialised canonically: changing any byte of the header, the nonce or the
ciphertext, or cutting the file, makes opening fail.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from csvc_core.errors import BadInput
from csvc_core.exchange.keys import KDF_DEFAULTS, ExchangeKey, b64, check_kdf, derive, unb64

FORMAT = "csvc-exchange"
VERSION = 1
CIPHER = "AES-256-GCM"
NONCE_BYTES = 12
HEADER_KEYS = ("format", "version", "package_id", "created_at", "sender", "protection", "nonce")


class PackageRefused(BadInput):
    """The file is not a package this csvc can verify; nothing was read from it."""


def canonical(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def seal(
    content: Mapping[str, Any],
    header: Mapping[str, Any],
    *,
    key: ExchangeKey | None = None,
    passphrase: str | None = None,
) -> bytes:
    """The package bytes: ``header`` (package_id, created_at, sender) and ``content`` encrypted under ``key``
    or, without one, under a key derived from ``passphrase``."""
    if key is not None:
        secret = key.secret
        protection: dict[str, Any] = {"cipher": CIPHER, "key": {"kind": "exchange_key", "id": key.id}}
    elif passphrase:
        salt = secrets.token_bytes(16)
        secret = derive(passphrase, salt, KDF_DEFAULTS)
        protection = {
            "cipher": CIPHER,
            "key": {"kind": "passphrase", "kdf": {"name": "argon2id", "salt": b64(salt), **KDF_DEFAULTS}},
        }
    else:
        raise BadInput(key="error.exchange.no_protection")
    nonce = secrets.token_bytes(NONCE_BYTES)
    head = {**header, "format": FORMAT, "version": VERSION, "protection": protection, "nonce": b64(nonce)}
    ciphertext = AESGCM(secret).encrypt(nonce, canonical(content), canonical(head))
    return (json.dumps({**head, "ciphertext": b64(ciphertext)}, ensure_ascii=False, indent=2) + "\n").encode()


def read_header(data: bytes, name: str) -> dict[str, Any]:
    """The package's header (not yet verified: use it only to find the key)."""
    try:
        package = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise PackageRefused(key="error.exchange.damaged_json", path=name) from None
    if not isinstance(package, dict) or package.get("format") != FORMAT:
        raise PackageRefused(key="error.exchange.not_a_package", path=name)
    if package.get("version") != VERSION:
        raise PackageRefused(
            key="error.exchange.version", path=name, version=package.get("version"), known=VERSION
        )
    missing = [key for key in (*HEADER_KEYS, "ciphertext") if key not in package]
    extra = sorted(set(package) - {*HEADER_KEYS, "ciphertext"})
    if missing or extra:
        field = missing[0] if missing else extra[0]
        raise PackageRefused(
            key="error.exchange.field_missing" if missing else "error.exchange.field_unexpected",
            path=name,
            field=field,
        )
    return package


def open_package(
    data: bytes,
    name: str,
    *,
    keys: Mapping[str, ExchangeKey] | None = None,
    passphrase: str | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Verify and decrypt: ``(header, content)``. Any alteration is :class:`PackageRefused`."""
    package = read_header(data, name)
    head = {key: package[key] for key in HEADER_KEYS}
    protection = head["protection"]
    spec = protection.get("key") if isinstance(protection, dict) else None
    if not isinstance(spec, dict) or protection.get("cipher") != CIPHER:
        raise PackageRefused(key="error.exchange.protection", path=name)
    if spec.get("kind") == "exchange_key":
        key = (keys or {}).get(str(spec.get("id")))
        if key is None:
            raise PackageRefused(key="error.exchange.key_missing", path=name, id=spec.get("id"))
        secret = key.secret
    elif spec.get("kind") == "passphrase":
        kdf = spec.get("kdf")
        if not isinstance(kdf, dict) or kdf.get("name") != "argon2id":
            raise PackageRefused(key="error.exchange.kdf", path=name)
        try:
            check_kdf(kdf, f"{name}: $.protection.key.kdf")
        except BadInput as exc:
            raise PackageRefused(key="error.exchange.nothing_imported", problem=exc) from None
        if not passphrase:
            raise PackageRefused(key="error.exchange.passphrase_missing", path=name)
        try:
            secret = derive(passphrase, unb64(kdf.get("salt"), f"{name}: $.protection.key.kdf.salt"), kdf)
        except BadInput as exc:
            raise PackageRefused(key="error.exchange.nothing_imported", problem=exc) from None
    else:
        raise PackageRefused(key="error.exchange.key_kind", path=name)
    try:
        nonce = unb64(head["nonce"], "nonce")
        ciphertext = unb64(package["ciphertext"], "ciphertext")
        plain = AESGCM(secret).decrypt(nonce, ciphertext, canonical(head))
    except (InvalidTag, BadInput, ValueError):
        raise PackageRefused(key="error.exchange.does_not_verify", path=name) from None
    try:
        content = json.loads(plain.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise PackageRefused(key="error.exchange.content_not_object", path=name) from None
    if not isinstance(content, dict):
        raise PackageRefused(key="error.exchange.content_not_object", path=name)
    return head, content
