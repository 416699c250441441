"""Checks of a plugin's wording: French first, English complete, in its texts and its catalogues.

A plugin's catalogues are ``locale/fr.toml`` and ``locale/en.toml`` next to its module (flat keys,
``str.format`` placeholders, as csvc's own).
"""

from __future__ import annotations

import string
from pathlib import Path

from csvc_core.i18n import LANGUAGES
from csvc_core.model import Text
from csvc_core.problems import Problem


def text_problems(where: str, text: Text | None) -> list[str]:
    """An empty wording in either language (``None``: no wording, nothing to check)."""
    if text is None:
        return []
    return [
        Problem(f"{where}.{lang}", "author.empty_wording")
        for lang in LANGUAGES
        if not getattr(text, lang).strip()
    ]


def catalogue_problems(folder: Path) -> list[str]:
    """Keys missing from one language, empty texts, placeholders that differ between the languages."""
    import tomllib  # read only when checked: a cached start-up parses no TOML

    if not folder.is_dir():
        return []
    catalogues: dict[str, dict[str, object]] = {}
    problems: list[str] = []
    for lang in LANGUAGES:
        path = folder / f"{lang}.toml"
        try:
            catalogues[lang] = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            problems.append(Problem(str(path), "author.cannot_read", reason=str(exc)))
            catalogues[lang] = {}
    for lang, texts in catalogues.items():
        path = folder / f"{lang}.toml"
        for other, others in catalogues.items():
            problems += [
                Problem(str(path), "author.key_missing", name=key, other=f"{other}.toml")
                for key in others
                if key not in texts
            ]
        for key, value in texts.items():
            if not isinstance(value, str) or not value.strip():
                problems.append(Problem(f"{path}: {key!r}", "author.key_empty"))
    french, english = catalogues["fr"], catalogues["en"]
    for key in french.keys() & english.keys():
        if _placeholders(french[key]) != _placeholders(english[key]):
            problems.append(Problem(f"{folder}: {key!r}", "author.placeholders"))
    return problems


def _placeholders(text: object) -> set[str]:
    if not isinstance(text, str):
        return set()
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return {"<malformed>"}
