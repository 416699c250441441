"""Who connects to a shared PostgreSQL store: role names and the database password of a csvc user.

Every csvc user is a PostgreSQL login role. Its name and its password follow from what she already has: the
database name, her csvc user name and her passphrase, so she types one secret. Role names are a prefix and a
hash of the database name with the user name (or organisation id), collision-free across the databases of
one server. The password is argon2id (raw) of the passphrase, salted with the database and user names, at a
fixed cost; the server only ever receives its SCRAM-SHA-256 verifier, computed here.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from argon2.low_level import Type, hash_secret_raw

from csvc_core.store.crypto import MIN_MEMORY_KIB, MIN_TIME_COST

#: role kinds and their name prefixes (PostgreSQL role names are global to a server).
PREFIXES = {"owner": "csvc_own_", "app": "csvc_app_", "org": "csvc_org_", "user": "csvc_u_"}
HASH_DIGITS = 32
#: SCRAM iterations (PostgreSQL's default, ``scram_iterations``).
SCRAM_ITERATIONS = 4096


def role_name(kind: str, database: str, name: str = "") -> str:
    """The role of ``kind`` for ``name`` (user name, organisation id; none for owner and app) in ``database``.

    The same text is hashed by the server's own functions (``csvc_role``): keep the two in step."""
    text = f"{kind}:{len(database)}:{database}:{name}"
    return PREFIXES[kind] + hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_DIGITS]


def database_password(database: str, user_name: str, passphrase: str) -> str:
    """The password of ``user_name``'s login role: argon2id of her passphrase (fixed cost, the ASVS minimum),
    salted with the database and user names; URL-safe base64."""
    salt = hashlib.sha256(f"csvc-login:{len(database)}:{database}:{user_name}".encode()).digest()[:16]
    raw = hash_secret_raw(
        passphrase.encode("utf-8"),
        salt,
        time_cost=MIN_TIME_COST,
        memory_cost=MIN_MEMORY_KIB,
        parallelism=1,
        hash_len=32,
        type=Type.ID,
    )
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def scram_verifier(password: str, salt: bytes | None = None) -> str:
    """``SCRAM-SHA-256$4096:salt$StoredKey:ServerKey`` (RFC 5802/7677) of ``password``: what the server keeps,
    so the password itself is never sent in a statement. ``password`` is ASCII (SASLprep leaves it as is)."""
    salt = salt or secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode("ascii"), salt, SCRAM_ITERATIONS)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()

    def b64(value: bytes) -> str:
        return base64.b64encode(value).decode("ascii")

    return f"SCRAM-SHA-256${SCRAM_ITERATIONS}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def login_verifier(database: str, user_name: str, passphrase: str) -> str:
    """The SCRAM verifier of ``user_name``'s login role for ``passphrase``."""
    return scram_verifier(database_password(database, user_name, passphrase))
