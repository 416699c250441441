"""Help (F1: the keys of the screen below, and what the privacy screen does NOT protect against) and the
plugin diagnostics (loaded, failed with their error, disabled, instrument problems, hook errors)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text as RichText
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from csvc_core.framework import Csvc
from csvc_core.i18n import word
from csvc_core.problems import worded
from csvc_tui.keys import bind, binding_label, binding_tooltip, key_label
from csvc_tui.text import _, language
from csvc_tui.widgets.keybar import KeyBar


def keys_text(bindings: Iterable[tuple[str, Binding]]) -> RichText:
    """``↓ j  label — tooltip`` for each of our bindings (a family, the digits, once): all its keys, named
    as a person reads them, its label and tooltip in the chosen language."""
    keys: dict[str, list[str]] = {}
    described: dict[str, Binding] = {}
    for key, binding in bindings:
        if binding.id is None:
            continue  # Textual's own bindings (no id) speak English only: the help lists ours
        family = binding.description  # the binding's id, or its family's (answer_digit): see bind()
        described.setdefault(family, binding)
        shown = binding.key_display or key_label(key)
        if shown not in keys.setdefault(family, []):
            keys[family].append(shown)
    text = RichText()
    for family, binding in described.items():
        text.append(f"{' '.join(keys[family]):>14}  ", style="bold")
        text.append(binding_label(binding))
        if tooltip := binding_tooltip(binding):
            text.append(f" — {tooltip}", style="dim")
        text.append("\n")
    return text


class HelpScreen(ModalScreen[None]):
    """The keys of the screen it was opened from, then the honest limits of the privacy screen."""

    BINDINGS: ClassVar[list[BindingType]] = [bind("back", "close")]

    def __init__(self, keys: RichText) -> None:
        super().__init__(classes="info")
        self.keys = keys

    def compose(self) -> ComposeResult:
        yield Static(_("help.title"), classes="screen-title")
        with VerticalScroll():
            yield Static(_("help.privacy_title"), classes="heading")
            yield Static(_("help.privacy"), id="help-privacy")
            yield Static(_("help.limits_title"), classes="heading")
            yield Static(_("help.limits"), id="help-limits")
            yield Static(_("help.keys"), classes="heading")
            yield Static(self.keys, id="help-keys")
        yield KeyBar()

    def action_close(self) -> None:
        self.dismiss()


def diagnostics_text(csvc: Csvc) -> RichText:
    text = RichText()
    text.append(_("plugins.loaded") + "\n", style="bold")
    for info in csvc.pm.plugin_infos():
        text.append(f"  ✓ {info.name} {info.version or ''}\n", style="bold")
        for hook in info.hooks:
            text.append(f"      {word('hook', hook, language())}\n", style="dim")
    failures = csvc.pm.failures
    text.append("\n" + (_("plugins.failed") if failures else _("plugins.none_failed")) + "\n", style="bold")
    for failure in failures:
        text.append(f"  ✗ {failure.name} {failure.version or ''}\n", style="bold")
        text.append(f"      {failure.error}\n")
    if csvc.pm.disabled:
        text.append("\n" + _("plugins.disabled", names=", ".join(csvc.pm.disabled)) + "\n")
    problems = csvc.catalogue.problems
    text.append("\n" + (_("plugins.problems") if problems else _("plugins.no_problems")) + "\n", style="bold")
    for problem in problems:
        text.append(f"  ✗ {worded(problem, language())}\n")
    if csvc.hook_errors:
        text.append("\n" + _("plugins.hook_errors") + "\n", style="bold")
        for error in csvc.hook_errors:
            hook = word("hook", error.hook, language())
            line = _("plugins.hook_error", plugin=error.plugin, hook=hook, error=error.error)
            text.append(f"  ✗ {line}\n")
    text.append("\n" + _("plugins.instruments", count=len(csvc.catalogue.instruments)))
    return text


class PluginsScreen(ModalScreen[None]):
    """What is loaded and what failed, as ``csvc plugins`` shows it."""

    BINDINGS: ClassVar[list[BindingType]] = [bind("back", "close")]

    def __init__(self, report: RichText) -> None:
        super().__init__(classes="info")
        self.report = report

    def compose(self) -> ComposeResult:
        yield Static(_("plugins.title"), classes="screen-title")
        with VerticalScroll():
            yield Static(self.report, id="plugins-report")
        yield KeyBar()

    def action_close(self) -> None:
        self.dismiss()
