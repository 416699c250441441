"""The locked side: a neutral screen (no case data) that creates the store on first run, or unlocks it.

With ``CSVC_USER`` and ``CSVC_PASSPHRASE`` set, the first unlock happens by itself; after a lock the
passphrase must be typed again (the environment does not reopen a screen that someone locked on purpose).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from csvc_core.errors import CsvcError
from csvc_tui.keys import bind
from csvc_tui.records import CaseRow
from csvc_tui.screens.cases import first_page
from csvc_tui.screens.working import WorkingScreen
from csvc_tui.text import _, language
from csvc_tui.widgets.keybar import KeyBar


def labelled(label: str, field: Widget, label_id: str | None = None) -> Iterator[Widget]:
    """One line of a form: its label, always visible (not a placeholder that typing hides), then the field."""
    if isinstance(field, Input):
        field.compact = True
    with Horizontal(classes="gate-row"):
        yield Static(label, id=label_id, classes="gate-label")
        yield field


#: what the first person may be: she administers, and by default works cases too (a small shelter).
FIRST_ROLES = ("worker+admin", "admin")


class GateScreen(WorkingScreen[None]):
    """csvc, locked: set up a new store, or unlock with user name and passphrase; the store work (and the
    closing of the session at a lock) runs in this screen's workers."""

    BINDINGS: ClassVar[list[BindingType]] = [bind("gate_submit", "submit", show=False)]
    AUTO_FOCUS = ""  # nothing has the focus until the form that applies is shown (see :meth:`on_key`)

    def __init__(self) -> None:
        super().__init__(classes="gate-screen")
        self.sector: str | None = None
        self.role = FIRST_ROLES[0]
        self.ready = False
        self.typed_ahead: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static(_("gate.title"), classes="screen-title")
        with Vertical(id="gate"):
            yield Static(_("gate.locked"), id="gate-message")
            yield Static(id="gate-error", classes="error")  # at the top: seen at 80x24
            with Vertical(id="unlock", classes="gate-form"):
                yield from labelled(_("gate.user"), Input(id="unlock-user"))
                yield from labelled(_("gate.passphrase"), Input(password=True, id="unlock-passphrase"))
                yield Button(_("gate.unlock_button"), id="unlock-submit", compact=True)
            with Vertical(id="setup", classes="gate-form"):
                yield Static(_("gate.setup_intro"), classes="hint")
                yield from labelled(_("gate.organisation"), Input(id="setup-org"))
                yield from labelled(
                    _("gate.sector"), OptionList(id="setup-sector", compact=True), "setup-sector-label"
                )
                yield from labelled(_("gate.first_user"), Input(id="setup-user"))
                roles = OptionList(
                    *(Option(_(f"gate.role.{role}"), id=role) for role in FIRST_ROLES),
                    id="setup-role",
                    compact=True,
                )
                yield from labelled(_("gate.role"), roles, "setup-role-label")
                yield from labelled(
                    _("gate.new_passphrase"),
                    Input(placeholder=_("gate.passphrase_hint"), password=True, id="setup-passphrase"),
                )
                yield from labelled(_("gate.repeat_passphrase"), Input(password=True, id="setup-repeat"))
                yield Button(_("gate.create_button"), id="setup-submit", compact=True)
        yield KeyBar()

    def on_mount(self) -> None:
        for hidden in ("#unlock", "#setup", "#gate-error"):
            self.query_one(hidden).display = False
        self.background(self.csvc_app.workspace.gate_state, self.show_state, self.show_error)

    def on_key(self, event: events.Key) -> None:
        """Keys typed before the form is shown are kept, then typed into it: into the passphrase when the
        user is known, never into a field that is not the one shown with the focus."""
        if self.ready:
            return
        if event.key in ("enter", "ctrl+j", "ctrl+m"):  # ctrl+j: Enter typed before the terminal was raw
            self.typed_ahead.append("\n")
        elif event.is_printable and event.character:
            self.typed_ahead.append(event.character)
        else:
            return
        event.stop()
        event.prevent_default()

    def form_ready(self) -> None:
        """The form is shown and focused: type what came before it."""
        self.ready = True
        typed, self.typed_ahead = self.typed_ahead, []
        for character in typed:
            if character == "\n":
                self.action_submit()
            elif isinstance(self.focused, Input):
                self.focused.insert_text_at_cursor(character)

    def show_state(self, state: tuple[bool, list[tuple[str, str]]]) -> None:
        exists, sectors = state
        workspace = self.csvc_app.workspace
        if not exists:
            self.query_one("#setup").display = True
            options = self.query_one("#setup-sector", OptionList)
            options.add_options([Option(label, id=sector) for label, sector in sectors])
            options.highlighted = 0
            self.query_one("#gate-message", Static).update(_("gate.first_run", store=workspace.store_display))
            self.query_one("#setup-org", Input).focus()
            self.app.call_later(self.form_ready)  # after the focus, which the app sets in its own turn
            return
        self.query_one("#unlock").display = True
        user = self.query_one("#unlock-user", Input)
        if workspace.user_name:
            user.value = workspace.user_name
        if workspace.take_environment_unlock():
            self.query_one("#gate-message", Static).update(_("gate.unlocking"))
            self.open_session(workspace.unlock_from_environment)
            return
        (self.query_one("#unlock-passphrase", Input) if user.value else user).focus()
        self.app.call_later(self.form_ready)  # after the focus, which the app sets in its own turn

    def show_error(self, error: CsvcError) -> None:
        self.say(_("gate.error", message=error.text(language())))
        first_run = self.query_one("#setup").display
        form = self.query_one("#setup" if first_run else "#unlock")
        form.disabled = False
        passphrase = self.query_one("#setup-passphrase" if first_run else "#unlock-passphrase", Input)
        next((field for field in form.query(Input) if not field.value), passphrase).focus()
        self.query_one("#gate-message", Static).update(
            _("gate.setup_retry") if first_run else _("gate.locked")
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_submit()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_list.id == "setup-role":
            assert event.option.id is not None
            self.role = event.option.id
        else:
            self.sector = event.option.id
            chosen = _("gate.sector_chosen", sector=event.option.prompt)
            self.query_one("#setup-sector-label", Static).update(chosen)
        self.action_submit()

    def unchosen(self, options: OptionList) -> bool:
        """The sector is chosen by the person; the role has a default (she administers and works cases)."""
        return options.id == "setup-sector" and self.sector is None

    def action_submit(self) -> None:
        """Enter: move to the next empty field, or unlock / create the store when all are filled."""
        form = "#setup" if self.query_one("#setup").display else "#unlock"
        fields = [
            w for w in self.query(f"{form} Input, {form} OptionList") if isinstance(w, Input | OptionList)
        ]
        empty = next(
            (w for w in fields if (w.value == "" if isinstance(w, Input) else self.unchosen(w))), None
        )
        if empty is not None:
            focused = self.focused
            if focused is empty or (focused in fields and fields.index(empty) < fields.index(focused)):
                self.say_missing(empty)
            empty.focus()
            return
        self.say("")
        self.query_one("#gate-message", Static).update(_("gate.unlocking"))
        self.query_one(form).disabled = True  # keys typed while it opens land nowhere
        workspace = self.csvc_app.workspace
        if form == "#unlock":
            user = self.query_one("#unlock-user", Input).value
            passphrase = self.query_one("#unlock-passphrase", Input).value
            self.query_one("#unlock-passphrase", Input).value = ""
            self.open_session(lambda: workspace.unlock(user, passphrase))
            return
        org, user, passphrase, repeat = (
            self.query_one(f"#setup-{name}", Input).value for name in ("org", "user", "passphrase", "repeat")
        )
        sector, role = self.sector, self.role
        if passphrase != repeat:
            for name in ("passphrase", "repeat"):
                self.query_one(f"#setup-{name}", Input).value = ""
            self.show_error(CsvcError(_("gate.passphrases_differ")))
            return
        assert isinstance(sector, str)
        self.open_session(lambda: workspace.create_store(org, sector, user, passphrase, role))

    def open_session(self, opening: Callable[[], None]) -> None:
        """``opening`` (unlock, or create the store) in a thread of this screen, with the first page of cases
        fetched in the same thread: the case list is built with it, and shows it in its very first update."""
        workspace = self.csvc_app.workspace

        def work() -> list[CaseRow] | None:
            opening()
            return first_page(workspace)

        self.background(work, self.opened, self.show_error)

    def opened(self, first: list[CaseRow] | None) -> None:
        # in the app's own turn: the working side replaces this screen, which cannot await its own removal
        self.app.call_later(self.csvc_app.unlocked, first)

    def say_missing(self, field: Widget) -> None:
        """Enter on an empty field (or past one): name the field that still needs a value, by its label."""
        row = field.parent
        label = row.query_one(".gate-label", Static).content if row is not None else ""
        self.say(_("gate.missing", field=str(label)))

    def say(self, text: str) -> None:
        """What went wrong, above the form; no line at all when nothing did."""
        error = self.query_one("#gate-error", Static)
        error.update(text)
        error.display = bool(text)
