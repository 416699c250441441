"""``csvc export`` / ``csvc import`` through the real command line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.cli import run_csvc
from tests.support.constants import PASSPHRASE
from tests.support.stores import filled_case


def env_for(store, user: str, **extra: str) -> dict[str, str]:
    return {
        "CSVC_STORE": f"sqlite:///{store.location.path}",
        "CSVC_USER": user,
        "CSVC_PASSPHRASE": PASSPHRASE,
        **extra,
    }


def case_count(store, user: str) -> int:
    listed = run_csvc("case", "list", "--status", "all", "--json", env=env_for(store, user))
    assert listed.returncode == 0, listed.stderr
    return len(json.loads(listed.stdout))


def test_export_then_import_with_a_partnership_key(stores, sessions, tmp_path: Path):
    shelter, police = stores
    a, _ = sessions
    case_id = filled_case(a)
    key = tmp_path / "partenariat.key"
    made = run_csvc("exchange", "key-new", "-o", str(key), "--label", "Partenariat test")
    assert made.returncode == 0 and "partenariat.key" in made.stdout
    package = tmp_path / "dossier.csvc"
    exported = run_csvc(
        "export", case_id, "-o", str(package), env=env_for(shelter, "alice", CSVC_EXCHANGE_KEY=str(key))
    )
    assert exported.returncode == 0, exported.stderr
    assert json.loads(package.read_text())["protection"]["key"]["kind"] == "exchange_key"
    without_key = run_csvc("import", str(package), env=env_for(police, "bruno"))
    assert without_key.returncode == 2 and "n'a pas été donnée" in without_key.stderr
    imported = run_csvc("import", str(package), "--key", str(key), env=env_for(police, "bruno"))
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.startswith(f"Dossier {case_id} importé : dossier créé, 2 évaluations")
    shown = json.loads(run_csvc("case", "show", case_id, "--json", env=env_for(police, "bruno")).stdout)
    assert shown["compromission"] == 4 and len(shown["assessments"]) == 2
    again = run_csvc("import", str(package), "--key", str(key), env=env_for(police, "bruno"))
    assert again.returncode == 0 and "rien de nouveau" in again.stdout
    assert case_count(police, "bruno") == 1
    verified = run_csvc("audit", "verify", env=env_for(police, "bruno"))
    assert verified.returncode == 0, verified.stdout


def test_tampered_package_exit_2_one_line_nothing_changed(stores, sessions, tmp_path: Path):
    shelter, police = stores
    a, _ = sessions
    case_id = filled_case(a)
    package = tmp_path / "dossier.csvc"
    assert run_csvc("export", case_id, "-o", str(package), env=env_for(shelter, "alice")).returncode == 0
    data = bytearray(package.read_bytes())
    at = data.index(b'"ciphertext": "') + 50
    data[at] = ord("A") if data[at] != ord("A") else ord("B")
    tampered = tmp_path / "altéré.csvc"
    tampered.write_bytes(bytes(data))
    truncated = tmp_path / "tronqué.csvc"
    truncated.write_bytes(package.read_bytes()[:-100])
    for path in (tampered, truncated, tmp_path / "absent.csvc"):
        done = run_csvc("import", str(path), env=env_for(police, "bruno"))
        assert done.returncode == 2, done.stderr
        assert done.stderr.startswith("csvc: ") and done.stderr.count("\n") == 1
        assert "Traceback" not in done.stderr
    assert case_count(police, "bruno") == 0
    # without a key, the package is sealed with the passphrase: the same passphrase opens it
    assert run_csvc("import", str(package), env=env_for(police, "bruno")).returncode == 0
    assert case_count(police, "bruno") == 1


def test_export_refuses_an_unknown_case_and_category(stores, sessions, tmp_path: Path):
    shelter, _ = stores
    out = tmp_path / "x.csvc"
    done = run_csvc("export", "0000000000000000", "-o", str(out), env=env_for(shelter, "alice"))
    assert done.returncode == 1 and "introuvable" in done.stderr and not out.exists()
    assert not any(p.name.startswith(".x.csvc") for p in tmp_path.iterdir())  # no temporary left
    bad = run_csvc("export", "x", "-o", str(out), "--include", "names", env=env_for(shelter, "alice"))
    assert bad.returncode == 2 and "catégorie inconnue 'names'" in bad.stderr
