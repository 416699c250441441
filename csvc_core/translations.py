"""Checks of a plugin's wording: French first, English complete, in its texts and its catalogues.

A plugin's catalogues are ``locale/fr/LC_MESSAGES/messages.po`` and ``locale/en/LC_MESSAGES/messages.po``
next to its module (msgid = key, ``str.format`` placeholders, as csvc's own).
"""

from __future__ import annotations

import string
from pathlib import Path

from csvc_core.i18n import LANGUAGES, catalogue_path
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
    """Keys missing from French or English, empty texts, placeholders that differ between the languages (in
    any form of a plural entry)."""
    from csvc_core.pofile import PoFile, read_po  # read only when checked: an assessment reads no catalogue

    if not folder.is_dir():
        return []
    catalogues: dict[str, PoFile] = {}
    problems: list[str] = []
    for lang in LANGUAGES:
        path = catalogue_path(folder, lang)
        try:
            catalogues[lang] = read_po(path)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            problems.append(Problem(str(path), "author.cannot_read", reason=str(exc)))
            catalogues[lang] = PoFile({}, {}, "", ())
    for lang, read in catalogues.items():
        path = catalogue_path(folder, lang)
        known = {*read.texts, *read.empty}
        for other, others in catalogues.items():
            problems += [
                Problem(str(path), "author.key_missing", name=key, other=other)
                for key in others.texts
                if key not in known
            ]
        problems += [Problem(f"{path}: {key!r}", "author.key_empty") for key in read.empty]
    french, english = catalogues["fr"], catalogues["en"]
    for key in french.texts.keys() & english.texts.keys():
        forms = [
            *french.plurals.get(key, (french.texts[key],)),
            *english.plurals.get(key, (english.texts[key],)),
        ]
        if len({frozenset(_placeholders(form)) for form in forms}) > 1:
            problems.append(Problem(f"{folder}: {key!r}", "author.placeholders"))
    return problems


def _placeholders(text: object) -> set[str]:
    if not isinstance(text, str):
        return set()
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return {"<malformed>"}
