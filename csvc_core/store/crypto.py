"""Keys and encryption of sensitive fields.

- A user's passphrase is kept as an argon2id hash (argon2-cffi, its defaults or stronger).
- One random 256-bit *data key* per store encrypts every sensitive field with AES-256-GCM. Each ciphertext is
  bound to where it lives (table, column, row id) through the AEAD's associated data, so a value copied into
  another row or column fails to decrypt instead of showing the wrong person's data.
- The data key is stored only wrapped, once per user, under a key-encryption key derived from that user's
  passphrase by argon2id (raw). It exists in clear only in the memory of an unlocked session.

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
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from csvc_core.errors import OperationFailed

FORMAT = b"\x01"  # ciphertext layout: FORMAT + 12-byte nonce + AES-GCM ciphertext and tag
NONCE_BYTES = 12
KEY_BYTES = 32
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


def wrap_key(data_key: bytes, kek: bytes, user_id: str) -> bytes:
    return _seal(kek, data_key, b"csvc-wrap:" + user_id.encode())


def unwrap_key(wrapped: bytes, kek: bytes, user_id: str) -> bytes | None:
    """The data key, or None when ``kek`` is not the one that wrapped it."""
    try:
        return _open(kek, bytes(wrapped), b"csvc-wrap:" + user_id.encode())
    except InvalidTag:
        return None


class FieldCipher:
    """Encrypts and decrypts sensitive fields with the store data key, while a session is unlocked."""

    def __init__(self, data_key: bytes) -> None:
        self._aead: AESGCM | None = AESGCM(data_key)

    def lock(self) -> None:
        """Drop the key: every later call fails until the user unlocks again."""
        self._aead = None

    @property
    def locked(self) -> bool:
        return self._aead is None

    def _key(self) -> AESGCM:
        if self._aead is None:
            raise OperationFailed(key="error.store.locked")
        return self._aead

    def encrypt(self, text: str, where: str) -> bytes:
        """Ciphertext of ``text``, bound to ``where`` (``table.column:row_id``)."""
        nonce = secrets.token_bytes(NONCE_BYTES)
        return FORMAT + nonce + self._key().encrypt(nonce, text.encode("utf-8"), where.encode())

    def encrypt_optional(self, text: str | None, where: str) -> bytes | None:
        return None if text is None else self.encrypt(text, where)

    def decrypt(self, blob: bytes, where: str) -> str:
        """The text sealed in ``blob`` for ``where``; an altered or moved value is refused."""
        aead = self._key()
        blob = bytes(blob)
        try:
            if not blob.startswith(FORMAT) or len(blob) < 1 + NONCE_BYTES + 16:
                raise InvalidTag
            plain = aead.decrypt(blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :], where.encode())
        except InvalidTag:
            raise OperationFailed(key="error.store.field_altered", where=where) from None
        return plain.decode("utf-8")

    def decrypt_optional(self, blob: bytes | None, where: str) -> str | None:
        return None if blob is None else self.decrypt(blob, where)

    def encrypt_json(self, value: object, where: str) -> bytes:
        return self.encrypt(json.dumps(value, ensure_ascii=False, sort_keys=True), where)

    def decrypt_json(self, blob: bytes, where: str) -> object:
        return json.loads(self.decrypt(blob, where))
