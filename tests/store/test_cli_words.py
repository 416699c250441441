"""The command line speaks the language asked for (``--lang`` or ``$CSVC_LANG``): click's own help and
usage errors, every option's help, the words of ``csvc case show`` and ``csvc case list`` (the JSON keeps
codes); role names in refusals."""

from __future__ import annotations

import json
from pathlib import Path

from csvc_core.store import cases
from tests.support.cli import run_csvc
from tests.support.constants import PASSPHRASE
from tests.support.stores import grid, new_store

#: click's English, as it words its help and usage errors.
CLICK_ENGLISH = (
    "Usage:",
    "Options:",
    "Commands:",
    "Show this message and exit",
    "Invalid value for",
    "is not one of",
    "Missing argument",
    "Try '",
    "for help",
    "Error:",
    "No such command",
    "Got unexpected extra argument",
    "COMMAND [ARGS]",
    "INTEGER",
    "--user NAME",
)


def csvc(*args: str, env: dict[str, str] | None = None, code: int = 0) -> str:
    done = run_csvc(*args, env=env)
    assert done.returncode == code, (args, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    return done.stdout + done.stderr


def flat(text: str) -> str:
    """``text`` with click's line wrapping undone."""
    return " ".join(text.split())


def test_click_speaks_french_then_english() -> None:
    french = [
        csvc("--help"),
        csvc("case", "--help"),
        csvc("case", "show", "--help"),
        csvc("case", "list", "--help"),
        csvc("case", "show", code=2),
        csvc("case", "list", "--lang", "xx", code=2),
        csvc("case", "shwo", code=2),
        csvc("case", "list", "extra", code=2),
    ]
    shown = "\n".join(french)
    for english in CLICK_ENGLISH:
        assert english not in shown, (english, shown)
    assert "Utilisation : csvc case show" in shown and "Afficher cette aide et quitter." in shown
    assert "Valeur invalide pour '--lang'" in shown and "Argument manquant 'CASE'" in shown
    english = csvc("case", "list", "--lang", "xx", env={"CSVC_LANG": "en"}, code=2)
    assert "Usage: csvc case list" in english and "Invalid value for '--lang'" in english
    assert "--limit INTEGER" in csvc("case", "list", "--help", "--lang", "en")
    assert "Utilisation" not in english


def test_every_option_help_is_french_or_english_as_asked() -> None:
    french = flat(csvc("case", "show", "--help"))
    assert "Afficher les noms, coordonnées et notes (consigné au journal d'audit)." in french, french
    assert "Show names" not in french and "Acting user" not in french and "default:" not in french
    english = flat(csvc("case", "show", "--help", "--lang", "en"))
    assert "Show names, contacts and notes (audited)." in english and "Afficher" not in english
    assert "Dossier" not in csvc("case", "--help", env={"CSVC_LANG": "en"})


def test_case_show_and_list_say_words_and_list_says_why_names_are_hidden(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'csvc.db'}"
    store = new_store(url)
    session = store.unlock("alice", PASSPHRASE)
    case_id = session.run(cases.new_case, "Dossier 2026-401")
    session.assess(case_id, "csvc-grid", grid(separation="yes", homicide_plan="yes"))
    store.close()
    env = {"CSVC_STORE": url, "CSVC_USER": "alice", "CSVC_PASSPHRASE": PASSPHRASE}
    shown = csvc("case", "show", case_id, env=env)
    for code in ("elevated", "standing", "[open]", " open ", " done ", "shelter", "csvc-grid"):
        assert code not in shown, (code, shown)
    assert "en vigueur" in shown and "à faire" in shown and "Maisons d'hébergement" in shown, shown
    data = json.loads(csvc("case", "show", case_id, "--json", env=env))
    assert data["actions"][0]["status"] == "open" and data["assessments"][0]["standing"] == "standing"
    listed = csvc("case", "list", env=env).splitlines()
    assert listed[0].startswith("Noms masqués") and "--reveal" in listed[0], listed
    assert listed[1].split()[:3] == ["Dossier", "Niveau", "Réévaluer"], listed
    assert case_id in listed[2] and "ouvert" in listed[2], listed
    revealed = csvc("case", "list", "--reveal", env=env).splitlines()
    assert revealed[0].startswith("Dossier") and "Dossier 2026-401" in revealed[1], revealed


def test_a_refusal_names_roles_in_words() -> None:
    from csvc_core.errors import OperationFailed
    from csvc_core.sharing.reasons import reason
    from csvc_core.store.access import role_term

    refused = reason("disclosure_role", role="admin", allowed=("worker", "repondant", "coordinator"))
    assert "« administration »" in refused.text("fr") and "intervenante" in refused.text("fr"), refused.text()
    assert "admin" not in refused.text("fr").replace("administration", "")
    assert refused.to_json()["values"]["role"] == "admin"  # the JSON keeps the code
    error = OperationFailed(key="error.store.upgrade_admin", user="alice", role=role_term("worker"))
    assert "intervenante" in error.text("fr") and "worker" in error.text("en")
