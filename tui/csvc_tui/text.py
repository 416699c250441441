"""The UI's words: the ``tui.`` catalogue (``locale/<lang>/LC_MESSAGES/messages.po``) in the chosen language.

Every text is read when it is shown, binding labels and tooltips included (:mod:`csvc_tui.keys`): the language
may be chosen with :func:`set_language` after the screens are imported, before the app is built (the app sets
the language's keys then, as a keymap).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from csvc_core.i18n import DEFAULT_LANGUAGE, is_language, register_catalogue, t, word

LOCALE_DIR = Path(__file__).parent / "locale"
register_catalogue(LOCALE_DIR)

_language = DEFAULT_LANGUAGE


def set_language(lang: str) -> None:
    """Choose the UI language (``fr``, ``en``, or another with a catalogue); unknown values fall back to
    French."""
    global _language
    _language = lang if is_language(lang) else DEFAULT_LANGUAGE


def language() -> str:
    return _language


def _(key: str, **values: object) -> str:
    """The text of ``tui.<key>`` in the chosen language."""
    return t(f"tui.{key}", _language, **values)


def role_name(role: str) -> str:
    """A role as a person reads it (``repondant``: « répondante »), from csvc's own catalogue."""
    return word("role", role, _language)


def extract_ui_keys(fileobj: Any, keywords: Any, comment_tags: Any, options: Any) -> Iterator[Any]:
    """Babel's extraction method for the UI (see pyproject.toml): ``_("x")`` is the key ``tui.x``."""
    from babel.messages.extract import extract_python

    for lineno, _funcname, message, comments in extract_python(fileobj, {"_": None}, comment_tags, options):
        if isinstance(message, str):
            yield lineno, "t", f"tui.{message}", comments  # as t("tui.x"): one keyword for all keys
