"""The csvc application: a locked side (setup, unlock) and a working side (cases, forms, results), kept as two
Textual modes so that locking drops the whole working stack at once.

Build it with :func:`build_app` (the CLI and the tests use the same factory), once the language is chosen
(:func:`csvc_tui.text.set_language`): its keys are set as the app is built.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import PurePath
from typing import Any, ClassVar, cast

from textual import events
from textual.app import App, SystemCommand
from textual.binding import BindingType
from textual.command import CommandPalette
from textual.screen import Screen

from csvc_core.errors import BadInput, CsvcError
from csvc_tui.assessment import open_form
from csvc_tui.keys import bind, binding_label, binding_tooltip, in_declared_order, language_keymap
from csvc_tui.records import CaseRow
from csvc_tui.screens.case import CaseScreen
from csvc_tui.screens.info import HelpScreen, PluginsScreen, diagnostics_text, keys_text
from csvc_tui.screens.working import WorkingScreen
from csvc_tui.settings import TuiSettings
from csvc_tui.text import _, language
from csvc_tui.themes import CONTRAST, THEMES, USUAL
from csvc_tui.workspace import Drafting, Workspace

LOCKED, WORK = "locked", "work"
#: events that count as activity for the inactivity lock.
ACTIVITY = (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp, events.Paste)


class CsvcApp(App[None]):
    """csvc's terminal UI."""

    TITLE = "csvc"
    CSS_PATH: ClassVar[list[str | PurePath]] = ["styles/app.tcss"]
    ENABLE_COMMAND_PALETTE = True
    DEFAULT_MODE = LOCKED
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("privacy", "privacy", priority=True),
        bind("help", "help", priority=True),
        bind("palette", "command_palette", priority=True, show=False),
        bind("plugins", "plugins", show=False),
        bind("quit", "quit", priority=True, show=False),
    ]

    def __init__(
        self,
        settings: TuiSettings,
        workspace: Workspace,
        clock: Callable[[], float],
        first: list[CaseRow] | None = None,
    ) -> None:
        from csvc_tui.screens.cases import CasesScreen
        from csvc_tui.screens.gate import GateScreen

        if workspace.unlocked:  # a caller that already holds a session: straight to the cases
            self.DEFAULT_MODE = WORK  # type: ignore[misc]  # read by App.__init__ for this instance
        super().__init__()
        self.settings = settings
        self.workspace = workspace
        self.clock = clock
        self.last_activity = clock()
        self._gate, self._home = GateScreen, CasesScreen
        self.add_mode(LOCKED, self._gate)
        self.add_mode(WORK, lambda: self._home(first))
        keymap = {**language_keymap(), **settings.keymap}  # the language's keys, under the person's own
        if keymap:
            self.set_keymap(keymap)
        for theme in THEMES:
            self.register_theme(theme)
        if settings.theme == CONTRAST:
            self.theme = CONTRAST

    def on_mount(self) -> None:
        self.set_interval(1.0, self.check_inactivity, name="inactivity-lock")

    # -- activity and locking --------------------------------------------------------------------------------
    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, ACTIVITY):
            self.last_activity = self.clock()
        await super().on_event(event)

    async def check_inactivity(self) -> None:
        """Lock when nothing was pressed for ``settings.lock_after`` seconds (0: never)."""
        after = self.settings.lock_after
        if after and self.current_mode == WORK and self.clock() - self.last_activity >= after:
            await self.lock_screen()

    async def action_privacy(self) -> None:
        """Hide everything at once and lock (F12 and a second key)."""
        await self.lock_screen()

    async def lock_screen(self) -> None:
        """Show the neutral lock screen, drop every working screen and the session; drafts are kept."""
        snapshots = (screen.draft_snapshot() for screen in self.screen_stack if isinstance(screen, Drafting))
        drafts = [draft for draft in snapshots if draft is not None]
        closing = self.workspace.begin_lock()
        self.clear_notifications()
        if self.current_mode == WORK:
            self.switch_mode(LOCKED)
            await self.remove_mode(WORK)
            self.add_mode(WORK, self._home)
        else:
            while len(self.screen_stack) > 1:
                await self.pop_screen()
        workspace = self.workspace
        self.working_screen.background(lambda: workspace.lock(closing, drafts), lambda _: None)  # the gate's

    async def unlocked(self, first: list[CaseRow] | None) -> None:
        """The session is open: show the cases, ``first`` their first page fetched with the unlock (and reopen
        the forms left open at the last lock: an assessment over its case, a concertation request over the
        desk, its step resumed)."""
        from csvc_tui.screens.concertation import ConcertationScreen
        from csvc_tui.screens.concertation_desk import ConcertationsScreen

        self.last_activity = self.clock()
        await self.remove_mode(WORK)  # not shown since the lock: nothing of it to take away
        self.add_mode(WORK, lambda: self._home(first))
        await self.switch_mode(WORK)  # lays the screen out: no second layout asked for here
        if not self.is_running:  # closing meanwhile (Ctrl+Q): it is closing every mode's screens itself
            return
        await self.remove_mode(LOCKED)
        self.add_mode(LOCKED, self._gate)
        for reopened in self.workspace.take_reopened():
            if reopened.form is not None:
                case = CaseScreen(reopened.case_id)
                self.push_screen(case)
                open_form(case, reopened.case_id, reopened.form)
            elif reopened.concertation is not None:
                self.push_screen(ConcertationsScreen())
                self.push_screen(ConcertationScreen(reopened.concertation))

    def open_case(self, case_id: str, label: str | None = None) -> None:
        self.push_screen(CaseScreen(case_id, label))

    @property
    def working_screen(self) -> WorkingScreen[Any]:
        """The top screen of csvc's own (under a dialog, the screen it covers): it runs the app-wide store
        work, and takes the answer even from under the dialog."""
        return next(s for s in reversed(self.screen_stack) if isinstance(s, WorkingScreen))

    def report_error(self, error: CsvcError) -> None:
        key = "error.bad_input" if isinstance(error, BadInput) else "error.failed"
        self.notify(_(key, message=error.text(language())), severity="error", timeout=10, markup=False)

    # -- app-wide actions ------------------------------------------------------------------------------------
    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        bindings = [(key, active.binding) for key, active in in_declared_order(self.screen.active_bindings)]
        self.push_screen(HelpScreen(keys_text(bindings)))

    def action_plugins(self) -> None:
        self.working_screen.background(
            lambda: diagnostics_text(self.workspace.csvc), lambda text: self.push_screen(PluginsScreen(text))
        )

    def action_command_palette(self) -> None:
        if not CommandPalette.is_open(cast(Any, self)):
            self.push_screen(CommandPalette(placeholder=_("palette.placeholder"), id="--command-palette"))

    def action_help_quit(self) -> None:
        self.notify(_("quit.hint"))

    def action_toggle_contrast(self) -> None:
        self.theme = USUAL if self.theme == CONTRAST else CONTRAST

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every described binding of the screen, and the high-contrast theme: any action, by its name."""
        seen: set[str] = set()
        for _key, active in in_declared_order(screen.active_bindings):
            binding = active.binding
            ident = binding.id
            palette = binding.action == "command_palette"
            if ident is None or ident in seen or not binding.description or palette:
                continue
            seen.add(ident)
            yield SystemCommand(
                binding_label(binding),
                binding_tooltip(binding),
                lambda action=binding.action, node=active.node: self.run_action(action, node),  # type: ignore[misc]
            )
        yield SystemCommand(_("palette.contrast"), _("palette.contrast_help"), self.action_toggle_contrast)

    def _fatal_error(self) -> None:
        """An unexpected error: print a traceback WITHOUT local variables (they may hold case data).

        Textual's own traceback shows them and offers no public switch: this override is the one place the
        app reaches into Textual, and it leaves through the public :meth:`panic`."""
        from rich.traceback import Traceback

        self.bell()
        self.panic(Traceback(show_locals=False, width=None))


def build_app(
    settings: TuiSettings | None = None,
    workspace: Workspace | None = None,
    *,
    clock: Callable[[], float] = time.monotonic,
    first: list[CaseRow] | None = None,
) -> CsvcApp:
    """The application, as the CLI runs it and the tests drive it; ``first``: the first page of cases, read
    by a caller that already holds a session (without it, the case list shows "loading" and reads it)."""
    return CsvcApp(settings or TuiSettings(), workspace or Workspace(), clock, first)
