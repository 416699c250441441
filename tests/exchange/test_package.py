"""Exchange packages: what is sealed opens; an altered, truncated or re-labelled package is refused."""

from __future__ import annotations

import json
import os
import stat
from datetime import datetime
from pathlib import Path

import pytest

from csvc_core.errors import BadInput
from csvc_core.exchange.keys import KDF_MAXIMUMS, new_key, read_key, write_key
from csvc_core.exchange.package import PackageRefused, open_package, seal
from csvc_core.testing import raises_worded

HEADER = {
    "package_id": "p1",
    "created_at": "2026-03-01T10:00:00-05:00",
    "sender": {"organisation": "Maison Synthétique", "sector": "shelter", "store": "s1"},
}
CONTENT = {"case": {"id": "c1"}, "assessments": [{"id": "a1", "level": "imminent"}]}


@pytest.fixture(scope="module")
def key():
    return new_key("Partenariat synthétique")


def test_sealed_with_a_key_opens_with_it(key):
    data = seal(CONTENT, HEADER, key=key)
    assert b"imminent" not in data and "Synthétique".encode() in data  # content hidden, header readable
    header, content = open_package(data, "p.json", keys={key.id: key})
    assert content == CONTENT and header["sender"] == HEADER["sender"]


def tampered(data: bytes) -> list[tuple[str, bytes]]:
    package = json.loads(data)
    variants = []
    for field, value in (
        ("sender", {**package["sender"], "organisation": "Autre"}),
        ("package_id", "p2"),
        ("created_at", "2026-03-02T10:00:00-05:00"),
    ):
        variants.append((f"header {field}", json.dumps({**package, field: value}).encode()))
    raw = bytearray(data)
    middle = data.index(b'"ciphertext": "') + 40
    raw[middle] = ord("A") if raw[middle] != ord("A") else ord("B")
    variants.append(("one byte of ciphertext", bytes(raw)))
    variants.append(("truncated", data[: len(data) // 2]))
    cut = json.loads(data)
    cut["ciphertext"] = cut["ciphertext"][:-8]
    variants.append(("ciphertext cut short", json.dumps(cut).encode()))
    variants.append(("other version", json.dumps({**package, "version": 2}).encode()))
    return variants


def test_any_alteration_is_refused(key):
    data = seal(CONTENT, HEADER, key=key)
    for what, variant in tampered(data):
        with raises_worded(PackageRefused, "nothing imported"):
            open_package(variant, "p.json", keys={key.id: key})
        assert what


def test_another_key_or_no_key_is_refused(key):
    data = seal(CONTENT, HEADER, key=key)
    other = new_key("autre")
    with raises_worded(PackageRefused, "was not given"):
        open_package(data, "p.json", keys={other.id: other})
    forged = json.loads(data)
    forged["protection"]["key"]["id"] = other.id  # claim the other key: the tag still fails
    with raises_worded(PackageRefused, "does not verify"):
        open_package(json.dumps(forged).encode(), "p.json", keys={other.id: other})


def test_passphrase_protection():
    data = seal(CONTENT, HEADER, passphrase="une phrase de passe assez longue")
    assert open_package(data, "p.json", passphrase="une phrase de passe assez longue")[1] == CONTENT
    with raises_worded(PackageRefused, "does not verify"):
        open_package(data, "p.json", passphrase="une autre phrase de passe")
    with raises_worded(PackageRefused, "none was given"):
        open_package(data, "p.json")
    weak = json.loads(data)
    weak["protection"]["key"]["kdf"]["memory_cost"] = 8
    with raises_worded(PackageRefused, "below the minimum"):
        open_package(json.dumps(weak).encode(), "p.json", passphrase="une phrase de passe assez longue")


def test_key_file_round_trip_private_and_never_overwritten(tmp_path: Path, key):
    path = tmp_path / "partenariat.key"
    write_key(key, path, datetime.fromisoformat("2026-03-01T10:00:00-05:00"))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert read_key(path) == key
    with raises_worded(BadInput, "never overwritten"):
        write_key(key, path, datetime.fromisoformat("2026-03-01T10:00:00-05:00"))
    altered = json.loads(path.read_text())
    altered["key"] = altered["key"][:-4] + "AAA="
    path.write_text(json.dumps(altered))
    with raises_worded(BadInput, r"\$\.id: does not match|\$\.key"):
        read_key(path)


@pytest.mark.parametrize(
    ("name", "value"),
    [("memory_cost", KDF_MAXIMUMS["memory_cost"] + 1), ("time_cost", 1000), ("parallelism", 64)],
)
def test_a_cost_above_the_maximum_is_refused_before_deriving(name: str, value: int) -> None:
    greedy = json.loads(seal(CONTENT, HEADER, passphrase="une phrase de passe assez longue"))
    greedy["protection"]["key"]["kdf"][name] = value
    data = json.dumps(greedy).encode()
    for passphrase in ("une phrase de passe assez longue", None):  # refused before the passphrase is asked
        with raises_worded(PackageRefused, rf"p\.json: \$\.protection\.key\.kdf\.{name}: {value} is above"):
            open_package(data, "p.json", passphrase=passphrase)
