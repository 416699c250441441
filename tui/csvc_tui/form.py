"""The state of an assessment form, without any UI: fields, answers, notes, where the cursor is, progress.

A field is an instrument item, or a context value that a flag of the instrument reads (e.g. the number of
incidents in the last 12 months). Follow-up items (``show_if``) are visible only when they apply. The payload
built here is the answers object of ``csvc assess``, checked by the core like any other input.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import attrs

from csvc_core.errors import BadInput
from csvc_core.jsonio import DATETIME_CONDITIONS, INTEGER_CONDITIONS
from csvc_core.model import NO, UNKNOWN, YES, AnswerValue, Instrument, Item, Text
from csvc_core.rules import applies
from csvc_tui.text import language

#: the digits 1, 2, 3 answer a yes/no item as yes, no, unknown.
DIGIT_ANSWERS = {1: YES, 2: NO, 3: UNKNOWN}
CONTEXT_SECTION = "context"


@attrs.frozen
class Field:
    """One line of the form: an item, or a context value (``context_key`` set)."""

    id: str
    type: str
    label: Text
    section: str | None
    item: Item | None = None
    context_key: str | None = None

    @property
    def answerable_by_key(self) -> bool:
        return self.type in ("yes_no", "ordinal")


def form_fields(instrument: Instrument, context_label: Text | None = None) -> list[Field]:
    """The instrument's items, then the context values its flags read (a count, or a date)."""
    fields = [Field(item.id, item.type, item.label, item.group, item=item) for item in instrument.items]
    seen: set[str] = set()
    for flag in instrument.flags:
        if (
            flag.key is None
            or flag.key in seen
            or flag.when not in (*DATETIME_CONDITIONS, *INTEGER_CONDITIONS)
        ):
            continue
        seen.add(flag.key)
        kind = "count" if flag.when in INTEGER_CONDITIONS else "date"
        fields.append(Field(f"context.{flag.key}", kind, flag.label, CONTEXT_SECTION, context_key=flag.key))
    return fields


@attrs.define
class FormState:
    """Answers being given to one instrument, for one protagonist."""

    instrument: Instrument
    protagonist: str = "victim"
    answers: dict[str, AnswerValue] = attrs.field(factory=dict)
    notes: dict[str, str] = attrs.field(factory=dict)
    context: dict[str, Any] = attrs.field(factory=dict)
    position: int = 0
    fields: list[Field] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        self.fields = form_fields(self.instrument)

    # -- what is shown ------------------------------------------------------------------------------------
    def visible(self) -> list[Field]:
        return [f for f in self.fields if f.item is None or applies(f.item, self.answers)]

    def current(self) -> Field:
        shown = self.visible()
        self.position = max(0, min(self.position, len(shown) - 1))
        return shown[self.position]

    def value(self, field: Field) -> Any:
        if field.context_key is not None:
            return self.context.get(field.context_key)
        return self.answers.get(field.id)

    def progress(self) -> tuple[int, int]:
        """(answered, to answer) among the visible numbered fields that are not free text: items, follow-ups
        that apply, and the context values the flags read; unknown counts as answered."""
        asked = [f for f in self.visible() if f.type != "text"]
        return sum(1 for f in asked if self.value(f) is not None), len(asked)

    def numbers(self) -> dict[str, str]:
        """Each field's number: items that are always asked 1, 2, 3…; a follow-up takes the number of the item
        it follows and a letter (4a, 4b), so a hidden follow-up never leaves a gap and numbers never shift."""
        parents = {f.id: f.item.show_if.item for f in self.fields if f.item is not None and f.item.show_if}
        numbers: dict[str, str] = {}
        follow_ups: dict[str, int] = {}
        count = 0
        for field in self.fields:
            root, seen = field.id, {field.id}
            while parents.get(root) not in (None, *seen):
                root = parents[root]
                seen.add(root)
            if root == field.id or root not in numbers:
                count += 1
                numbers[field.id] = str(count)
                continue
            base = numbers[root]
            follow_ups[base] = follow_ups.get(base, 0) + 1
            letter = follow_ups[base]
            numbers[field.id] = base + (chr(ord("a") + letter - 1) if letter <= 26 else f".{letter}")
        return numbers

    def sections(self) -> list[str | None]:
        return list(dict.fromkeys(f.section for f in self.visible()))

    # -- moving --------------------------------------------------------------------------------------------
    def move(self, step: int) -> None:
        self.position = max(0, min(self.position + step, len(self.visible()) - 1))

    def move_section(self, step: int) -> None:
        """To the first field of the next (step 1) or previous (step -1) section."""
        shown = self.visible()
        starts = [i for i, f in enumerate(shown) if i == 0 or shown[i - 1].section != f.section]
        here = max(i for i in starts if i <= self.position)
        if step < 0 and self.position > here:
            self.position = here
            return
        index = starts.index(here)
        self.position = starts[max(0, min(index + step, len(starts) - 1))]

    def next_unanswered(self) -> None:
        """To the next visible field without an answer (or stay at the end)."""
        shown = self.visible()
        for offset in range(self.position + 1, len(shown)):
            if self.value(shown[offset]) is None and shown[offset].type != "text":
                self.position = offset
                return
        self.move(1)

    # -- answering -----------------------------------------------------------------------------------------
    def answer(self, value: Any) -> None:
        """Answer the current field (None clears it); the core checks values when the result is asked."""
        field = self.current()
        target = self.context if field.context_key is not None else self.answers
        key = field.context_key if field.context_key is not None else field.id
        if value is None or value == "":
            target.pop(key, None)
        else:
            target[key] = value

    def answer_key(self, value: str) -> bool:
        """Answer a yes/no item with yes, no or unknown; False when the current field is not yes/no."""
        if self.current().type != "yes_no":
            return False
        self.answer(value)
        self.next_unanswered()
        return True

    def answer_digit(self, digit: int) -> bool:
        """1/2/3 on a yes/no item; the value itself on an ordinal item within its range. False: not taken."""
        field = self.current()
        if field.type == "yes_no" and digit in DIGIT_ANSWERS:
            return self.answer_key(DIGIT_ANSWERS[digit])
        if field.type == "ordinal" and field.item is not None:
            low = field.item.min if field.item.min is not None else 0
            high = field.item.max if field.item.max is not None else 9
            if low <= digit <= high:
                self.answer(digit)
                self.next_unanswered()
                return True
        return False

    def answer_text(self, raw: str) -> None:
        """Typed input for a text, count, date, multi-choice or ordinal field; BadInput names the field."""
        field = self.current()
        where = field.label.get(language())
        raw = raw.strip()
        if not raw:
            self.answer(None)
            return
        if field.type in ("count", "ordinal"):
            try:
                value: Any = int(raw)
            except ValueError:
                raise BadInput(key="error.input.integer_expected", where=where, value=raw) from None
            if field.item is not None:
                low = field.item.min if field.item.min is not None else 0
                if value < low or (field.item.max is not None and value > field.item.max):
                    high = "…" if field.item.max is None else field.item.max
                    raise BadInput(
                        key="error.input.out_of_range", where=where, value=value, low=low, high=high
                    )
            elif value < 0:
                raise BadInput(key="error.input.count_expected", where=where, value=value)
        elif field.type == "date":
            try:
                day = date.fromisoformat(raw)
            except ValueError:
                raise BadInput(key="error.input.date_expected", where=where, value=raw) from None
            value = day.isoformat()
            if field.context_key is not None:
                value = datetime.combine(day, time(12)).astimezone().isoformat()
        elif field.type == "multi_choice" and field.item is not None:
            chosen = [part.strip() for part in raw.split(",") if part.strip()]
            known = {choice.id for choice in field.item.choices}
            wrong = [c for c in chosen if c not in known]
            if wrong:
                raise BadInput(
                    key="error.input.unknown_choice",
                    where=where,
                    value=wrong[0],
                    choices=", ".join(sorted(known)),
                )
            value = tuple(chosen)
        else:
            value = raw
        self.answer(value)

    def set_note(self, note: str) -> None:
        field = self.current()
        if note.strip():
            self.notes[field.id] = note.strip()
        else:
            self.notes.pop(field.id, None)

    # -- in and out ----------------------------------------------------------------------------------------
    def payload(self) -> dict[str, Any]:
        """The answers object (answers of hidden follow-up items left out)."""
        shown = {f.id for f in self.visible() if f.item is not None}
        return {
            "protagonist": self.protagonist,
            "answers": {
                k: list(v) if isinstance(v, tuple) else v for k, v in self.answers.items() if k in shown
            },
            "notes": {k: v for k, v in self.notes.items() if k in shown},
            "context": dict(self.context),
        }

    def draft(self) -> dict[str, Any]:
        """Everything typed so far, to save and resume (hidden answers kept too)."""
        return {
            "instrument": self.instrument.id,
            "protagonist": self.protagonist,
            "answers": {k: list(v) if isinstance(v, tuple) else v for k, v in self.answers.items()},
            "notes": dict(self.notes),
            "context": dict(self.context),
            "position": self.position,
        }

    @classmethod
    def from_draft(cls, instrument: Instrument, draft: dict[str, Any]) -> FormState:
        """A form resumed from :meth:`draft`; answers to items the instrument no longer has are dropped."""
        known = {item.id: item for item in instrument.items}
        answers: dict[str, AnswerValue] = {
            k: tuple(v) if isinstance(v, list) else v
            for k, v in draft.get("answers", {}).items()
            if k in known
        }
        return cls(
            instrument=instrument,
            protagonist=draft.get("protagonist", "victim"),
            answers=answers,
            notes={k: v for k, v in draft.get("notes", {}).items() if k in known},
            context=dict(draft.get("context", {})),
            position=int(draft.get("position", 0)),
        )
