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
from csvc_core.exchange.keys import KDF_DEFAULTS, ExchangeKey, b64, derive, unb64

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
        raise BadInput("export: no exchange key (--key or CSVC_EXCHANGE_KEY) and no passphrase to protect it")
    nonce = secrets.token_bytes(NONCE_BYTES)
    head = {**header, "format": FORMAT, "version": VERSION, "protection": protection, "nonce": b64(nonce)}
    ciphertext = AESGCM(secret).encrypt(nonce, canonical(content), canonical(head))
    return (json.dumps({**head, "ciphertext": b64(ciphertext)}, ensure_ascii=False, indent=2) + "\n").encode()


def read_header(data: bytes, name: str) -> dict[str, Any]:
    """The package's header (not yet verified: use it only to find the key)."""
    try:
        package = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise PackageRefused(
            f"{name}: not a csvc exchange package (damaged or truncated JSON); nothing imported"
        ) from None
    if not isinstance(package, dict) or package.get("format") != FORMAT:
        raise PackageRefused(f"{name}: $.format: not a csvc exchange package; nothing imported")
    if package.get("version") != VERSION:
        raise PackageRefused(
            f"{name}: $.version: package version {package.get('version')!r} is not supported (this csvc "
            f"reads version {VERSION}); nothing imported"
        )
    missing = [key for key in (*HEADER_KEYS, "ciphertext") if key not in package]
    extra = sorted(set(package) - {*HEADER_KEYS, "ciphertext"})
    if missing or extra:
        field = missing[0] if missing else extra[0]
        raise PackageRefused(f"{name}: $.{field}: {'missing' if missing else 'unexpected'}; nothing imported")
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
        raise PackageRefused(f"{name}: $.protection: unknown protection; nothing imported")
    if spec.get("kind") == "exchange_key":
        key = (keys or {}).get(str(spec.get("id")))
        if key is None:
            raise PackageRefused(
                f"{name}: sealed with exchange key {spec.get('id')!r}, which was not given (--key or "
                "CSVC_EXCHANGE_KEY); nothing imported"
            )
        secret = key.secret
    elif spec.get("kind") == "passphrase":
        kdf = spec.get("kdf")
        if not isinstance(kdf, dict) or kdf.get("name") != "argon2id":
            raise PackageRefused(f"{name}: $.protection.key.kdf: unknown key derivation; nothing imported")
        if not passphrase:
            raise PackageRefused(f"{name}: sealed with a passphrase, and none was given; nothing imported")
        try:
            secret = derive(passphrase, unb64(kdf.get("salt"), f"{name}: $.protection.key.kdf.salt"), kdf)
        except BadInput as exc:
            raise PackageRefused(f"{name}: {exc}; nothing imported") from None
    else:
        raise PackageRefused(f"{name}: $.protection.key.kind: unknown; nothing imported")
    try:
        nonce = unb64(head["nonce"], "nonce")
        ciphertext = unb64(package["ciphertext"], "ciphertext")
        plain = AESGCM(secret).decrypt(nonce, ciphertext, canonical(head))
    except (InvalidTag, BadInput, ValueError):
        raise PackageRefused(
            f"{name}: the package does not verify (altered, truncated, or another key or passphrase); "
            "nothing imported"
        ) from None
    content = json.loads(plain.decode("utf-8"))
    if not isinstance(content, dict):
        raise PackageRefused(f"{name}: the package's content is not an object; nothing imported")
    return head, content
