"""The plugin test kit checks wording: empty French or English, catalogues incomplete in one language."""

from __future__ import annotations

import importlib
import sys
import textwrap
from pathlib import Path

import pytest

from csvc_core.i18n import catalogue_path
from csvc_core.problems import worded
from csvc_core.testing import plugin_problems
from csvc_core.translations import catalogue_problems

PLUGIN = """
from csvc_core import hookimpl
from csvc_core.model import Action, Text
from csvc_core.sectors import Sector


@hookimpl
def csvc_sectors():
    name, mandate = Text(fr="Ligne d'écoute", en=""), Text(fr="Écouter", en="Listen")
    return [Sector(id="dv_words", name=name, mandate=mandate)]


@hookimpl
def csvc_recommend_actions(result, sector):
    return [Action(id="words_call", sector="dv_words", due=None, label=Text(fr="Rappeler", en=" "))]
"""


def write_po(folder: Path, lang: str, texts: dict[str, str]) -> Path:
    """``folder/<lang>/LC_MESSAGES/messages.po`` holding ``texts`` (msgid = key)."""
    path = catalogue_path(folder, lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    entries = "".join(f'\nmsgid "{key}"\nmsgstr "{text}"\n' for key, text in texts.items())
    path.write_text(f'msgid ""\nmsgstr ""\n"Language: {lang}\\n"\n{entries}', encoding="utf-8")
    return path


@pytest.fixture
def words_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A plugin package ``kit_words`` with a ``locale`` folder, importable from ``tmp_path``."""
    package = tmp_path / "kit_words"
    (package / "locale").mkdir(parents=True)
    (package / "__init__.py").write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "kit_words", raising=False)

    def make(fr: dict[str, str], en: dict[str, str]):
        write_po(package / "locale", "fr", fr)
        write_po(package / "locale", "en", en)
        return importlib.import_module("kit_words")

    return make


def test_the_kit_reports_empty_wording_and_an_incomplete_catalogue(words_plugin, tmp_path: Path) -> None:
    module = words_plugin(
        {"words.hello": "Bonjour {name}", "words.bye": "Au revoir", "words.plan": "Plan"},
        {"words.hello": "Hello {person}", "words.plan": ""},
    )
    problems = [worded(problem, "en") for problem in plugin_problems(module, "kit_words")]
    locale = tmp_path / "kit_words" / "locale"
    assert "csvc_sectors: dv_words.name.en: empty wording" in problems
    english = catalogue_path(locale, "en")
    assert f"locale: {english}: 'words.bye' missing (it is in fr)" in problems
    assert f"locale: {english}: 'words.plan': empty" in problems
    assert f"locale: {locale}: 'words.hello': fr and en use different placeholders" in problems
    assert "csvc-grid: action 'words_call'.label.en: empty wording" in problems


def test_a_complete_catalogue_adds_no_problem(words_plugin) -> None:
    module = words_plugin({"words.hello": "Bonjour {name}"}, {"words.hello": "Hello {name}"})
    assert plugin_problems(module, "kit_words") == [  # the wording in the plugin's code only
        "csvc_sectors: dv_words.name.en: texte vide",
        "csvc-grid: action 'words_call'.label.en: texte vide",
    ]


def test_a_complete_catalogue_has_no_problem(tmp_path: Path) -> None:
    write_po(tmp_path, "fr", {"a": "Bonjour {name}"})
    english = write_po(tmp_path, "en", {"a": "Hello {name}"})
    assert catalogue_problems(tmp_path) == []
    english.unlink()
    assert worded(catalogue_problems(tmp_path)[0], "en").startswith(f"{english}: cannot read")
