"""Acceptance: the real ``csvc`` in a real terminal (tmux, 80x24), in French: the first person of a small
shelter creates the store, works cases and administers; she adds a colleague from the administration
screen."""

from __future__ import annotations

import time
from pathlib import Path

from csvc_core.store import open_store
from tests.support.constants import PASSPHRASE
from tests.support.terminal import NEEDS_TMUX, csvc_terminal

pytestmark = NEEDS_TMUX


def test_the_first_person_sets_up_her_shelter_then_adds_a_colleague(store_url: str, tmp_path: Path) -> None:
    terminal = csvc_terminal(store_url, tmp_path, "alice")
    try:
        shown = terminal.wait("Premier démarrage")
        assert "Son rôle" in shown and "Intervenante et administratrice" in shown
        # "": Enter on the sector list takes its first sector; her role keeps its default (both).
        for text in ("Maison Aurore", "", "alice", PASSPHRASE, PASSPHRASE):
            if text:
                terminal.type(text)
            terminal.keys("Enter")
            time.sleep(
                1
            )  # the form moves the focus once Enter is read: keys sent sooner land in the field left
        terminal.wait("a : admin", timeout=60)
        terminal.keys("a")
        terminal.wait("alice — intervenante + administration")
        terminal.keys("n")
        terminal.wait("Nom d'utilisateur de la nouvelle personne")
        terminal.type("berthe")
        terminal.keys("Enter")
        terminal.wait("Rôle de berthe")
        terminal.keys("Enter")
        terminal.wait("Phrase de passe de berthe")
        terminal.type(PASSPHRASE)
        terminal.keys("Enter")
        terminal.wait("Répétez la phrase de passe de berthe")
        terminal.type(PASSPHRASE)
        terminal.keys("Enter")
        terminal.wait("berthe — intervenante", timeout=60)
        terminal.quit()
    finally:
        terminal.close()
    with open_store(store_url).unlock("berthe", PASSPHRASE) as berthe:
        assert (berthe.actor.org_name, berthe.actor.role, berthe.actor.administers) == (
            "Maison Aurore",
            "worker",
            False,
        )
