"""Administration, for a person who administers her organisation: the partner organisations (list, add one
with its sector and first administrator) and the people of her own organisation (list, add with a role,
change a role, disable, enable again with a new passphrase). The same store calls as ``csvc org`` and
``csvc user``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from csvc_core.store import people
from csvc_core.store.access import ROLE_CHOICES, role_term
from csvc_tui.keys import bind
from csvc_tui.screens.ask import AskChoice, AskText
from csvc_tui.screens.working import WorkingScreen
from csvc_tui.text import _, language
from csvc_tui.widgets.keybar import KeyBar

#: the answers to "disable her?" (keeping her is what is offered).
DISABLE, KEEP = "disable", "keep"


def role_words(stored: str) -> str:
    return role_term(stored).text(language())


class AdminScreen(WorkingScreen[None]):
    """Partners above, colleagues below; each list has its keys (Tab goes from one to the other)."""

    DEFAULT_CSS = """
    AdminScreen OptionList { height: auto; max-height: 9; }
    """
    AUTO_FOCUS = "#people"
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("back", "back"),
        bind("partner_add", "add_partner"),
        bind("person_new", "add_person"),
        bind("person_role", "change_role"),
        bind("person_active", "toggle_active"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.people: dict[str, Any] = {}  # the colleagues listed, by name

    @property
    def session(self) -> Any:
        return self.csvc_app.workspace.live

    def compose(self) -> ComposeResult:
        yield Static(_("admin.title"), classes="screen-title")
        yield Static(_("admin.partners"), classes="section-title")
        yield OptionList(id="partners", compact=True)
        yield Static(_("admin.people"), classes="section-title")
        yield OptionList(id="people", compact=True)
        yield Static(_("admin.hint"), classes="hint")
        yield KeyBar()

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        session, workspace = self.session, self.csvc_app.workspace
        self.background(
            lambda: (
                [(org, workspace.sector_name(org.sector)) for org in session.run(people.list_organisations)],
                session.run(people.list_users),
            ),
            self.show,
        )

    def show(self, found: tuple[list[Any], list[Any]]) -> None:
        organisations, people = found
        own = self.session.actor.org_id
        partners = self.query_one("#partners", OptionList)
        partners.clear_options()
        listed = [(org, sector) for org, sector in organisations if org.id != own]
        partners.add_options(
            Option(_("admin.partner", name=org.name, sector=sector), id=org.name) for org, sector in listed
        )
        if not listed:
            partners.add_option(Option(_("admin.no_partner"), id="-", disabled=True))
        colleagues = self.query_one("#people", OptionList)
        highlighted = colleagues.highlighted
        colleagues.clear_options()
        colleagues.add_options(
            Option(
                _(
                    "admin.person" if person.active else "admin.person_disabled",
                    name=person.name,
                    role=role_words(person.role),
                ),
                id=person.name,
            )
            for person in people
        )
        self.people = {person.name: person for person in people}
        colleagues.highlighted = min(highlighted or 0, len(people) - 1)

    def chosen(self) -> Any:
        """The highlighted colleague."""
        colleagues = self.query_one("#people", OptionList)
        if colleagues.highlighted is None:
            return None
        option = colleagues.get_option_at_index(colleagues.highlighted)
        return self.people.get(option.id or "")

    def run(self, work: Callable[[], Any], done_key: str, **values: str) -> None:
        """A store call, then the lists again and a notice ``done_key``; a refusal in one line."""

        def done(_result: Any) -> None:
            self.notify(_(done_key, **values), markup=False)
            self.reload()

        self.background(work, done)

    def ask_passphrase(self, who: str, then: Callable[[str], None]) -> None:
        """A new passphrase for ``who``, typed twice (two that differ: asked again)."""

        def first(passphrase: str | None) -> None:
            if not passphrase:
                return

            def repeated(repeat: str | None) -> None:
                if repeat == passphrase:
                    then(passphrase)
                elif repeat is not None:
                    ask(_("admin.passphrases_differ"))

            self.app.push_screen(AskText(_("admin.passphrase_repeat", name=who), password=True), repeated)

        def ask(error: str = "") -> None:
            self.app.push_screen(AskText(_("admin.passphrase", name=who), password=True, error=error), first)

        ask()

    # -- partners --------------------------------------------------------------------------------------------
    def action_add_partner(self) -> None:
        """Its name, its sector, its first administrator and her passphrase; then the organisation."""
        session, workspace = self.session, self.csvc_app.workspace
        sectors = [(sector, label) for label, sector in workspace.sector_choices()]

        def named(name: str | None) -> None:
            if not name:
                return

            def sectored(sector: str | None) -> None:
                if not sector:
                    return

                def administered(admin: str | None) -> None:
                    if not admin:
                        return

                    def create(passphrase: str) -> None:
                        self.run(
                            lambda: session.run(
                                people.add_organisation,
                                name,
                                sector,
                                admin=admin,
                                passphrase=passphrase,
                                kdf=workspace.kdf,
                            ),
                            "admin.partner_added",
                            name=name,
                            admin=admin,
                        )

                    self.ask_passphrase(admin, create)

                self.app.push_screen(AskText(_("admin.partner_admin", name=name)), administered)

            self.app.push_screen(AskChoice(_("admin.partner_sector", name=name), sectors), sectored)

        self.app.push_screen(AskText(_("admin.partner_name")), named)

    # -- people ----------------------------------------------------------------------------------------------
    def action_add_person(self) -> None:
        session = self.session

        def named(name: str | None) -> None:
            if name:
                self.app.push_screen(AskChoice(_("admin.role_of", name=name), role_choices()), roled(name))

        def roled(name: str) -> Callable[[str | None], None]:
            def chosen(role: str | None) -> None:
                if role:
                    self.ask_passphrase(
                        name,
                        lambda passphrase: self.run(
                            lambda: session.run(
                                people.add_user, name, role, passphrase, kdf=self.csvc_app.workspace.kdf
                            ),
                            "admin.person_added",
                            name=name,
                            role=role_words(role),
                        ),
                    )

            return chosen

        self.app.push_screen(AskText(_("admin.person_name")), named)

    def action_change_role(self) -> None:
        person, session = self.chosen(), self.session
        if person is None:
            return

        def chosen(role: str | None) -> None:
            if role and role != person.role:
                self.run(
                    lambda: session.run(people.set_user_role, person.name, role),
                    "admin.role_changed",
                    name=person.name,
                    role=role_words(role),
                )

        prompt = AskChoice(_("admin.role_of", name=person.name), role_choices(), selected=person.role)
        self.app.push_screen(prompt, chosen)

    def action_toggle_active(self) -> None:
        """Disable the highlighted colleague (after a yes), or enable her again with a new passphrase."""
        person, session = self.chosen(), self.session
        if person is None:
            return
        if person.active:
            answers = [(DISABLE, _("admin.disable_yes")), (KEEP, _("admin.disable_no"))]

            def confirmed(answer: str | None) -> None:
                if answer == DISABLE:
                    self.run(
                        lambda: session.run(people.set_user_active, person.name, False),
                        "admin.disabled",
                        name=person.name,
                    )

            self.app.push_screen(AskChoice(_("admin.disable", name=person.name), answers, KEEP), confirmed)
            return
        self.ask_passphrase(
            person.name,
            lambda passphrase: self.run(
                lambda: session.run(
                    people.set_user_active, person.name, True, passphrase, kdf=self.csvc_app.workspace.kdf
                ),
                "admin.enabled",
                name=person.name,
            ),
        )

    def action_back(self) -> None:
        self.dismiss()


def role_choices() -> list[tuple[str, object]]:
    return [(role, role_words(role)) for role in ROLE_CHOICES]
