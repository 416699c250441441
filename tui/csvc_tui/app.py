"""The csvc application: a locked side (setup, unlock) and a working side (cases, forms, results), kept as two
Textual modes so that locking drops the whole working stack at once.

Build it with :func:`build_app` (the CLI and the tests use the same factory), once the language is chosen
(:func:`csvc_tui.text.set_language`): its keys are set as the app is built.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import PurePath
from typing import Any, ClassVar, TypeVar, cast

from textual import events
from textual.app import App, SystemCommand
from textual.binding import BindingType
from textual.command import CommandPalette
from textual.screen import Screen
from textual.worker import Worker

from csvc_core.errors import BadInput, CsvcError
from csvc_core.model import Result
from csvc_tui.form import FormState
from csvc_tui.keys import bind, binding_label, binding_tooltip, in_declared_order, language_keymap
from csvc_tui.screens.ask import AskChoice, AskText
from csvc_tui.screens.case import CaseScreen
from csvc_tui.screens.form import FormScreen
from csvc_tui.screens.info import HelpScreen, PluginsScreen, diagnostics_text, keys_text
from csvc_tui.screens.result import ResultScreen
from csvc_tui.screens.working import WorkingScreen, thread_body
from csvc_tui.settings import TuiSettings
from csvc_tui.text import _, language
from csvc_tui.themes import CONTRAST, THEMES, USUAL
from csvc_tui.workspace import Drafting, Workspace

T = TypeVar("T")
LOCKED, WORK = "locked", "work"
_TAKEN = object()  # an answer the screen took while it was being built (CsvcApp.background_soon)
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

    def __init__(self, settings: TuiSettings, workspace: Workspace, clock: Callable[[], float]) -> None:
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
        self.add_mode(WORK, self._home)
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
        self.background(lambda: self.workspace.lock(closing, drafts), lambda _: None)

    async def unlocked(self, _value: object = None) -> None:
        """The session is open: show the cases (and reopen the forms left open at the last lock: an
        assessment over its case, a concertation request over the desk, its step resumed)."""
        from csvc_tui.screens.concertation import ConcertationScreen
        from csvc_tui.screens.concertation_desk import ConcertationsScreen

        self.last_activity = self.clock()
        await self.switch_mode(WORK)  # lays the screen out: no second layout asked for here
        await self.remove_mode(LOCKED)
        self.add_mode(LOCKED, self._gate)
        for reopened in self.workspace.take_reopened():
            if reopened.form is not None:
                state = reopened.form
                self.push_screen(CaseScreen(reopened.case_id))
                self.push_screen(FormScreen(state, self.form_title(state), case_id=reopened.case_id))
            elif reopened.concertation is not None:
                self.push_screen(ConcertationsScreen())
                self.push_screen(ConcertationScreen(reopened.concertation))

    # -- the assessment flow ---------------------------------------------------------------------------------
    def open_case(self, case_id: str, label: str | None = None) -> None:
        self.push_screen(CaseScreen(case_id, label))

    def form_title(self, state: FormState) -> str:
        return _(
            "form.title",
            title=state.instrument.title.get(language()),
            protagonist=_(f"protagonist.{state.protagonist}"),
        )

    async def choose_instrument(self, screen: WorkingScreen[Any], case_id: str) -> None:
        """Instrument (those of the user's sector, and the shared grid), then protagonist, then the form: the
        questions awaited in turn, in a worker of ``screen``."""
        workspace = self.workspace
        instruments = await screen.answer(workspace.instruments, group="plugins")
        if instruments is None:
            return
        choices = [(i.id, f"{i.title.get(language())} (v{i.version})") for i in instruments]
        asked = AskChoice(_("assess.instrument"), choices)
        instrument_id = await self.push_screen(asked, wait_for_dismiss=True)
        if instrument_id is None:
            return
        instrument = {i.id: i for i in instruments}[instrument_id]
        protagonist = instrument.protagonists[0]
        if len(instrument.protagonists) > 1:
            people = [(p, _(f"protagonist.{p}")) for p in instrument.protagonists]
            person = await self.push_screen(AskChoice(_("assess.protagonist"), people), wait_for_dismiss=True)
            if person is None:
                return
            protagonist = person
        state = await screen.answer(lambda: workspace.cases.form_for(case_id, instrument, protagonist))
        if state is not None:
            self.push_screen(FormScreen(state, self.form_title(state), case_id=case_id))

    def on_form_screen_changed(self, message: FormScreen.Changed) -> None:
        """Save the draft as it is now, once the answer is on screen: the store thread would otherwise compete
        with the screen update for the interpreter (a lock meanwhile saves the open forms itself)."""
        form = message.form
        case_id, draft = form.case_id, form.state.draft()
        self.call_after_refresh(
            self.background,
            lambda: self.workspace.cases.save_draft(case_id, draft),
            lambda _: None,
            group="draft",
        )

    def on_form_screen_finished(self, message: FormScreen.Finished) -> None:
        form = message.form
        payload = form.state.payload()
        self.background(
            lambda: self.workspace.cases.preview(form.case_id, form.state.instrument.id, payload),
            lambda result: self.push_screen(ResultScreen(result, self.workspace.csvc.vocabulary, form=form)),
        )

    def on_result_screen_raise_asked(self, message: ResultScreen.RaiseAsked) -> None:
        screen = message.screen_
        screen.run_worker(self.raise_level(screen), exclusive=True, group="raise")

    async def raise_level(self, screen: ResultScreen) -> None:
        """The levels she may choose, as the core allows them (never one below the computed level when the
        instrument forbids lowering it), then the reason: asked in turn, in a worker of the result screen."""
        from csvc_core.framework import allowed_levels
        from csvc_tui.widgets.level import level_text

        result = screen.result
        allowed = allowed_levels(result.instrument, result.computed_level)
        levels = [
            (level.id, " ".join(level_text(result.instrument, level.id).plain.split())) for level in allowed
        ]
        prompt = _("result.raise_prompt")
        if len(allowed) < len(result.instrument.levels):
            prompt += "\n" + _("result.lowering_not_offered")
        asked = AskChoice(prompt, levels, result.computed_level)
        level = await self.push_screen(asked, wait_for_dismiss=True)
        if level is None:
            return
        chosen = result.instrument.level(level)
        label = chosen.label.get(language()) if chosen else level
        told = AskText(_("result.reason_prompt", level=label))
        reason = await self.push_screen(told, wait_for_dismiss=True)
        if reason is None:
            return
        form = cast(FormScreen, screen.form)
        payload = {
            **form.state.payload(),
            "override": {"level": level, "reason": reason, "by": self.workspace.user_name},
        }

        def refused(error: CsvcError) -> None:
            message = _("error.bad_input", message=error.text(language()))
            self.notify(message, severity="error", timeout=15, markup=False)

        workspace = self.workspace
        screen.background(
            lambda: workspace.cases.preview(form.case_id, form.state.instrument.id, payload),
            screen.show,
            refused,
        )

    def on_result_screen_confirmed(self, message: ResultScreen.Confirmed) -> None:
        screen = message.screen_
        form = cast(FormScreen, screen.form)
        result: Result = screen.result
        payload = form.state.payload()
        if result.override is not None:
            override = result.override
            payload["override"] = {"level": override.level, "reason": override.reason, "by": override.by}
        payload["assessed_at"] = result.assessed_at.isoformat()
        case_id = form.case_id

        def recorded(_value: object) -> None:
            self.pop_screen()
            self.pop_screen()
            self.notify(_("result.saved"))

        self.background(
            lambda: self.workspace.cases.record(case_id, result.instrument.id, payload, message.actions),
            recorded,
        )

    # -- background work -------------------------------------------------------------------------------------
    def background(
        self,
        work: Callable[[], T],
        done: Callable[[T], Any],
        failed: Callable[[CsvcError], Any] | None = None,
        group: str = "store",
    ) -> Worker[None]:
        """Run ``work`` in a thread (store, plugins): ``done(value)`` or ``failed(error)`` back on the UI.

        The answer is dropped when the screen that asked is gone meanwhile (locked, closed): nothing is drawn
        on a screen that no longer exists, and nothing of a case reaches the lock screen. The thread hands its
        answer over without waiting for the UI to take it: a thread blocked on an app that is closing would
        keep the process alive after Ctrl+Q.
        """
        return self.run_worker(self._handing_over(work, done, failed), thread=True, group=group, name=group)

    def background_soon(self, work: Callable[[], T], done: Callable[[T], Any], *, wait: float) -> list[T]:
        """:meth:`background` for a screen being built, which waits up to ``wait`` seconds for the answer:
        ``[value]`` when it came in time, to be drawn in the screen's first update (the thread would otherwise
        compete with the drawing for the interpreter, and the answer show one update later). Slower (a distant
        server): ``[]``, and ``done(value)`` later as with :meth:`background`.

        A plain thread: a Textual worker would start only once the screen is built.
        """
        came, lock = threading.Event(), threading.Lock()
        taken: list[T] = []
        late = False

        def offer() -> Any:
            try:
                value = work()
                with lock:
                    if not late:
                        taken.append(value)
                        return _TAKEN
                return value
            finally:
                came.set()

        def deliver(value: Any) -> None:
            if value is not _TAKEN:
                done(value)

        threading.Thread(target=self._handing_over(offer, deliver, None), daemon=True).start()
        came.wait(wait)
        with lock:
            late = True
        return taken

    def _handing_over(
        self, work: Callable[[], T], done: Callable[[T], Any], failed: Callable[[CsvcError], Any] | None
    ) -> Callable[[], None]:
        """What a thread runs: ``work``, then its answer handed to the UI for the screen showing now."""
        owner = self.screen

        def deliver(callback: Callable[[Any], Any], value: Any) -> Any:
            # not while the app shuts down: it takes the screens' widgets away before the screens themselves
            if self.is_running and owner.is_attached and owner in self.screen_stack:
                return callback(value)
            return None

        def hand_over(callback: Callable[[Any], Any], value: Any) -> None:
            # RuntimeError: the event loop closed meanwhile; the app is gone, and the answer with it
            with contextlib.suppress(RuntimeError):
                self.call_later(deliver, callback, value)

        return thread_body(work, done, failed or self.report_error, hand_over)

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
        self.background(
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
) -> CsvcApp:
    """The application, as the CLI runs it and the tests drive it."""
    return CsvcApp(settings or TuiSettings(), workspace or Workspace(), clock)
