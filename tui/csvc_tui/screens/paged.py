"""A screen whose body runs below 80x24: Page Down / Page Up page through it while the focus stays where it
is, offered (in the key bar too) only while there is more than the screen shows."""

from __future__ import annotations

from typing import ClassVar

from textual.containers import VerticalScroll

from csvc_tui.screens.working import WorkingScreen


class PagedScreen(WorkingScreen[None]):
    """Bind ``scroll_body(1)`` and ``scroll_body(-1)`` (priority: before a list's own page keys); ``BODY`` is
    the selector of the scrolling body."""

    BODY: ClassVar[str]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "scroll_body":
            return self.query_one(self.BODY, VerticalScroll).max_scroll_y > 0
        return True

    def on_resize(self) -> None:
        self.call_after_refresh(self.refresh_bindings)

    def action_scroll_body(self, pages: int) -> None:
        """A page down (1) or up (-1); the focus stays where it is."""
        body = self.query_one(self.BODY, VerticalScroll)
        if pages > 0:
            body.scroll_page_down(animate=False)
        else:
            body.scroll_page_up(animate=False)
