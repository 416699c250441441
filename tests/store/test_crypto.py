"""Passphrases, keys and encrypted fields (CRY-1 to CRY-4); sealing to a public key."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from argon2 import extract_parameters
from argon2.low_level import Type
from sqlalchemy import select, update

from csvc_core.errors import OperationFailed
from csvc_core.framework import Csvc
from csvc_core.store import KdfParams, Store, StoreSession, casefile, cases, crypto, init_store
from csvc_core.store.schema import cases as cases_table
from csvc_core.store.schema import users
from csvc_core.testing import raises_worded
from tests.support.constants import CANARY, PASSPHRASE
from tests.support.stores import grid

STORE_PACKAGE = Path(__file__).resolve().parents[2] / "csvc_core" / "store"


def test_default_passphrase_hash_is_argon2id_at_least_asvs(tmp_path: Path) -> None:
    created = init_store(
        f"sqlite:///{tmp_path / 'strong.db'}",
        org="Org",
        sector="health",
        user="u",
        passphrase=PASSPHRASE,
        csvc=Csvc.load(),
    )
    with created.engine.connect() as connection:
        stored = connection.execute(select(users.c.passphrase_hash)).scalar_one()
    created.close()
    params = extract_parameters(stored)
    assert params.type is Type.ID
    assert params.time_cost >= 3 and params.memory_cost >= 65536 and params.parallelism >= 1


def test_weak_kdf_parameters_are_refused() -> None:
    with pytest.raises(ValueError, match="memory_cost"):
        KdfParams(time_cost=2, memory_cost=4096, parallelism=1)
    with pytest.raises(ValueError, match="time_cost"):
        KdfParams(time_cost=1, memory_cost=65536, parallelism=1)


def test_canary_never_in_database_files(sqlite_store: Store, sqlite_session: StoreSession) -> None:
    store, session = sqlite_store, sqlite_session
    from csvc_core.store import Contact

    case_id = session.run(cases.new_case, CANARY)
    session.run(
        cases.add_protagonist, case_id, "victim", name=CANARY, contact=Contact(address=f"12 rue {CANARY}")
    )
    session.assess(
        case_id,
        "csvc-grid",
        {**grid(homicide_plan="yes"), "override": {"level": "imminent", "reason": f"{CANARY} menacée"}},
    )
    session.run(cases.record_event, case_id, "separation", note=f"{CANARY} a quitté le domicile")
    assert session.run(casefile.case_detail, case_id, reveal=True).summary.label == CANARY
    folder = Path(str(store.location.path)).parent
    files = [path for path in folder.iterdir() if path.is_file()]
    assert any(path.name.endswith("-wal") for path in files)  # the WAL is looked at while it holds data
    needles = [CANARY.encode(), CANARY.encode("utf-16-le"), b"Canaripoulos"]
    for path in files:
        data = path.read_bytes()
        assert not any(needle in data for needle in needles), path.name


def test_a_flipped_byte_in_a_ciphertext_is_detected(store: Store, session: StoreSession) -> None:
    case_id = session.run(cases.new_case, CANARY)
    with store.engine.begin() as connection:
        blob = bytearray(
            connection.execute(select(cases_table.c.label_ct).where(cases_table.c.id == case_id)).scalar_one()
        )
        blob[20] ^= 0x01
        connection.execute(
            update(cases_table).where(cases_table.c.id == case_id).values(label_ct=bytes(blob))
        )
    with raises_worded(OperationFailed, r"cases\.label_ct.*integrity"):
        session.run(casefile.case_detail, case_id, reveal=True)


def test_a_ciphertext_moved_to_another_row_does_not_decrypt(store: Store, session: StoreSession) -> None:
    first, second = session.run(cases.new_case, "Première"), session.run(cases.new_case, "Seconde")
    with store.engine.begin() as connection:
        blob = connection.execute(
            select(cases_table.c.label_ct).where(cases_table.c.id == first)
        ).scalar_one()
        connection.execute(update(cases_table).where(cases_table.c.id == second).values(label_ct=blob))
    with raises_worded(OperationFailed, "integrity"):
        session.run(casefile.case_detail, second, reveal=True)


def test_after_lock_decryption_fails(session: StoreSession) -> None:
    case_id = session.run(cases.new_case, CANARY)
    session.lock()
    assert session.locked
    with raises_worded(OperationFailed, "locked"):
        session.run(casefile.case_detail, case_id, reveal=True)


def test_store_code_uses_no_insecure_random() -> None:
    for path in STORE_PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                assert all(alias.name != "random" for alias in node.names), path
            if isinstance(node, ast.ImportFrom):
                assert node.module != "random", path


def test_a_value_sealed_to_a_public_key_opens_with_its_private_key_only() -> None:
    private, public = crypto.new_keypair()
    other, _ = crypto.new_keypair()
    sealed = crypto.seal_to(public, CANARY.encode(), b"shares.recipient_ct:1")
    assert sealed[:1] == crypto.SEALED != crypto.FORMAT and CANARY.encode() not in sealed
    assert crypto.open_sealed(private, sealed, b"shares.recipient_ct:1") == CANARY.encode()
    assert crypto.open_sealed(other, sealed, b"shares.recipient_ct:1") is None  # another recipient
    assert crypto.open_sealed(private, sealed, b"shares.recipient_ct:2") is None  # moved
    flipped = bytearray(sealed)
    flipped[-1] ^= 0x01
    assert crypto.open_sealed(private, bytes(flipped), b"shares.recipient_ct:1") is None  # altered
    assert crypto.seal_to(public, b"x", b"a") != crypto.seal_to(public, b"x", b"a")  # ephemeral each time
    assert crypto.open_sealed(private, crypto.seal_field(private, "x", "a"), b"a") is None  # not that format


def test_each_user_and_organisation_has_a_key_pair_and_the_private_keys_are_wrapped(
    store: Store, session: StoreSession
) -> None:
    with store.engine.connect() as connection:
        alice = connection.execute(select(users)).one()
    private = crypto.unwrap_key(
        alice.wrapped_key,
        crypto.derive_kek(PASSPHRASE, alice.kek_salt, KdfParams.from_json(alice.kek_params)),
        alice.id,
    )
    assert private is not None and crypto.public_of(private) == alice.public_key
    assert crypto.unwrap_key(alice.wrapped_key, crypto.new_data_key(), alice.id) is None
