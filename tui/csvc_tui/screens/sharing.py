"""A case's sharing: its consents (who, to whom, what, for what, until when) and every communication this
organisation made of it (when, to whom, on which basis, what, why, by whom); the entry of a disclosure; and
what partners shared with this organisation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text as RichText
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from csvc_tui.keys import bind
from csvc_tui.screens.ask import AskChoice, AskText
from csvc_tui.screens.consent import ConsentForm, ShareForm
from csvc_tui.screens.disclosure import DisclosureForm
from csvc_tui.screens.disclosure_summary import add_conditions, labelled
from csvc_tui.screens.sharing_form import SharingPart
from csvc_tui.sharing_words import day, field_word, person_word, value_word, word, words
from csvc_tui.text import _
from csvc_tui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from csvc_core.store.records import SharedCase
    from csvc_tui.sharing import SharingView

DISCLOSURE, SHARE = "disclosure", "share"
KEEP, WITHDRAW = "keep", "withdraw"


def information(line: Any) -> str:
    """What a communication carried: a disclosure's fields, a share's categories, a referral's case."""
    if line.kind == DISCLOSURE:
        return ", ".join(field_word(name) for name in line.information)
    return words("category" if line.kind == SHARE else "field", line.information)


def consent_prompt(consent: Any) -> RichText:
    partner = consent.partner or _("sharing.whole_sector", sector=word("sector", consent.partner_sector))
    text = RichText(f"[{word('consent_status', consent.status)}] ", style="bold")
    text.append(_("sharing.consent_line", person=person_word(consent.person), partner=partner))
    text.append("\n  " + _("sharing.for", purpose=consent.purpose))
    text.append("\n  " + words("category", consent.categories))
    text.append("\n  " + _("sharing.given", at=day(consent.given_at), by=consent.given_by))
    if consent.withdrawn_at is not None:
        text.append(" · " + _("sharing.withdrawn_at", at=day(consent.withdrawn_at)), style="bold")
    else:
        text.append(" · " + _("sharing.expires", at=day(consent.expires_at)))
    return text


def communication_prompt(line: Any) -> RichText:
    text = RichText(f"{day(line.at)}  ", style="bold")
    text.append(
        _(
            "sharing.communication_line",
            kind=word("communication", line.kind),
            basis=word("basis", line.basis),
            recipient=line.recipient,
        )
    )
    if line.kind == DISCLOSURE:
        text.append(f" ({word('recipient_category', line.recipient_category)})")
    text.append("\n  " + _("sharing.sent", what=information(line)))
    text.append("\n  " + _("sharing.why", why=line.purpose, by=line.by))
    if line.outside_quebec:
        text.append(" · " + _("sharing.outside_quebec"), style="bold")
    return text


def refill(options: OptionList, items: list[Option], empty: str) -> None:
    """Replace a list's options, keeping the highlighted line where it was (the first one to begin with: Enter
    or a key acts on it at once)."""
    highlighted = options.highlighted
    options.clear_options()
    options.add_options(items or [Option(empty, id="-", disabled=True)])
    if items:
        options.highlighted = min(highlighted or 0, len(items) - 1)


class SharingScreen(SharingPart):
    """A case's consents and communications: u disclose (art. 60.4), c consent, p share, r withdraw."""

    DEFAULT_CSS = """
    SharingScreen #sharing-body { padding: 0 1; }
    SharingScreen OptionList { height: auto; max-height: 12; }
    """
    #: the urgent disclosure first: at 80 columns the bar has room for three keys (the others are in each
    #: section's heading).
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("disclose_new", "disclose"),
        bind("consent_new", "consent"),
        bind("share_new", "share"),
        bind("consent_withdraw", "withdraw"),
        bind("back", "back", show=False),
    ]

    def __init__(self, case_id: str, label: str) -> None:
        super().__init__(classes="sharing-screen")
        self.case_id, self.label = case_id, label
        self.view: SharingView | None = None

    def compose(self) -> ComposeResult:
        yield Static(_("sharing.title", case=self.label), classes="screen-title")
        with VerticalScroll(id="sharing-body", can_focus=False):  # the focus starts on the consents
            yield Static(_("sharing.consents"), classes="heading")
            yield OptionList(id="consents")
            yield Static(_("sharing.communications"), classes="heading")
            yield Static(id="sharing-draft", classes="hint")
            yield OptionList(id="communications")
        yield KeyBar()

    def on_mount(self) -> None:
        self.load()

    def on_screen_resume(self) -> None:
        self.load()

    def load(self) -> None:
        work, case_id = self.work, self.case_id
        self.background(lambda: work.view(case_id), self.show, group="sharing")

    def show(self, view: SharingView) -> None:
        self.view = view
        drafted = self.query_one("#sharing-draft", Static)
        drafted.update(_("sharing.disclosure_draft") if view.disclosure_draft else "")
        drafted.display = view.disclosure_draft
        refill(
            self.query_one("#consents", OptionList),
            [Option(consent_prompt(c), id=c.id) for c in view.consents],
            _("sharing.no_consents"),
        )
        refill(
            self.query_one("#communications", OptionList),
            [
                Option(communication_prompt(line), id=f"{line.kind}:{line.reference}")
                for line in view.communications
            ],
            _("sharing.no_communications"),
        )

    # -- reading a disclosure --------------------------------------------------------------------------------
    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        kind, _sep, reference = (event.option.id or "").partition(":")
        if event.option_list.id == "communications" and kind == DISCLOSURE:
            event.stop()
            self.app.push_screen(DisclosureEntryScreen(reference))

    # -- actions ---------------------------------------------------------------------------------------------
    def action_back(self) -> None:
        self.dismiss()

    def action_consent(self) -> None:
        work, case_id, label = self.work, self.case_id, self.label
        self.background(
            work.partners, lambda partners: self.app.push_screen(ConsentForm(case_id, label, partners))
        )

    def action_withdraw(self) -> None:
        consents = self.query_one("#consents", OptionList)
        view = self.view
        active = [c for c in view.consents if c.withdrawn_at is None] if view else []
        index = consents.highlighted
        if view is None or index is None or index >= len(view.consents) or view.consents[index] not in active:
            self.notify(_("sharing.pick_consent"), severity="warning")
            return
        self.run_worker(self.withdraw(view.consents[index]), exclusive=True, group="sharing-ask")

    async def withdraw(self, consent: Any) -> None:
        """Withdraw ``consent`` after a yes (keeping it is what is offered)."""
        choices = [(KEEP, _("sharing.withdraw_keep")), (WITHDRAW, _("sharing.withdraw_yes"))]
        prompt = _(
            "sharing.withdraw_prompt",
            person=person_word(consent.person),
            partner=consent.partner or word("sector", consent.partner_sector),
        )
        if await self.ask(AskChoice(prompt, choices, KEEP)) == WITHDRAW:
            work = self.work
            self.background(lambda: work.withdraw(consent.id), self.withdrawn)

    def withdrawn(self, _value: None) -> None:
        self.notify(_("sharing.withdrawn"))
        self.load()

    def action_share(self) -> None:
        work, case_id, label = self.work, self.case_id, self.label
        purposes = [c.purpose for c in self.view.consents] if self.view else []
        self.background(
            lambda: work.partners(sectors=False),
            lambda partners: self.app.push_screen(ShareForm(case_id, label, partners, purposes)),
        )

    def action_disclose(self) -> None:
        work, case_id, label = self.work, self.case_id, self.label
        self.background(
            lambda: work.disclosure_form(case_id),
            lambda found: self.app.push_screen(DisclosureForm(case_id, label, *found)),
        )


def entry_text(entry: Any) -> RichText:
    """A disclosure's whole entry: when, who, to whom, the three conditions, why, which fields, the notes."""
    text = RichText()

    def line(key: str, value: str) -> None:
        labelled(text, _(key), value)

    line("disclose.entry_at", day(entry.disclosed_at))
    line("disclose.entry_by", f"{entry.discloser} ({entry.discloser_org})")
    named = entry.recipient_org and entry.recipient_org != entry.recipient
    line("element.recipient.name", entry.recipient + (f" — {entry.recipient_org}" if named else ""))
    line("disclose.recipient_category", word("recipient_category", entry.recipient_category))
    line("disclose.recipient_kind", word("kind", entry.recipient_kind))
    if entry.outside_quebec:
        line("disclose.outside_quebec", _("answer.yes"))
    add_conditions(text, entry)
    text.append(_("disclose.summary_fields", count=len(entry.fields)) + " : ", style="bold")
    text.append(", ".join(field_word(name) for name in entry.fields) + "\n")
    text.append("\n" + _("disclose.annotations") + "\n", style="bold")
    if not entry.annotations:
        text.append(_("disclose.no_annotations") + "\n")
    for note in entry.annotations:
        text.append(f"{day(note['at'])} · {note['by']} — {note['text']}\n")
    return text


class DisclosureEntryScreen(SharingPart):
    """One disclosure as recorded (immutable; the store audits the read); a adds a remark beside it."""

    DEFAULT_CSS = "DisclosureEntryScreen #entry-body { padding: 0 1; }"
    BINDINGS: ClassVar[list[BindingType]] = [bind("disclose_annotate", "annotate"), bind("back", "back")]

    def __init__(self, disclosure_id: str) -> None:
        super().__init__(classes="sharing-screen")
        self.disclosure_id = disclosure_id

    def compose(self) -> ComposeResult:
        yield Static(_("disclose.entry_title"), classes="screen-title")
        with VerticalScroll(id="entry-body"):
            yield Static(_("case.loading"), id="entry")
        yield KeyBar()

    def on_mount(self) -> None:
        self.load()

    def load(self) -> None:
        work, ident = self.work, self.disclosure_id
        self.background(
            lambda: work.disclosure(ident),
            lambda entry: self.query_one("#entry", Static).update(entry_text(entry)),
        )

    def action_annotate(self) -> None:
        self.run_worker(self.annotate(), exclusive=True, group="sharing-ask")

    async def annotate(self) -> None:
        """A remark beside the disclosure (the entry itself never changes)."""
        text = await self.ask(AskText(_("disclose.annotate_prompt")))
        if text:
            work, ident = self.work, self.disclosure_id
            self.background(lambda: work.annotate(ident, text), lambda _value: self.load())

    def action_back(self) -> None:
        self.dismiss()


def sent_lines(sent: dict[str, Any]) -> str:
    """What a partner received: each field or category with its value in words (a contact's parts one a
    line: phone, safe times, whether a call is safe), never a program's notation."""
    shown = []
    for name, value in sent.items():
        if isinstance(value, dict):
            shown.append(f"    {field_word(name)} :")
            shown.extend(f"      {word('person', part)} : {value_word(item)}" for part, item in value.items())
        else:
            shown.append(f"    {field_word(name)} : {value_word(value)}")
    return "\n".join(shown)


def received_text(case: dict[str, Any]) -> RichText:
    """Each communication received: when, what, and for a disclosure who made it (to call back) and its
    three conditions (the urgency and how imminent it is first of what a partner acts on)."""
    text = RichText(_("received.bases", bases=words("access", case["bases"])) + "\n", style="bold")
    for item in case["received"]:
        if "disclosure" in item:
            text.append(f"\n{day(item['disclosed_at'])}  " + _("received.disclosure") + "\n", style="bold")
        else:
            text.append(f"\n{day(item['shared_at'])}  " + _("received.share") + "\n", style="bold")
            text.append("  " + words("category", item["categories"]) + "\n")
        entry = item.get("entry")
        if entry is not None:
            text.append("  " + _("received.from", by=entry.discloser, org=entry.discloser_org) + "\n")
        text.append(sent_lines(item["sent"]) + "\n")
        if entry is not None:
            add_conditions(text, entry)
    return text


class ReceivedScreen(SharingPart):
    """Cases held by partners that shared something with this organisation, and what it received."""

    DEFAULT_CSS = """
    ReceivedScreen #received { height: auto; max-height: 8; }
    ReceivedScreen #received-body { padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [bind("back", "back")]

    def compose(self) -> ComposeResult:
        yield Static(_("received.title"), classes="screen-title")
        yield OptionList(id="received")
        with VerticalScroll(id="received-body"):
            yield Static(_("received.pick"), id="received-case")
        yield KeyBar()

    def on_mount(self) -> None:
        work = self.work
        self.background(work.received, self.show)

    def show(self, cases: list[SharedCase]) -> None:
        options = self.query_one("#received", OptionList)
        options.add_options(
            Option(_("received.case", case=case.case, bases=words("access", case.bases)), id=case.case)
            for case in cases
        )
        if cases:
            options.highlighted = 0
        else:
            options.add_option(Option(_("received.none"), id="-", disabled=True))
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        work, case_id = self.work, event.option.id or ""
        self.background(
            lambda: work.received_case(case_id),
            lambda case: self.query_one("#received-case", Static).update(received_text(case)),
        )

    def action_back(self) -> None:
        self.dismiss()
