"""Keys and encryption of sensitive fields: the primitives (who holds which key is :mod:`.keyring`'s).

- A user's passphrase is kept as an argon2id hash (argon2-cffi, its defaults or stronger); a key-encryption
  key derived from it by argon2id (raw) wraps her X25519 private key (:func:`wrap_key`).
- Fields are sealed with AES-256-GCM under the random 256-bit key of their scope (a case, a concertation
  request, ...). Each ciphertext is bound to where it lives (table, column, row id) through the AEAD's
  associated data, so a value copied into another row or column fails to decrypt instead of showing the wrong
  person's data.
- A key or a copy meant for someone is sealed to her public key (:func:`seal_to`): ephemeral X25519,
  HKDF-SHA256, AES-256-GCM, bound to its own associated data.

Salts, nonces, keys and ids all come from :mod:`secrets`.
"""

from __future__ import annotations

import json
import secrets

import attrs
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from csvc_core.errors import OperationFailed

FORMAT = b"\x01"  # ciphertext layout: FORMAT + 12-byte nonce + AES-GCM ciphertext and tag
SEALED = b"\x02"  # sealed to a public key: SEALED + 32-byte ephemeral public key + 12-byte nonce + AES-GCM
NONCE_BYTES = 12
KEY_BYTES = 32
SEAL_INFO = b"csvc-seal-v1"
#: OWASP ASVS minimum for argon2id: 19 MiB of memory with two passes.
MIN_MEMORY_KIB = 19456
MIN_TIME_COST = 2


def new_id() -> str:
    """A random record id (64 bits from the CSPRNG, 16 hex digits)."""
    return secrets.token_hex(8)


@attrs.frozen
class KdfParams:
    """argon2id cost parameters: argon2-cffi's defaults (t=3, 64 MiB, p=4); never below ASVS minimums."""

    time_cost: int = attrs.field(default=3)
    memory_cost: int = attrs.field(default=65536)  # KiB
    parallelism: int = 4

    @time_cost.validator
    def _time(self, _: object, value: int) -> None:
        if value < MIN_TIME_COST:
            raise ValueError(f"argon2id time_cost {value} is below the minimum {MIN_TIME_COST}")

    @memory_cost.validator
    def _memory(self, _: object, value: int) -> None:
        if value < MIN_MEMORY_KIB:
            raise ValueError(f"argon2id memory_cost {value} KiB is below the minimum {MIN_MEMORY_KIB} KiB")

    def to_json(self) -> str:
        return json.dumps(attrs.asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> KdfParams:
        return cls(**json.loads(text))

    def hasher(self) -> PasswordHasher:
        return PasswordHasher(
            time_cost=self.time_cost, memory_cost=self.memory_cost, parallelism=self.parallelism, type=Type.ID
        )


def hash_passphrase(passphrase: str, params: KdfParams) -> str:
    """The argon2id PHC string of ``passphrase``."""
    return params.hasher().hash(passphrase)


def passphrase_matches(stored_hash: str, passphrase: str) -> bool:
    try:
        return PasswordHasher().verify(stored_hash, passphrase)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def derive_kek(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
    """The key-encryption key of a user: argon2id raw output from the passphrase and the user's own salt."""
    return hash_secret_raw(
        passphrase.encode("utf-8"),
        salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_cost,
        parallelism=params.parallelism,
        hash_len=KEY_BYTES,
        type=Type.ID,
    )


def new_salt() -> bytes:
    return secrets.token_bytes(16)


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def _seal(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    return FORMAT + nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def _open(key: bytes, blob: bytes, aad: bytes) -> bytes:
    if not blob.startswith(FORMAT) or len(blob) < 1 + NONCE_BYTES + 16:
        raise InvalidTag
    return AESGCM(key).decrypt(blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :], aad)


def wrap_key(key: bytes, kek: bytes, user_id: str) -> bytes:
    """``key`` (a user's private key) sealed under her key-encryption key, bound to her id."""
    return _seal(kek, key, b"csvc-wrap:" + user_id.encode())


def unwrap_key(wrapped: bytes, kek: bytes, user_id: str) -> bytes | None:
    """The wrapped key, or None when ``kek`` is not the one that wrapped it."""
    try:
        return _open(kek, bytes(wrapped), b"csvc-wrap:" + user_id.encode())
    except InvalidTag:
        return None


def new_keypair() -> tuple[bytes, bytes]:
    """A fresh X25519 key pair, raw: ``(private, public)``."""
    private = X25519PrivateKey.generate()
    return private.private_bytes_raw(), public_of(private.private_bytes_raw())


def public_of(private: bytes) -> bytes:
    return (
        X25519PrivateKey.from_private_bytes(private).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    )


def _hkdf(secret: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, info=info).derive(secret)


def seal_to(public_key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """``plaintext`` readable only with the private key of ``public_key``, bound to ``aad``."""
    recipient = bytes(public_key)
    ephemeral = X25519PrivateKey.generate()
    eph_pub = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient))
    key = _hkdf(shared, eph_pub + recipient, SEAL_INFO)
    nonce = secrets.token_bytes(NONCE_BYTES)
    return SEALED + eph_pub + nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def open_sealed(private_key: bytes, blob: bytes, aad: bytes) -> bytes | None:
    """What :func:`seal_to` sealed, or None: another recipient's key, an altered or moved blob."""
    blob = bytes(blob)
    if not blob.startswith(SEALED) or len(blob) < 1 + KEY_BYTES + NONCE_BYTES + 16:
        return None
    eph_pub, nonce = blob[1 : 1 + KEY_BYTES], blob[1 + KEY_BYTES : 1 + KEY_BYTES + NONCE_BYTES]
    private = X25519PrivateKey.from_private_bytes(bytes(private_key))
    mine = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    try:
        key = _hkdf(private.exchange(X25519PublicKey.from_public_bytes(eph_pub)), eph_pub + mine, SEAL_INFO)
        return AESGCM(key).decrypt(nonce, blob[1 + KEY_BYTES + NONCE_BYTES :], aad)
    except (InvalidTag, ValueError):
        return None


def derived_key(private_key: bytes, purpose: bytes) -> bytes:
    """A symmetric key of a private key's own (a user's drafts, an organisation's records)."""
    return _hkdf(bytes(private_key), b"", b"csvc-derived-v1:" + purpose)


def seal_field(key: bytes, text: str, where: str) -> bytes:
    """Ciphertext of ``text`` under a scope key, bound to ``where`` (``table.column:row_id``)."""
    return _seal(key, text.encode("utf-8"), where.encode())


def open_field(key: bytes, blob: bytes, where: str) -> str:
    """The text sealed in ``blob`` for ``where``; an altered or moved value is refused."""
    try:
        return _open(key, bytes(blob), where.encode()).decode("utf-8")
    except InvalidTag:
        raise OperationFailed(key="error.store.field_altered", where=where) from None


def seal_json(public_key: bytes, value: object, aad: str) -> bytes:
    """A JSON value sealed to a public key (a recipient's copy)."""
    return seal_to(public_key, json.dumps(value, ensure_ascii=False, sort_keys=True).encode(), aad.encode())
