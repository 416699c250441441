"""The result: the proposed level and why (factors, rule, missing answers, flags), the professional's decision
(confirm, or raise with a reason, among the levels the core allows), the actions to accept."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text as RichText
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import SelectionList, Static
from textual.widgets.selection_list import Selection

from csvc_core.explanation import explain
from csvc_core.model import Result
from csvc_tui.keys import bind
from csvc_tui.screens.paged import PagedScreen
from csvc_tui.text import _, language
from csvc_tui.widgets.keybar import KeyBar
from csvc_tui.widgets.level import level_text
from csvc_tui.widgets.ticks import WrappingTicks

if TYPE_CHECKING:
    from csvc_tui.screens.form import FormScreen


def rule_name(kind: str) -> str:
    """A scoring rule by its name in the UI's language (a plugin's own kind by its id)."""
    name = _(f"rule.{kind}")
    return kind if name == f"tui.rule.{kind}" else name


def level_summary(result: Result) -> RichText:
    """The proposal, the rule that gave it, and the professional's decision when she raised it."""
    instrument = result.instrument
    text = RichText()
    text.append(_("result.proposed") + " ")
    text.append_text(level_text(instrument, result.computed_level))
    text.append("  " + _("result.rule", rule=rule_name(result.rule)))
    if result.score is not None:
        text.append(" · " + _("result.score", score=result.score))
    if result.override is not None:
        text.append("\n" + _("result.final") + " ")
        text.append_text(level_text(instrument, result.level))
        text.append("\n" + _("result.override", by=result.override.by or "—", reason=result.override.reason))
    return text


def describe_result(result: Result, vocabulary: dict) -> RichText:
    """Everything that explains the level, in the UI's language: what the rule did, then the rest."""
    lang = language()
    instrument = result.instrument

    def factor_line(item_id: str, factor: str, indent: str) -> None:
        item = instrument.item(item_id)
        wording = vocabulary.get(factor)
        text.append(f"\n{indent}• {item.label.get(lang) if item else item_id}")
        if wording is not None:
            text.append(f" ({wording.get(lang)})", style="dim")

    explanation = explain(instrument, result.rule, result.score, result.computed_level, result.factors, lang)
    codes = {factor.item: factor.factor for factor in result.factors}
    text = RichText()
    text.append(_("result.explained"), style="bold")
    text.append("\n" + explanation.rule)
    for tier in explanation.tiers:
        text.append("\n  " + tier.text)
        for item_id in tier.items:
            factor_line(item_id, codes[item_id], "      ")
    if explanation.thresholds:
        text.append("\n" + explanation.thresholds)
    if explanation.critical:
        text.append("\n" + explanation.critical, style="bold")
    if not explanation.tiers:
        text.append("\n\n")
        text.append(_("result.factors") if result.factors else _("result.no_factors"), style="bold")
        for factor in result.factors:
            factor_line(factor.item, factor.factor, "  ")
    if result.missing:
        text.append("\n\n" + _("result.missing", count=len(result.missing)), style="bold")
        for item_id in result.missing:
            item = instrument.item(item_id)
            text.append(f"\n  ? {item.label.get(lang) if item else item_id}")
    else:
        text.append("\n\n" + _("result.complete"))
    if result.flags:
        text.append("\n\n" + _("result.flags"), style="bold")
        for flag in result.flags:
            label = flag.label.get(lang) if flag.label else _("result.flag_unlabelled", id=flag.id)
            text.append(f"\n  ⚑ {label}", style="bold")
            for item_id in flag.items:
                item = instrument.item(item_id)
                text.append(f"\n      – {item.label.get(lang) if item else item_id}", style="dim")
    text.append("\n\n")
    text.append(
        _("result.reassess", when=result.reassess_by.strftime("%Y-%m-%d %H:%M"))
        if result.reassess_by
        else _("result.no_reassess")
    )
    return text


def action_label(result: Result, index: int, sector_name: Callable[[str], str]) -> str:
    """An action by its name, its sector's (``sector_name``), whether it is required, when it is due."""
    action = result.actions[index]
    parts = [action.label.get(language()) if action.label else action.id, f"[{sector_name(action.sector)}]"]
    if action.mandatory:
        parts.append(_("result.mandatory"))
    if action.due is not None:
        parts.append(_("result.due", due=action.due.strftime("%Y-%m-%d %H:%M")))
    return " ".join(parts)


class ResultScreen(PagedScreen):
    """Decide on a result: confirm (c), raise (h / r), choose the actions (space), page through the
    explanation (Page Down, Page Up), back to the form (Esc)."""

    BODY = "#result-body"
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("result_confirm", "confirm"),
        bind("result_raise", "raise_level"),
        # before the actions list's own page keys: the explanation above it may be taller than the screen
        bind("result_scroll_down", "scroll_body(1)", priority=True),
        bind("result_scroll_up", "scroll_body(-1)", priority=True, show=False),
        bind("back", "back"),
    ]

    def __init__(self, result: Result, vocabulary: dict, *, form: FormScreen) -> None:
        super().__init__(classes="result-screen")
        self.result = result
        self.vocabulary = vocabulary
        self.form = form

    def compose(self) -> ComposeResult:
        title = _("result.title", title=self.result.instrument.title.get(language()))
        yield Static(title, classes="screen-title")
        yield Static(id="result-level")
        with VerticalScroll(id="result-body"):
            yield Static(id="explanation")
            yield Static(
                _("result.actions") if self.result.actions else _("result.no_actions"), classes="heading"
            )
            yield WrappingTicks(id="actions")
        yield KeyBar()

    def on_mount(self) -> None:
        self.show(self.result)
        self.query_one("#actions", SelectionList).focus()

    def show(self, result: Result) -> None:
        """Show ``result`` (after a raise, the new one); accepted actions default to all recommended."""
        self.result = result
        self.query_one("#result-level", Static).update(level_summary(result))
        self.query_one("#explanation", Static).update(describe_result(result, self.vocabulary))
        sector_name = self.csvc_app.workspace.sector_name
        actions = self.query_one("#actions", SelectionList)
        actions.clear_options()
        actions.add_options(
            [
                Selection(action_label(result, i, sector_name), action.id, True)
                for i, action in enumerate(result.actions)
            ]
        )
        actions.display = bool(result.actions)
        body = self.query_one("#result-body", VerticalScroll)
        self.call_after_refresh(body.scroll_home, animate=False)
        self.call_after_refresh(self.refresh_bindings)

    def on_selection_list_selection_toggled(self, event: SelectionList.SelectionToggled) -> None:
        """A mandatory action stays accepted: the partnership's protocol requires it."""
        action = next((a for a in self.result.actions if a.id == event.selection.value), None)
        actions = self.query_one("#actions", SelectionList)
        if action is not None and action.mandatory and action.id not in actions.selected:
            actions.select(action.id)
            self.notify(_("result.mandatory_kept"), severity="warning")

    def accepted(self) -> list[str]:
        return list(self.query_one("#actions", SelectionList).selected)

    def action_confirm(self) -> None:
        """The professional confirmed the level, with the accepted actions: recorded (csvc_tui.assessment)."""
        from csvc_tui.assessment import record

        record(self, self.accepted())

    def action_raise_level(self) -> None:
        """Another level, with a reason (the core decides if it is allowed): asked in a worker of this
        screen."""
        from csvc_tui.assessment import raise_level

        self.run_worker(raise_level(self), exclusive=True, group="raise")

    def action_back(self) -> None:
        self.dismiss()
