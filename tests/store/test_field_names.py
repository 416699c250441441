"""An error about a field of a request: the store names the field, and each interface words it its own way.
The command line names the option or argument that gave the value; a person in the UI reads the field's name
in her language (tests/tui/test_errors.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest

from csvc_core.cli.common import option_names
from csvc_core.errors import BadInput, Field
from csvc_core.i18n import catalogue
from tests.support.cli import initialised, run_csvc
from tests.support.constants import PASSPHRASE, ROOT

#: where the store and the rest of the core raise errors a person reads through the CLI or the UI
CORE_SOURCES = [
    path
    for path in sorted((ROOT / "csvc_core").rglob("*.py"))
    if "cli" not in path.relative_to(ROOT / "csvc_core").parts
]


def _raised_keys(path: Path) -> set[str]:
    return set(re.findall(r'key="(error\.[\w.]+)"', path.read_text(encoding="utf-8")))


def test_the_core_names_no_option_of_the_command_line() -> None:
    for path in CORE_SOURCES:
        if "store" not in path.parts and "exchange" not in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"[\"']--[a-z]", text), f"{path}: a command-line option named in the store"
        for key in _raised_keys(path):
            for lang in ("fr", "en"):
                worded = catalogue(lang)[key]
                assert not re.match(r"(--[a-z]|[A-Z]{3,}\b)", worded), f"{path}: {key} ({lang}) {worded!r}"


def test_every_field_the_core_names_has_its_words() -> None:
    codes: set[str] = set()
    for path in CORE_SOURCES:
        text = path.read_text(encoding="utf-8")
        codes |= set(re.findall(r'Field\("(\w+)"\)', text))
        codes |= set(re.findall(r'organisation_row\(tx, \w+, "(\w+)"\)', text))
    assert {"label", "recipient_org", "partner", "org", "user"} <= codes
    for code in codes:
        assert catalogue("fr").get(f"field.{code}"), code
        assert catalogue("en").get(f"field.{code}"), code


def test_a_field_reads_as_the_option_of_the_command_that_gave_it() -> None:
    command = click.Command(
        "refer",
        params=[click.Argument(["case_id"], metavar="CASE"), click.Option(["--to", "recipient_org"])],
    )
    names = option_names(command)
    assert names == {"case_id": "CASE", "recipient_org": "--to"}
    inner = BadInput(key="error.store.org_unknown_known", field=Field("recipient_org"), name="X", known="Y")
    outer = BadInput(key="error.store.name_needed", field=Field("label"), cause=inner)
    named = outer.with_fields_named(names)
    assert named.values["cause"].text("fr") == "--to : organisation inconnue 'X' (connues : Y)"
    # a field the command has no option for keeps its words
    assert named.text("en") == "label: a name is needed"
    # the error itself keeps its fields' words, for another reader
    assert inner.text("fr") == "organisation destinataire : organisation inconnue 'X' (connues : Y)"
    assert named.key == outer.key and isinstance(named, BadInput) and named.exit_code == 2


@pytest.fixture
def env(tmp_path: Path, sqlite_url: str) -> dict[str, str]:
    return {**initialised(tmp_path, sqlite_url, via_cli=False), "CSVC_NEW_PASSPHRASE": PASSPHRASE}


def _refused(*args: str, env: dict[str, str]) -> str:
    done = run_csvc(*args, env=env)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    return done.stderr.strip()


def test_the_command_line_names_the_option_that_gave_the_value(env: dict[str, str], tmp_path: Path) -> None:
    made = run_csvc("case", "new", "--label", "Dossier fictif", "--json", env=env)
    case_id = json.loads(made.stdout)["id"]
    label = "csvc: --label : un dossier doit avoir un libellé (un nom ou une référence de dossier)"
    assert _refused("case", "new", "--label", "   ", env=env) == label
    assert _refused("case", "new", "--label", " ", "--lang", "en", env=env).startswith(
        "csvc: --label: a case needs a label"
    )
    unknown = "csvc: --to : organisation inconnue 'Nulle Part' (connues : Maison Aurore)"
    assert _refused(
        "case", "refer", case_id, "--to", "Nulle Part", "--reason", "r", "--basis", "law:x", env=env
    ) == (unknown)
    assert _refused("user", "disable", "Personne", env=env) == "csvc: NAME : utilisateur inconnu 'Personne'"
    assert _refused("org", "add", " ", "--sector", "police", "--admin", "bea", env=env) == (
        "csvc: NAME : une organisation doit avoir un nom"
    )
    other = f"sqlite:///{tmp_path / 'other.db'}"
    assert _refused(
        "store", "init", "--org", "Ici", "--sector", "shelter", "--user", " ", "--store", other, env=env
    ) == ("csvc: --user : un nom est requis")
