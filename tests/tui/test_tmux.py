"""Acceptance: the real ``csvc`` in a real terminal (tmux, 80x24), in French, keys sent as a person would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.constants import CANARY, PASSPHRASE
from tests.support.terminal import NEEDS_TMUX, Terminal, csvc_terminal

pytestmark = NEEDS_TMUX


@pytest.fixture
def terminal(store: Any, store_url: str, tmp_path: Path) -> Any:
    opened = csvc_terminal(store_url, tmp_path, "alice")
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
    left = terminal.quit()
    assert CANARY not in left and "Facteurs" not in left and "Dossiers" not in left
