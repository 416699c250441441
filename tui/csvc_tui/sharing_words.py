"""The sharing rules' codes in the UI's words: categories of information, risks, recipients, case fields;
and the reasons the core gives for a refusal (its text, the codes in it named as the forms name them).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import attrs

from csvc_core.errors import CsvcError
from csvc_core.i18n import catalogue
from csvc_core.model import PROTAGONISTS
from csvc_core.sharing.reasons import Incomplete, Reason, Refused
from csvc_tui.text import _, language

#: the value names of a reason that hold codes, and the vocabulary that names them; per reason code first.
_VALUE_WORDS: dict[str, str] = {
    "category": "category",
    "categories": "category",
    "known": "category",
    "element": "element",
    "field": "element",
}
_REASON_WORDS: dict[str, dict[str, str]] = {
    "not_able_to_help": {"kind": "kind", "allowed": "kind"},
    "recipient_kind_mismatch": {"kind": "kind", "category": "recipient_category"},
    "recipient_category": {"category": "recipient_category", "allowed": "recipient_category"},
    "disclosure_no_harm": {"allowed": "harm"},
    "unknown_harm": {"harms": "harm", "allowed": "harm"},
    "unknown_imminence": {"imminence": "imminence", "allowed": "imminence"},
    "unknown_sector": {"sector": "sector", "known": "sector"},
}


def word(vocabulary: str, code: str) -> str:
    """``tui.<vocabulary>.<code>`` in the UI's language, or the code itself when the catalogue has no word."""
    key = f"{vocabulary}.{code}"
    return _(key) if f"tui.{key}" in catalogue(language()) else code


def words(vocabulary: str, codes: Iterable[str]) -> str:
    return ", ".join(word(vocabulary, code) for code in codes)


def reason_text(item: Reason) -> str:
    """The reason in the UI's language, its codes (categories, fields, risks, recipients) named in words."""
    vocabularies = {**_VALUE_WORDS, **_REASON_WORDS.get(item.code, {})}
    values = {
        key: words(vocabularies[key], value.split(", ")) if key in vocabularies else value
        for key, value in item.values.items()
    }
    return attrs.evolve(item, values=values).text(language())


def refusal_text(error: CsvcError) -> str:
    """Every reason the rules gave, one a line, in the UI's language; another error as the store said it."""
    if isinstance(error, (Refused, Incomplete)):
        return "\n".join(f"• {reason_text(item)}" for item in error.reasons)
    return error.text(language())


def person_word(person: str) -> str:
    """Who consented: a protagonist's role in words (the form records the role), or the text as written."""
    return _(f"protagonist.{person}") if person in PROTAGONISTS else person


def field_word(field: str) -> str:
    """A case field of a disclosure in words: ``victim.1.contact`` -> « victime 1 — coordonnées »."""
    parts = field.split(".")
    if len(parts) == 3 and parts[0] in PROTAGONISTS:
        role, number, part = parts
        return _("sharing.person_field", person=_(f"protagonist.{role}"), n=number, field=word("field", part))
    return word("field", field)


def value_word(value: Any) -> str:
    """A value a partner received, in words: yes, no, unknown; a list joined (— when empty)."""
    if value is None:
        return _("answer.unknown")
    if isinstance(value, bool):
        return _("answer.yes") if value else _("answer.no")
    if isinstance(value, list):
        return ", ".join(value_word(item) for item in value) or "—"
    if isinstance(value, dict):
        return " · ".join(f"{word('person', key)} : {value_word(item)}" for key, item in value.items())
    return str(value)


def day(value: datetime | str | None) -> str:
    """A date in the reader's time zone (ISO text from the store's JSON too)."""
    if value is None:
        return "—"
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")
