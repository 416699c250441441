"""Acceptance: the real ``csvc`` in a real terminal (tmux, 80x24), in French, keys sent as a person would.

Skipped only when tmux is missing outside CI (``.ci/run`` installs it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.tui.conftest import CANARY, PASSPHRASE

pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None and not os.environ.get("CI"), reason="tmux is not installed (CI installs it)"
)


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

    def wait(self, text: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; screen:\n{self.screen()}")

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.name, "kill-server"], capture_output=True)


@pytest.fixture
def terminal(store: Any, store_url: str, tmp_path: Path) -> Any:
    env = {
        "CSVC_STORE": store_url,
        "CSVC_USER": "alice",
        "CSVC_PASSPHRASE": PASSPHRASE,
        "XDG_DATA_HOME": str(tmp_path / "xdg-data"),
        "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
        "LANG": "C.UTF-8",
    }
    csvc = str(Path(sys.executable).with_name("csvc"))
    opened = Terminal([csvc], env)
    yield opened
    opened.close()


def test_a_person_at_an_80x24_terminal(terminal: Terminal) -> None:
    terminal.wait("Dossiers — alice")
    terminal.keys("n")
    terminal.wait("Nom ou référence du nouveau dossier")
    terminal.type(CANARY)
    terminal.keys("Enter")
    terminal.wait(f"Dossier — {CANARY}")
    terminal.keys("e")
    terminal.wait("Quel instrument ?")
    terminal.keys("Enter")
    terminal.wait("Pour quelle personne ?")
    terminal.keys("Enter")
    terminal.wait("Facteurs chroniques")
    shown = terminal.wait("o Oui")
    assert "f12 Masquer" in shown
    terminal.keys("o", "n", "i")
    shown = terminal.wait("3/")
    assert "Oui" in shown and "Inconnu" in shown
    terminal.keys("F12")
    shown = terminal.wait("Verrouillé")
    assert CANARY not in shown and "Facteurs" not in shown
    terminal.type(PASSPHRASE)
    terminal.keys("Enter")
    terminal.wait("Facteurs chroniques")  # the form is back, with its answers
    terminal.keys("C-q")
    deadline = time.monotonic() + 20
    while not terminal.ended() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert terminal.ended(), "csvc still runs 20 s after Ctrl+Q"
    left = terminal.screen(history=True)
    assert CANARY not in left and "Facteurs" not in left and "Dossiers" not in left
