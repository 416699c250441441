"""The consent form (who consents, to which partner, which categories, for what, for how long) and the share
under consent (the core's guard answers before anything goes, with its reason in the UI's language)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text as RichText
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Select, SelectionList, Static

from csvc_core.model import PROTAGONISTS
from csvc_core.sharing.categories import CATEGORIES
from csvc_tui.screens.sharing_form import SharingForm, choice, row, ticks
from csvc_tui.sharing import CONSENT_DAYS, Partner
from csvc_tui.sharing_words import reason_text, word
from csvc_tui.text import _
from csvc_tui.widgets.keybar import KeyBar


def partner_label(partner: Partner) -> str:
    sector = word("sector", partner.sector)
    if partner.organisation is None:
        return _("sharing.whole_sector", sector=sector)
    return f"{partner.name} ({sector})"


def category_choices() -> list[tuple[str, str]]:
    return [(category, word("category", category)) for category in CATEGORIES]


class ConsentForm(SharingForm):
    """Record a consent: nothing is ticked, no partner nor duration is chosen for her."""

    def __init__(self, case_id: str, label: str, partners: Sequence[Partner]) -> None:
        super().__init__(classes="sharing-form")
        self.case_id, self.label = case_id, label
        self.partners = {partner.value: partner for partner in partners}

    def compose(self) -> ComposeResult:
        yield Static(_("consent.title", case=self.label), classes="screen-title")
        with VerticalScroll(classes="form-body", can_focus=False):
            yield Static(_("consent.intro"), classes="form-intro")
            people = [(p, _(f"protagonist.{p}")) for p in PROTAGONISTS]
            yield row(_("consent.person"), choice(people, "consent-person", "victim"))
            partners = [(value, partner_label(p)) for value, p in self.partners.items()]
            yield row(_("consent.partner"), choice(partners, "consent-partner"))
            yield from self.no_partner_hint(p for p in self.partners.values() if p.organisation is not None)
            yield row(_("consent.purpose"), Input(id="consent-purpose", compact=True))
            days = [(str(n), _("consent.days", days=n)) for n in CONSENT_DAYS]
            yield row(_("consent.duration"), choice(days, "consent-days"))
            yield Static(_("consent.categories"), classes="heading")
            yield ticks(category_choices(), "consent-categories")
        yield from self.error_line()
        yield KeyBar()

    def submit(self) -> None:
        partner = self.partners.get(self.chosen("consent-partner"))
        days = self.chosen("consent-days")
        missing = [
            _(key)
            for key, absent in (("consent.partner", partner is None), ("consent.duration", not days))
            if absent
        ]
        if missing:
            self.show_error(_("consent.choose", what=", ".join(missing)))
            return
        assert partner is not None
        work, case_id = self.work, self.case_id
        person, purpose = self.chosen("consent-person"), self.text("consent-purpose")
        categories = self.ticked("consent-categories")

        def recorded(_consent_id: str) -> None:
            self.notify(_("consent.recorded", partner=partner_label(partner)))
            self.dismiss(True)

        self.background(
            lambda: work.give_consent(
                case_id,
                person=person,
                purpose=purpose,
                categories=categories,
                partner=partner,
                days=int(days),
            ),
            recorded,
            self.refused,
        )


class ShareForm(SharingForm):
    """Share categories of the case with one partner organisation, under the consents in force."""

    def __init__(
        self, case_id: str, label: str, partners: Sequence[Partner], purposes: Sequence[str]
    ) -> None:
        super().__init__(classes="sharing-form")
        self.case_id, self.label = case_id, label
        self.partners = {p.organisation: p for p in partners if p.organisation is not None}
        self.purposes = list(dict.fromkeys(purposes))

    def compose(self) -> ComposeResult:
        yield Static(_("share.title", case=self.label), classes="screen-title")
        with VerticalScroll(classes="form-body", can_focus=False):
            yield Static(_("share.intro"), classes="form-intro")
            partners = [(org, partner_label(p)) for org, p in self.partners.items()]
            yield row(_("share.to"), choice(partners, "share-to"))
            yield from self.no_partner_hint(partners)
            purposes = [(purpose, purpose) for purpose in self.purposes]
            only = self.purposes[0] if len(self.purposes) == 1 else None
            yield row(_("share.purpose"), choice(purposes, "share-purpose", only))
            yield Static(_("share.categories"), classes="heading")
            yield ticks(category_choices(), "share-categories")
        yield Static(_("share.guard_waiting"), id="share-guard", classes="form-guard")
        yield from self.error_line()
        yield KeyBar()

    def on_mount(self) -> None:
        super().on_mount()
        if not self.purposes:
            self.show_error(_("share.no_consent"))

    def wanted(self) -> tuple[str, list[str], str]:
        return self.chosen("share-to"), self.ticked("share-categories"), self.chosen("share-purpose")

    # -- the guard, asked again at each change ---------------------------------------------------------------
    def on_select_changed(self, _event: Select.Changed) -> None:
        self.check()

    def on_selection_list_selected_changed(self, _event: SelectionList.SelectedChanged[str]) -> None:
        self.check()

    def check(self) -> None:
        self.show_error("")
        to, categories, purpose = self.wanted()
        if not to or not categories:
            self.query_one("#share-guard", Static).update(_("share.guard_waiting"))
            return
        work, case_id = self.work, self.case_id
        self.background(
            lambda: work.may_share(case_id, categories, to, purpose or None),
            self.show_guard,
            self.refused,
            group="share-guard",
        )

    def show_guard(self, decision: Any) -> None:
        reasons = " ; ".join(reason_text(item) for item in decision.reasons)
        text = RichText(style="bold")
        if not decision.allowed:
            text.append(_("share.refused") + " ")
        text.append(reasons)
        self.query_one("#share-guard", Static).update(text)

    def submit(self) -> None:
        to, categories, purpose = self.wanted()
        if not to:
            self.show_error(_("consent.choose", what=_("share.to")))
            return
        work, case_id, partner = self.work, self.case_id, self.partners[to]

        def shared(_share_id: str) -> None:
            self.notify(_("share.recorded", partner=partner_label(partner)))
            self.dismiss(True)

        self.background(
            lambda: work.share(case_id, categories=categories, to=to, purpose=purpose), shared, self.refused
        )
