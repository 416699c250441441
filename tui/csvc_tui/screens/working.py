"""A screen that reaches the store (or plugins) in threads it owns: each answer comes back to that screen as a
message, so a screen that is gone (locked, closed) never receives one, and a screen under a dialog still
receives its own."""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker, WorkerFailed

from csvc_core.errors import CsvcError

if TYPE_CHECKING:
    from csvc_tui.app import CsvcApp

T = TypeVar("T")
R = TypeVar("R")
A = TypeVar("A")


class WorkingScreen(Screen[R]):
    """A screen of csvc's app whose store work runs in its own thread workers."""

    class Answered(Message, bubble=False):
        """What a thread of this screen brought back, and what to do with it."""

        def __init__(self, callback: Callable[[Any], Any], value: Any) -> None:
            super().__init__()
            self.callback = callback
            self.value = value

    @property
    def csvc_app(self) -> CsvcApp:
        return cast("CsvcApp", self.app)

    def background(
        self,
        work: Callable[[], T],
        done: Callable[[T], Any],
        failed: Callable[[CsvcError], Any] | None = None,
        group: str = "store",
    ) -> Worker[None]:
        """Run ``work`` in a thread worker of this screen: ``done(value)`` or ``failed(error)`` (by default
        the app's error line) back on this screen, unless it is gone meanwhile. The thread hands its answer
        over without waiting for the screen to take it: a thread blocked on an app that is closing would keep
        the process alive after Ctrl+Q."""
        report = failed or self.csvc_app.report_error

        def hand_over(callback: Callable[[Any], Any], value: Any) -> None:
            # RuntimeError: the event loop closed meanwhile, or the screen left the app: the answer is dropped
            with contextlib.suppress(RuntimeError):
                self.post_message(self.Answered(callback, value))

        def run() -> None:
            try:
                value = work()
            except CsvcError as exc:
                hand_over(report, exc)
                return
            hand_over(done, value)

        return self.run_worker(run, thread=True, group=group, name=group)

    async def answer(
        self, work: Callable[[], T], failed: Callable[[CsvcError], Any] | None = None, group: str = "store"
    ) -> T | None:
        """``work()`` in a thread worker of this screen, awaited (in a worker of this screen: a dialog chain);
        None when the core or the store refused, said by ``failed`` (by default the app's error line). The
        screen gone meanwhile, its workers are cancelled, and what awaits this one with them."""
        worker = self.run_worker(work, thread=True, group=group, name=group, exit_on_error=False)
        try:
            return await worker.wait()
        except WorkerFailed as failure:
            if not isinstance(failure.error, CsvcError):
                raise
            (failed or self.csvc_app.report_error)(failure.error)
            return None

    async def ask(self, dialog: Screen[A]) -> A:
        """The answer to ``dialog`` (a dialog left with Esc answers None), awaited in a worker of this screen:
        a chain of questions is one worker that asks them in turn."""
        return await self.app.push_screen(dialog, wait_for_dismiss=True)

    async def on_working_screen_answered(self, message: Answered) -> None:
        # not while the app shuts down: it takes the screens' widgets away before the screens themselves
        if self.app.is_running and self.is_attached:
            answered = message.callback(message.value)
            if inspect.isawaitable(answered):
                await answered
