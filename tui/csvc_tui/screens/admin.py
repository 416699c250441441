"""Administration, for a person who administers her organisation: the partner organisations (list, add one
with its sector and first administrator) and the people of her own organisation (list, add with a role,
change a role, disable, enable again with a new passphrase). The same store calls as ``csvc org`` and
``csvc user``."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
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

    def chain(self, questions: Coroutine[Any, Any, None]) -> None:
        """Ask ``questions`` in turn, in a worker of this screen."""
        self.run_worker(questions, exclusive=True, group="admin-ask")

    def about_chosen(self, questions: Callable[[Any], Coroutine[Any, Any, None]]) -> None:
        """``questions`` about the highlighted colleague, in a worker (none highlighted: nothing asked)."""
        person = self.chosen()
        if person is not None:
            self.chain(questions(person))

    async def ask_passphrase(self, who: str) -> str | None:
        """A new passphrase for ``who``, typed twice (two that differ: asked again); None when left."""
        error = ""
        while True:
            passphrase = await self.ask(AskText(_("admin.passphrase", name=who), password=True, error=error))
            if not passphrase:
                return None
            repeat = await self.ask(AskText(_("admin.passphrase_repeat", name=who), password=True))
            if repeat is None:
                return None
            if repeat == passphrase:
                return str(passphrase)
            error = _("admin.passphrases_differ")

    # -- partners --------------------------------------------------------------------------------------------
    def action_add_partner(self) -> None:
        self.chain(self.add_partner())

    async def add_partner(self) -> None:
        """Its name, its sector, its first administrator and her passphrase; then the organisation."""
        session, workspace = self.session, self.csvc_app.workspace
        sectors = [(sector, label) for label, sector in workspace.sector_choices()]
        name = await self.ask(AskText(_("admin.partner_name")))
        if not name:
            return
        sector = await self.ask(AskChoice(_("admin.partner_sector", name=name), sectors))
        if not sector:
            return
        admin = await self.ask(AskText(_("admin.partner_admin", name=name)))
        if not admin:
            return
        passphrase = await self.ask_passphrase(admin)
        if passphrase is None:
            return
        self.run(
            lambda: session.run(
                people.add_organisation, name, sector, admin=admin, passphrase=passphrase, kdf=workspace.kdf
            ),
            "admin.partner_added",
            name=name,
            admin=admin,
        )

    # -- people ----------------------------------------------------------------------------------------------
    def action_add_person(self) -> None:
        self.chain(self.add_person())

    async def add_person(self) -> None:
        session, kdf = self.session, self.csvc_app.workspace.kdf
        name = await self.ask(AskText(_("admin.person_name")))
        if not name:
            return
        role = await self.ask(AskChoice(_("admin.role_of", name=name), role_choices()))
        if not role:
            return
        passphrase = await self.ask_passphrase(name)
        if passphrase is None:
            return
        self.run(
            lambda: session.run(people.add_user, name, role, passphrase, kdf=kdf),
            "admin.person_added",
            name=name,
            role=role_words(role),
        )

    def action_change_role(self) -> None:
        self.about_chosen(self.change_role)

    async def change_role(self, person: Any) -> None:
        session = self.session
        prompt = AskChoice(_("admin.role_of", name=person.name), role_choices(), selected=person.role)
        role = await self.ask(prompt)
        if role and role != person.role:
            self.run(
                lambda: session.run(people.set_user_role, person.name, role),
                "admin.role_changed",
                name=person.name,
                role=role_words(role),
            )

    def action_toggle_active(self) -> None:
        self.about_chosen(self.toggle_active)

    async def toggle_active(self, person: Any) -> None:
        """Disable the colleague (after a yes), or enable her again with a new passphrase."""
        session, kdf = self.session, self.csvc_app.workspace.kdf
        if person.active:
            answers = [(DISABLE, _("admin.disable_yes")), (KEEP, _("admin.disable_no"))]
            if await self.ask(AskChoice(_("admin.disable", name=person.name), answers, KEEP)) == DISABLE:
                self.run(
                    lambda: session.run(people.set_user_active, person.name, False),
                    "admin.disabled",
                    name=person.name,
                )
            return
        passphrase = await self.ask_passphrase(person.name)
        if passphrase is not None:
            self.run(
                lambda: session.run(people.set_user_active, person.name, True, passphrase, kdf=kdf),
                "admin.enabled",
                name=person.name,
            )

    def action_back(self) -> None:
        self.dismiss()


def role_choices() -> list[tuple[str, object]]:
    return [(role, role_words(role)) for role in ROLE_CHOICES]
