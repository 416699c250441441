"""Disclosure without consent to prevent an act of violence (art. 60.4 C-26): the form, then a summary to
confirm before anything is recorded.

The three conditions each have their own answer (the serious risk ticked, the person or group exposed named,
the urgency described and its imminence chosen); the recipient is one of the three the law allows; the fields
are ticked one by one, none beforehand. Ctrl+S asks the core's own guards (nothing recorded); only the summary
(``disclosure_summary.py``) records, and the store checks every guard again in the same transaction as its
audit entry.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from contextlib import suppress
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.timer import Timer
from textual.widgets import Checkbox, Input, Select, SelectionList, Static
from textual.widgets.select import InvalidSelectValueError

from csvc_core.errors import CsvcError
from csvc_core.sharing.disclosure import (
    ABLE_TO_HELP,
    ABLE_TO_HELP_KINDS,
    HARMS,
    IMMINENCE,
    RECIPIENT_CATEGORIES,
    Grounds,
    Recipient,
)
from csvc_core.sharing.reasons import Reason
from csvc_tui.keys import bind
from csvc_tui.screens.consent import partner_label
from csvc_tui.screens.disclosure_summary import DisclosureDraft, DisclosureSummary
from csvc_tui.screens.sharing_form import SharingForm, TickBox, choice, row, ticks
from csvc_tui.sharing import Partner
from csvc_tui.sharing_words import field_word, word
from csvc_tui.text import _
from csvc_tui.widgets.keybar import KeyBar

#: the form's fields in the order they are shown, and the field each of the core's reasons is about: after a
#: refusal the focus goes to the first of them, so that a person corrects it without looking for it.
FORM_ORDER = (
    "harms", "exposed", "urgency", "imminence", "cause", "violence", "danger",
    "category", "kind", "name", "fields",
)  # fmt: skip
REASON_FIELDS = {
    "disclosure_no_harm": "harms",
    "unknown_harm": "harms",
    "unknown_imminence": "imminence",
    "recipient_category": "category",
    "not_able_to_help": "kind",
    "recipient_kind_mismatch": "kind",
    "empty_selection": "fields",
}
ELEMENT_FIELDS = {"reasonable_cause": "cause", "recipient.name": "name"}

#: a recipient with no protective role (a landlord, an employer, a neighbour): offered so that the law's
#: refusal is seen and explained, never silently impossible.
OTHER_KIND = "other"


class DisclosureForm(SharingForm):
    """The art. 60.4 form; Ctrl+S checks it with the core's guards and opens the summary."""

    BINDINGS: ClassVar[list[BindingType]] = [
        bind("disclose_check", "submit")
    ]  # it checks; the summary records

    #: the typed fields and the choices, as the draft keeps them.
    TEXTS = ("exposed", "urgency", "cause", "violence", "danger", "name")
    CHOICES = ("imminence", "category", "kind", "org")
    TICKS = ("harms", "fields")

    def __init__(
        self,
        case_id: str,
        label: str,
        offered: Mapping[str, str],
        partners: Sequence[Partner],
        draft: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(classes="sharing-form")
        self.case_id, self.label = case_id, label
        self.offered = dict(offered)
        self.partners = {p.organisation: p for p in partners if p.organisation is not None}
        self.resumed = dict(draft or {})
        self.restoring = False
        self.saving: Timer | None = None
        self.token = uuid.uuid4().hex

    def compose(self) -> ComposeResult:
        yield Static(_("disclose.title", case=self.label), classes="screen-title")
        with VerticalScroll(classes="form-body", can_focus=False):
            yield Static(_("disclose.intro"), classes="form-intro")
            yield Static(_("disclose.condition_risk"), classes="heading")
            yield ticks([(harm, word("harm", harm)) for harm in HARMS], "disclose-harms")
            yield Static(_("disclose.condition_exposed"), classes="heading")
            yield row(_("element.exposed"), Input(id="disclose-exposed", compact=True))
            yield Static(_("disclose.condition_urgency"), classes="heading")
            yield row(_("element.urgency"), Input(id="disclose-urgency", compact=True))
            imminence = [(code, word("imminence", code)) for code in IMMINENCE]
            yield row(_("element.imminence"), choice(imminence, "disclose-imminence"))
            yield Static(_("disclose.grounds"), classes="heading")
            yield row(_("element.reasonable_cause"), Input(id="disclose-cause", compact=True))
            yield row(_("element.violence"), Input(id="disclose-violence", compact=True))
            yield row(_("element.danger"), Input(id="disclose-danger", compact=True))
            yield Static(_("disclose.recipient"), classes="heading")
            categories = [(code, word("recipient_category", code)) for code in RECIPIENT_CATEGORIES]
            yield row(_("disclose.recipient_category"), choice(categories, "disclose-category"))
            kinds = [(kind, word("kind", kind)) for kind in (*ABLE_TO_HELP_KINDS, OTHER_KIND)]
            yield row(_("disclose.recipient_kind"), choice(kinds, "disclose-kind"))
            organisations = [(org, partner_label(p)) for org, p in self.partners.items()]
            yield row(_("disclose.recipient_org"), choice(organisations, "disclose-org"))
            yield from self.no_partner_hint(organisations)
            yield row(_("element.recipient.name"), Input(id="disclose-name", compact=True))
            yield TickBox(_("disclose.outside_quebec"), id="disclose-outside", compact=True)
            yield Static(_("disclose.fields"), classes="heading")
            offered = [
                (name, f"{field_word(name)} · {word('category', c)}") for name, c in self.offered.items()
            ]
            yield ticks(offered, "disclose-fields")
        yield from self.error_line()
        yield KeyBar()

    # -- the draft: what is typed survives a lock ------------------------------------------------------------
    def on_mount(self) -> None:
        super().on_mount()
        if self.resumed:
            self.restore(self.resumed)
            self.notify(_("disclose.resumed"))

    def snapshot(self) -> dict[str, Any]:
        content: dict[str, Any] = {name: self.text(f"disclose-{name}") for name in self.TEXTS}
        content |= {name: self.chosen(f"disclose-{name}") for name in self.CHOICES}
        content |= {name: self.ticked(f"disclose-{name}") for name in self.TICKS}
        content["outside"] = self.query_one("#disclose-outside", Checkbox).value
        return content

    def restore(self, content: Mapping[str, Any]) -> None:
        """Put back what was typed; a choice or a field no longer offered is left out, never guessed."""
        self.restoring = True
        for name in self.TEXTS:
            self.query_one(f"#disclose-{name}", Input).value = str(content.get(name) or "")
        for name in self.CHOICES:
            with suppress(InvalidSelectValueError):  # no longer offered
                self.query_one(f"#disclose-{name}", Select).value = content.get(name)
        for name in self.TICKS:
            ticks = self.query_one(f"#disclose-{name}", SelectionList)
            for value in content.get(name) or ():
                if value in {ticks.get_option_at_index(i).value for i in range(ticks.option_count)}:
                    ticks.select(value)
        self.query_one("#disclose-outside", Checkbox).value = bool(content.get("outside"))
        self.call_after_refresh(self.restored)

    def restored(self) -> None:
        self.restoring = False

    def changed(self) -> None:
        """Save the draft half a second after the last change (the store encrypts it)."""
        if self.restoring:
            return
        if self.saving is not None:
            self.saving.stop()
        self.saving = self.set_timer(0.5, self.save_draft)

    def save_draft(self) -> None:
        work, case_id, content, form = self.work, self.case_id, self.snapshot(), self.token
        self.background(lambda: work.save_disclosure_draft(case_id, content, form), lambda _value: None)

    def on_input_changed(self, _event: Input.Changed) -> None:
        self.changed()

    def on_selection_list_selected_changed(self, _event: SelectionList.SelectedChanged[str]) -> None:
        self.changed()

    def on_checkbox_changed(self, _event: Checkbox.Changed) -> None:
        self.changed()

    def on_select_changed(self, event: Select.Changed) -> None:
        """Only a person able to help has a kind to choose; a chosen organisation names the recipient."""
        self.changed()
        if event.select.id == "disclose-category":
            self.query_one("#disclose-kind", Select).disabled = self.chosen("disclose-category") not in (
                ABLE_TO_HELP,
                "",
            )
        elif event.select.id == "disclose-org" and not self.text("disclose-name"):
            partner = self.partners.get(self.chosen("disclose-org"))
            if partner is not None:
                self.query_one("#disclose-name", Input).value = partner.name

    def draft(self) -> DisclosureDraft:
        category = self.chosen("disclose-category")
        org = self.chosen("disclose-org") or None
        recipient = Recipient(
            name=self.text("disclose-name"),
            kind=self.chosen("disclose-kind") if category == ABLE_TO_HELP else category,
            category=category,
            outside_quebec=self.query_one("#disclose-outside", Checkbox).value,
        )
        grounds = Grounds(
            reasonable_cause=self.text("disclose-cause"),
            harms=frozenset(self.ticked("disclose-harms")),
            exposed=self.text("disclose-exposed"),
            violence=self.text("disclose-violence"),
            danger=self.text("disclose-danger"),
            urgency=self.text("disclose-urgency"),
            imminence=self.chosen("disclose-imminence"),
        )
        ticked = set(self.ticked("disclose-fields"))
        return DisclosureDraft(
            case_id=self.case_id,
            label=self.label,
            recipient=recipient,
            recipient_org=org,
            recipient_org_name=self.partners[org].name if org else "",
            grounds=grounds,
            fields=tuple(name for name in self.offered if name in ticked),
            form=self.token,
        )

    def submit(self) -> None:
        if self.saving is not None:  # keep what is typed now, before the checks and the summary
            self.saving.stop()
            self.save_draft()
        draft, work, offered = self.draft(), self.work, tuple(self.offered)

        def checked(_value: None) -> None:
            self.app.push_screen(DisclosureSummary(draft), self.summary_closed)

        self.background(
            lambda: work.check_disclosure(
                draft.case_id, offered, recipient=draft.recipient, grounds=draft.grounds, fields=draft.fields
            ),
            checked,
            self.refused,
        )

    def refused(self, error: CsvcError) -> None:
        """Every reason, and the focus on the first field they are about."""
        super().refused(error)
        named = {reason_field(item) for item in getattr(error, "reasons", ())}
        first = next((name for name in FORM_ORDER if name in named), None)
        if first is not None:
            self.query_one(f"#disclose-{first}").focus()

    def summary_closed(self, recorded: str | None) -> None:
        if recorded is not None:
            self.dismiss(recorded)


def reason_field(item: Reason) -> str | None:
    """The form field a reason of the core is about (None: the form has none, e.g. the discloser's role)."""
    if item.code == "disclosure_missing":
        element = item.values.get("element", "")
        return ELEMENT_FIELDS.get(element, element)
    return REASON_FIELDS.get(item.code)
