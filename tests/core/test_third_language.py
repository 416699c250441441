"""A third language is a catalogue folder, no code: it may be partial, its missing texts read in French."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from csvc_core.i18n import catalogue_path
from csvc_core.pofile import read_po
from csvc_core.translations import catalogue_problems

SPANISH = """\
msgid ""
msgstr ""
"Language: es\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgid "cli.aborted"
msgstr "Interrumpido."

msgid "store.overdue_actions"
msgid_plural "store.overdue_actions"
msgstr[0] "{count} acción atrasada"
msgstr[1] "{count} acciones atrasadas"
"""

READ = """
import json, sys
from pathlib import Path
from csvc_core.i18n import languages, register_catalogue, t
from csvc_tui.settings import load_settings
from csvc_tui.text import _, language, set_language

register_catalogue(Path(sys.argv[1]))
set_language(load_settings(environ={}, lang="es").lang)
print(json.dumps({
    "languages": languages(),
    "ui": language(),
    "aborted": t("cli.aborted", "es"),
    "zero": t("store.overdue_actions", "es", count=0),
    "two": t("store.overdue_actions", "es", count=2),
    "fallback": t("result.complete", "es"),
    "ui_fallback": _("cases.search"),
}))
"""


def test_a_spanish_catalogue_is_used_and_falls_back_to_french(tmp_path: Path) -> None:
    locale = tmp_path / "locale"
    catalogue_path(locale, "es").parent.mkdir(parents=True)
    catalogue_path(locale, "es").write_text(SPANISH, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(READ), str(locale)],
        capture_output=True,
        text=True,
        timeout=60,
        env={"XDG_CONFIG_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["languages"] == ["fr", "en", "es"]
    assert seen["ui"] == "es"
    assert (seen["aborted"], seen["zero"], seen["two"]) == (
        "Interrumpido.",
        "0 acciones atrasadas",
        "2 acciones atrasadas",
    )
    assert seen["fallback"] == "Évaluation complète."  # not in the Spanish catalogue: French
    assert seen["ui_fallback"].startswith("Chercher un nom")


def test_a_partial_third_language_is_not_a_parity_problem(tmp_path: Path) -> None:
    for lang, text in (("fr", "Bonjour"), ("en", "Hello"), ("es", "")):
        path = catalogue_path(tmp_path, lang)
        path.parent.mkdir(parents=True)
        path.write_text(f'msgid "a"\nmsgstr "{text}"\n', encoding="utf-8")
    assert catalogue_problems(tmp_path) == []


def test_the_template_a_new_language_starts_from_has_every_key() -> None:
    """``pybabel init -i <folder>/messages.pot`` gives a new language every key of French, to translate."""
    root = Path(__file__).parents[2]
    for folder in ("csvc_core/locale", "tui/csvc_tui/locale", "plugins/csvc_shelter/locale"):
        template = read_po(root / folder / "messages.pot")
        assert set(template.empty) == set(read_po(catalogue_path(root / folder, "fr")).texts), folder
