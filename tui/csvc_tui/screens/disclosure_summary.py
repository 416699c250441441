"""The summary of a disclosure without consent (art. 60.4 C-26), read once more before anything is recorded:
the three conditions and their grounds, the recipient, the fields; recorded from here only (the store checks
every guard again, in the same transaction as its audit entry)."""

from __future__ import annotations

from typing import Any, ClassVar

import attrs
from rich.text import Text as RichText
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from csvc_core.errors import CsvcError
from csvc_core.sharing.disclosure import Grounds, Recipient
from csvc_tui.keys import bind
from csvc_tui.screens.sharing_form import SharingPart
from csvc_tui.sharing_words import field_word, refusal_text, word, words
from csvc_tui.text import _
from csvc_tui.widgets.keybar import KeyBar


@attrs.frozen
class DisclosureDraft:
    """Everything the form gathered: what the summary shows and what the store records."""

    case_id: str
    label: str
    recipient: Recipient
    recipient_org: str | None
    recipient_org_name: str
    grounds: Grounds
    fields: tuple[str, ...]
    form: str  # the form it comes from (its draft is dropped once recorded)


def labelled(text: RichText, label: str, value: str) -> None:
    text.append(f"{label} : ", style="bold")
    text.append(f"{value}\n")


def add_conditions(text: RichText, grounds: Any) -> None:
    """The three conditions and the grounds, from a :class:`Grounds` or a recorded disclosure."""
    labelled(text, _("disclose.summary_risk"), words("harm", sorted(grounds.harms)))
    labelled(text, _("element.exposed"), grounds.exposed)
    labelled(text, _("element.urgency"), grounds.urgency)
    labelled(text, _("element.imminence"), word("imminence", grounds.imminence))
    labelled(text, _("element.reasonable_cause"), grounds.reasonable_cause)
    labelled(text, _("element.violence"), grounds.violence)
    labelled(text, _("element.danger"), grounds.danger)


def summary_text(draft: DisclosureDraft) -> RichText:
    """Every element of the disclosure, as it will be recorded."""
    recipient = draft.recipient
    text = RichText()

    def line(key: str, value: str) -> None:
        labelled(text, _(key), value)

    text.append(_("disclose.summary_conditions") + "\n", style="bold underline")
    add_conditions(text, draft.grounds)
    text.append("\n" + _("disclose.recipient") + "\n", style="bold underline")
    line("element.recipient.name", recipient.name)
    line("disclose.recipient_category", word("recipient_category", recipient.category))
    line("disclose.recipient_kind", word("kind", recipient.kind))
    if draft.recipient_org:
        line("disclose.recipient_org", draft.recipient_org_name)
    line("disclose.outside_quebec", _("answer.yes") if recipient.outside_quebec else _("answer.no"))
    text.append("\n" + _("disclose.summary_fields", count=len(draft.fields)) + "\n", style="bold underline")
    for name in draft.fields:
        text.append(f"  • {field_word(name)}\n")
    return text


class DisclosureSummary(SharingPart):
    """Read everything once more; record it (the store's guards again), or go back to correct it."""

    DEFAULT_CSS = """
    DisclosureSummary #summary-body { height: 1fr; padding: 0 1; }
    DisclosureSummary #summary-error { height: auto; max-height: 6; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [bind("disclose_record", "record"), bind("disclose_back", "back")]

    def __init__(self, draft: DisclosureDraft) -> None:
        super().__init__(classes="sharing-form")
        self.draft = draft
        self.recording = False

    def compose(self) -> ComposeResult:
        yield Static(_("disclose.summary_title", case=self.draft.label), classes="screen-title")
        with VerticalScroll(id="summary-body"):
            yield Static(_("disclose.summary_intro"), classes="hint")
            yield Static(summary_text(self.draft), id="summary")
        yield Static(id="summary-error", classes="error")
        yield KeyBar()

    def action_record(self) -> None:
        if self.recording:
            return
        self.recording = True
        draft, work = self.draft, self.work

        def recorded(disclosure_id: str) -> None:
            self.notify(_("disclose.recorded", count=len(draft.fields)))
            self.dismiss(disclosure_id)

        def refused(error: CsvcError) -> None:
            self.recording = False
            self.query_one("#summary-error", Static).update(refusal_text(error))

        self.background(
            lambda: work.disclose(
                draft.case_id,
                recipient=draft.recipient,
                grounds=draft.grounds,
                fields=draft.fields,
                recipient_org=draft.recipient_org,
                form=draft.form,
            ),
            recorded,
            refused,
        )

    def action_back(self) -> None:
        self.dismiss(None)
