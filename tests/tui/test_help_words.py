"""What F1 and F2 show is words a person reads: keys by the names on her keyboard, plugin hooks by what they
do."""

from __future__ import annotations

import re
from typing import Any

from csvc_tui.screens.info import HelpScreen, PluginsScreen

from csvc_core import hookspecs
from csvc_core.framework import Csvc, HookError
from csvc_core.plugins import new_plugin_manager
from tests.support.tui import screen_of_key

#: Textual's names of keys, as the help showed them before.
KEY_CODES = ("up", "down", "enter", "slash", "escape", "ctrl+q", "ctrl+p", "pagedown", "question_mark")


async def test_f1_names_the_keys_as_the_keyboard_does(make_app: Any, store: Any) -> None:
    screen = await screen_of_key(make_app, "f1", HelpScreen)
    keys = [line.strip().split("  ")[0] for line in str(screen.keys).splitlines()]
    for shown in ("↓ j", "↑ k", "/", "Entrée", "Échap", "Ctrl+Q", "F1", "F12 Ctrl+\\", "Pg suiv"):
        assert shown in keys, (shown, keys)
    for code in KEY_CODES:
        assert not re.search(rf"(^|\s){re.escape(code)}(\s|$)", "\n".join(keys)), (code, keys)


async def test_f2_says_what_each_hook_does(make_app: Any, store: Any) -> None:
    csvc = Csvc(new_plugin_manager())
    csvc.hook_errors.append(HookError("test_deaf", "csvc_case_event", "RuntimeError: listener down"))
    screen = await screen_of_key(make_app, "f2", PluginsScreen, csvc)
    text = str(screen.report)
    assert "recommande des actions selon le niveau" in text
    assert "ajoute des secteurs d'intervention" in text
    hook = "est avisé des changements d'un dossier (actions, événements, concertation)"
    assert f"test_deaf : « {hook} » a échoué — RuntimeError: listener down" in text
    hooks = [name for name in dir(hookspecs) if name.startswith("csvc_")]
    assert hooks and not [hook for hook in hooks if hook in text], text
