"""The real ``csvc`` in a real terminal: one tmux server per terminal, 80x24, keys sent as a person types
them, the screen read back with ``capture-pane``; tmux's own ``#{pane_dead}`` says when the program has
exited.

Every wait is on what the screen shows (never a fixed sleep), up to 30 s: a loaded machine is slower, not
wrong. Skipped only when tmux is missing outside CI (``.ci/run`` installs it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.constants import PASSPHRASE

NEEDS_TMUX = pytest.mark.skipif(
    shutil.which("tmux") is None and not os.environ.get("CI"), reason="tmux is not installed (CI installs it)"
)
WAIT = 30.0


class Terminal:
    """One tmux session running one command; the pane stays after the command exits, to read what is left."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.name = f"csvc-{uuid.uuid4().hex[:8]}"
        self.env = env
        subprocess.run(
            [
                "tmux",
                "-L",
                self.name,
                "new-session",
                "-d",
                "-s",
                self.name,
                "-x",
                "80",
                "-y",
                "24",
                "-e",
                "TERM=xterm-256color",
                *[arg for key, value in env.items() for arg in ("-e", f"{key}={value}")],
                "sh",
            ],
            check=True,
            env={**os.environ, **env},
        )
        self.tmux("set-option", "-t", self.name, "remain-on-exit", "on")
        self.tmux("respawn-pane", "-k", "-t", self.name, " ".join(command))

    def tmux(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-L", self.name, *args], capture_output=True, text=True, check=True)
        return done.stdout

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.name, *keys)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", self.name, "-l", text)

    def screen(self, history: bool = False) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.name, *(("-S", "-") if history else ()))

    def ended(self) -> bool:
        """Whether the command has exited (tmux's own flag: its "Pane is dead" line may come much later)."""
        return self.tmux("display-message", "-p", "-t", self.name, "#{pane_dead}").strip() == "1"

    def until(self, condition: Callable[[str], bool], what: str, timeout: float = WAIT) -> str:
        """The screen, once ``condition(screen)`` holds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.screen()
            if condition(shown):
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{what} never came; screen:\n{self.screen()}")

    def wait(self, text: str, timeout: float = WAIT) -> str:
        return self.until(lambda shown: text in shown, repr(text), timeout)

    def wait_gone(self, text: str, timeout: float = WAIT) -> str:
        return self.until(lambda shown: text not in shown, f"{text!r} gone", timeout)

    def quit(self) -> str:
        """Ctrl+Q, wait until the program has exited; everything the pane still holds, scrollback included."""
        self.keys("C-q")
        deadline = time.monotonic() + WAIT
        while not self.ended() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert self.ended(), f"csvc still runs {WAIT:.0f} s after Ctrl+Q"
        return self.screen(history=True)

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.name, "kill-server"], capture_output=True)


def csvc_terminal(store_url: str, tmp_path: Path, user: str) -> Terminal:
    """``csvc`` (the TUI) at 80x24 for ``user``, in French, on the store ``store_url``."""
    env = {
        "CSVC_STORE": store_url,
        "CSVC_USER": user,
        "CSVC_PASSPHRASE": PASSPHRASE,
        "XDG_DATA_HOME": str(tmp_path / "xdg-data"),
        "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
        "LANG": "C.UTF-8",
    }
    return Terminal([str(Path(sys.executable).with_name("csvc"))], env)


def line_of(screen: str, label: str) -> str:
    """The screen's line that starts with ``label`` (a form row), or ""."""
    return next((line for line in screen.splitlines() if line.strip().startswith(label)), "")
