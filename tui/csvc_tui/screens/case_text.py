"""How the case screen words a case: a person (her safe-contact fields masked until revealed), the outcomes,
an action, a yes/no answer."""

from __future__ import annotations

from typing import Any

from rich.text import Text as RichText

from csvc_core.i18n import t
from csvc_core.store.records import CONTACT_FIELDS
from csvc_tui.text import _, language

MASK = "••••••"
#: yes/no answers about calling her safely, changed from the person's menu.
SAFETY_FIELDS = ("safe_to_call", "partner_knows")


def person_text(person: Any, revealed: dict[str, Any]) -> RichText:
    """``victime — name``, the safe-call answers, each revealed contact field, then the masked ones."""
    text = RichText(_(f"protagonist.{person.role}"), style="bold")
    text.append(" — " + (person.name or _("case.person_unnamed")))
    text.append("\n  " + _("case.safe", safe=yes_no(person.safe_to_call), knows=yes_no(person.partner_knows)))
    for field in CONTACT_FIELDS:
        if field in revealed:
            value = revealed[field]
            shown = ", ".join(value) if isinstance(value, (list, tuple)) else value
            text.append("\n  " + _(f"contact.{field}", value=shown or _("case.empty")))
    masked = [_(f"person.{field}").lower() for field in CONTACT_FIELDS if field not in revealed]
    if masked:
        text.append("\n  " + _("case.contact_masked", masked=MASK, fields=", ".join(masked)), style="dim")
    return text


def outcome_word(kind: str) -> str:
    return t(f"outcome.kind.{kind}", language())


def source_word(source: str) -> str:
    return t(f"outcome.source.{source}", language())


def outcomes_text(outcomes: Any) -> RichText:
    """The case's outcomes, latest first: date, what happened, who reported it, who recorded it, the note."""
    text = RichText("\n" + _("case.outcomes") + "\n", style="bold")
    if not outcomes:
        text.append(_("case.no_outcomes"))
    for outcome in outcomes:
        text.append(f"{when(outcome.occurred_at)}  {outcome_word(outcome.kind)}")
        text.append(f"  · {_('case.outcome_source', source=source_word(outcome.source))} · {outcome.by}")
        if outcome.note:
            text.append(f" — {outcome.note}")
        text.append("\n")
    return text


def when(value: Any) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value is not None else "—"


def action_name(action: Any) -> str:
    """The action as the case screen names it: its label in the UI's language, its code when it has none."""
    return action.label.get(language()) if action.label else str(action.action)


def last_note(action: Any) -> str | None:
    """The note given with the action's latest status change (notes are read with the case)."""
    return action.history[-1].note if action.history else None


def yes_no(value: bool | None) -> str:
    return _("answer.unknown") if value is None else _("answer.yes") if value else _("answer.no")
