"""Why a sharing rule said yes or no: a reason is a catalogue key plus values, shown in the reader's
language."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import attrs

from csvc_core.errors import BadInput, OperationFailed
from csvc_core.i18n import DEFAULT_LANGUAGE, catalogue, t


@attrs.frozen
class Reason:
    """One reason: ``code`` is a key of the ``sharing.`` catalogue, ``values`` fill its placeholders."""

    code: str
    values: dict[str, str] = attrs.field(factory=dict)

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        shown = {
            name: _role_words(value, lang) if name in ROLE_VALUES else value
            for name, value in self.values.items()
        }
        return t(f"sharing.{self.code}", lang, **shown)

    def to_json(self) -> dict[str, object]:
        return {"code": self.code, "values": dict(self.values), "text": self.text()}


#: values that name roles ("role", and "allowed" where the allowed are roles): shown as the catalogue words.
ROLE_VALUES = ("role", "allowed")


def _role_words(value: str, lang: str) -> str:
    """Each role in ``value`` ("worker, repondant", "worker+admin") in the reader's words; the rest as is."""
    words = {**catalogue(DEFAULT_LANGUAGE), **catalogue(lang)}  # a partial language reads French

    def word(item: str) -> str:
        parts = item.split("+")
        if all(f"role.{part}" in words for part in parts):
            return " + ".join(words[f"role.{part}"] for part in parts)
        return item

    return ", ".join(word(item) for item in value.split(", "))


def reason(code: str, **values: object) -> Reason:
    return Reason(code, {key: _shown(value) for key, value in values.items()})


def _shown(value: object) -> str:
    if isinstance(value, (set, frozenset, tuple, list)):
        return ", ".join(sorted(str(item) for item in value))
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _joined(reasons: Sequence[Reason], lang: str) -> str:
    return "; ".join(item.text(lang) for item in reasons)


class Refused(OperationFailed):
    """A well-formed request that the rules forbid (wrong recipient, step out of order, no access, ...)."""

    def __init__(self, *reasons: Reason) -> None:
        self.reasons = tuple(reasons)
        super().__init__(_joined(self.reasons, DEFAULT_LANGUAGE))

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return _joined(self.reasons, lang)


class Incomplete(BadInput):
    """A request that lacks required elements; every missing element is named, not only the first."""

    def __init__(self, *reasons: Reason) -> None:
        self.reasons = tuple(reasons)
        super().__init__(_joined(self.reasons, DEFAULT_LANGUAGE))

    def text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return _joined(self.reasons, lang)


def as_utc(moment: datetime, what: str) -> datetime:
    """``moment`` in UTC; a date and time without an offset is refused, never guessed."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise Incomplete(reason("naive_time", what=what, value=moment.isoformat()))
    return moment.astimezone(UTC)


def blank(text: str | None) -> bool:
    return text is None or not text.strip()
