"""The translation catalogue: every text that csvc shows a person, French first, English complete.

Catalogues are gettext files in Babel's layout, ``locale/<lang>/LC_MESSAGES/messages.po``: the msgid is the
key, the msgstr a ``str.format`` text; a text that counts something has plural forms, chosen by its
``count`` value with the language's Plural-Forms rule. The TUI and plugins add their folders with
:func:`register_catalogue`. French and English are complete (tests check it); any other language with a
catalogue may be partial: its missing texts are read in French.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

import attrs

#: the languages every catalogue has complete (checked by the parity tests); others may be added.
LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
DOMAIN = "messages"
_FOLDERS: list[Path] = [Path(__file__).parent / "locale"]


def register_catalogue(folder: Path) -> None:
    """Add a ``locale`` folder (``<lang>/LC_MESSAGES/messages.po``); later folders may not redefine keys."""
    if folder not in _FOLDERS:
        _FOLDERS.append(folder)
        _language.cache_clear()
        languages.cache_clear()


def catalogue_path(folder: Path, lang: str) -> Path:
    return folder / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def languages() -> tuple[str, ...]:
    """French, English, then every language a registered folder has a catalogue for (listed, not read)."""
    found = {
        path.parent.parent.name for folder in _FOLDERS for path in folder.glob(f"*/LC_MESSAGES/{DOMAIN}.po")
    }
    return (*LANGUAGES, *sorted(found - set(LANGUAGES)))


def is_language(lang: str) -> bool:
    return lang in LANGUAGES or lang in languages()


@attrs.frozen
class _Language:
    texts: dict[str, str]
    plurals: dict[str, tuple[str, ...]]
    rule: str


@cache
def _language(lang: str) -> _Language:
    from csvc_core.pofile import read_po  # read on first use: a run that shows no text reads no catalogue

    texts: dict[str, str] = {}
    plurals: dict[str, tuple[str, ...]] = {}
    rule = ""
    for folder in _FOLDERS:
        path = catalogue_path(folder, lang)
        if path.exists():
            read = read_po(path)
            texts.update(read.texts)
            plurals.update(read.plurals)
            rule = rule or read.plural_rule
    return _Language(texts, plurals, rule)


def catalogue(lang: str) -> dict[str, str]:
    """Every text of ``lang`` by key (a plural entry by its first form)."""
    return _language(lang).texts


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The text for ``key`` in ``lang`` (in French when ``lang`` lacks it), with ``values`` filled in; a
    plural entry takes the form for ``values["count"]``."""
    for reading in (lang, DEFAULT_LANGUAGE) if lang != DEFAULT_LANGUAGE else (lang,):
        found = _language(reading)
        if key in found.plurals and "count" in values:
            text = found.plurals[key][_plural_index(found.rule, values["count"])]
            break
        if key in found.texts:
            text = found.texts[key]
            break
    else:
        text = key
    return text.format(**values) if values else text


def _plural_index(rule: str, count: object) -> int:
    return int(_plural_function(rule)(int(count))) if rule and isinstance(count, int) else 0


@cache
def _plural_function(rule: str) -> Callable[[int], int]:
    from gettext import c2py  # type: ignore[attr-defined]  # the standard library's Plural-Forms compiler

    return c2py(rule)


class Term:
    """Catalogue words used as a value of a message (role names...): worded in the reader's language when the
    message is, joined by ``joiner``."""

    def __init__(self, keys: tuple[str, ...], joiner: str = ", ") -> None:
        self.keys = keys
        self.joiner = joiner

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return self.joiner.join(t(key, lang) for key in self.keys)

    def __str__(self) -> str:
        return self.text()


def word(group: str, code: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A code as a person reads it, from ``<group>.<code>`` (``role.worker``: « intervenante »,
    ``hook.csvc_flags``: what the hook does); a code the catalogue does not know stays as it is."""
    key = f"{group}.{code}"
    return t(key, lang) if key in catalogue(lang) or key in catalogue(DEFAULT_LANGUAGE) else code
