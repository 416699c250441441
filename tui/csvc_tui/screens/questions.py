"""The questions a concertation step asks, one dialog after another, awaited in a worker of the screen that
asks them; a store answer awaited the same way."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar, cast

from textual.screen import Screen
from textual.widgets import Input

from csvc_core.errors import CsvcError
from csvc_tui.screens.ask import AskChoice, AskText
from csvc_tui.screens.concertation_text import local, moment_of, parse_local, refusal
from csvc_tui.screens.working import WorkingScreen
from csvc_tui.text import _

T = TypeVar("T")


async def fetch(screen: WorkingScreen[Any], work: Callable[[], T]) -> T | None:
    """``work()`` awaited in a thread worker of ``screen``; None when the store refused (said so)."""

    def failed(error: CsvcError) -> None:
        screen.app.notify(refusal(error), severity="error", timeout=15, markup=False)

    return await screen.answer(work, failed, group="cell")


class Questions:
    """The modal questions of a step, asked one after the other from a worker of ``screen``.

    Each answer is noted with its question, so that a lock loses none: :meth:`snapshot` is the step's draft
    (the answers, and the line being typed). Given that draft again, the same questions take their answers
    back without showing, as long as they come in the same order and still fit (the request may have changed
    meanwhile: from the first that does not, they are asked again); the line typed comes back in its question.
    """

    def __init__(self, screen: Screen[Any], draft: Mapping[str, Any] | None = None) -> None:
        self.app = screen.app
        self.given: list[list[Any]] = []  # [question, answer], in the order asked
        self.replay: list[list[Any]] = [list(pair) for pair in (draft or {}).get("answers", ())]
        typing = (draft or {}).get("typing")
        self.typing: list[str] | None = list(typing) if typing else None
        self.asking: tuple[str, AskText] | None = None

    def snapshot(self) -> dict[str, Any]:
        """The answers so far (and those not asked again yet), and the line being typed."""
        typing = self.typing
        if self.asking is not None and self.asking[1].is_attached:
            prompt, screen = self.asking
            typing = [prompt, screen.query_one("#answer", Input).value]
        return {"answers": [*self.given, *self.replay], "typing": typing}

    def replayed(self, prompt: str, fits: Callable[[Any], bool]) -> tuple[bool, Any]:
        """The answer given to ``prompt`` before the lock, when it comes next and still ``fits``."""
        if self.replay and self.replay[0][0] == prompt and fits(self.replay[0][1]):
            answer = self.replay.pop(0)[1]
            self.given.append([prompt, answer])
            return True, answer
        self.replay = []
        return False, None

    def note(self, prompt: str, answer: T) -> T:
        self.given.append([prompt, answer])
        return answer

    async def line(self, prompt: str, value: str, error: str) -> str | None:
        """One line typed in a question: ``value`` offered, or what was being typed in it at the lock."""
        resumed = self.typing is not None and self.typing[0] == prompt
        if self.typing is not None and resumed:
            value, self.typing = self.typing[1], None
        screen = AskText(prompt, value, error=error, resumed=resumed)
        self.asking = (prompt, screen)
        try:
            return await self.app.push_screen(screen, wait_for_dismiss=True)
        finally:
            self.asking = None

    async def text(self, prompt: str, value: str = "", *, required: bool = False) -> str | None:
        found, given = self.replayed(prompt, lambda answer: answer is None or isinstance(answer, str))
        if found:
            return cast("str | None", given)
        error = ""
        while True:
            answer = await self.line(prompt, value, error)
            if answer is None or not required or answer.strip():
                return self.note(prompt, answer.strip() if answer is not None else None)
            error = _("cell.required")

    async def choice(self, prompt: str, choices: Sequence[tuple[str, object]]) -> str | None:
        offered = {key for key, _label in choices}
        found, given = self.replayed(prompt, lambda answer: answer is None or answer in offered)
        if found:
            return cast("str | None", given)
        answer = await self.app.push_screen(AskChoice(prompt, choices), wait_for_dismiss=True)
        return self.note(prompt, answer)

    async def confirm(self, prompt: str) -> bool:
        answer = await self.choice(prompt, [("yes", _("cell.yes")), ("no", _("cell.no"))])
        return answer == "yes"

    async def moment(
        self,
        prompt: str,
        value: str,
        *,
        end_of_day: bool = False,
        after: datetime | None = None,
        not_future: bool = False,
        not_before: datetime | None = None,
        exact: datetime | None = None,
    ) -> datetime | None:
        """A moment typed in local time; ``value`` left as offered stands for ``exact`` (e.g. now, to the
        second)."""
        found, given = self.replayed(prompt, lambda answer: answer is None or moment_of(answer) is not None)
        if found:
            return moment_of(given)
        error, offered = "", value
        while True:
            answer = await self.line(prompt, value, error)
            if answer is None:
                return self.note(prompt, None)
            moment = (
                exact
                if exact is not None and answer == offered
                else parse_local(answer, end_of_day=end_of_day)
            )
            if moment is None:
                error = _("cell.bad_date", value=answer)
            elif not_future and moment > datetime.now().astimezone():
                error = _("cell.future_date")
            elif not_before is not None and moment < not_before:
                error = _("cell.before_previous", at=local(not_before))
            elif after is not None and moment <= after:
                error = _("cell.due_after", at=local(after))
            else:
                self.note(prompt, moment.isoformat())
                return moment
            value = answer


# -- the desk ------------------------------------------------------------------------------------------------
