"""The translation catalogue: every text that csvc shows a person, French first, English complete.

Catalogues are TOML files ``locale/<lang>.toml`` (flat keys, ``str.format`` placeholders); the TUI adds its
own with :func:`register_catalogue`. A missing key in English is a test failure, never a silent fallback.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
_FOLDERS: list[Path] = [Path(__file__).parent / "locale"]


def register_catalogue(folder: Path) -> None:
    """Add a folder of ``fr.toml`` / ``en.toml`` catalogues (later folders may not redefine keys)."""
    if folder not in _FOLDERS:
        _FOLDERS.append(folder)
        catalogue.cache_clear()


@cache
def catalogue(lang: str) -> dict[str, str]:
    import tomllib  # read on first use: a run that shows no text (``--json``, a cached start-up) parses none

    merged: dict[str, str] = {}
    for folder in _FOLDERS:
        path = folder / f"{lang}.toml"
        if path.exists():
            with path.open("rb") as handle:
                merged.update(tomllib.load(handle))
    return merged


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The text for ``key`` in ``lang`` (French when the language is unknown), with ``values`` filled in."""
    texts = catalogue(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)
    text = texts.get(key) or catalogue(DEFAULT_LANGUAGE).get(key) or key
    return text.format(**values) if values else text


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
    return catalogue(lang if lang in LANGUAGES else DEFAULT_LANGUAGE).get(f"{group}.{code}", code)
