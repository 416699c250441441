"""Acceptance: the concertation desk with the real ``csvc`` in tmux at 80x24, in French, each partner at her
own terminal. A worker brings her case to concertation, the répondante signs it, the coordinator takes it to
the committee and records its decision; each sees only the steps the core allows her, and nothing of the case
is left on the terminal after exit. The other users and organisations are set up through the store's API."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from csvc_core.store import Store, concertations
from tests.support.constants import CANARY, PASSPHRASE
from tests.support.terminal import NEEDS_TMUX, Terminal, csvc_terminal
from tests.support.tui_concertation import make_partnership, state_of

pytestmark = NEEDS_TMUX

#: an option of the open choice, between the list's borders.
OPTION = re.compile(r"▊ ([^\s▔▁█▊▎][^▔▁█▊▎]*?)\s*▎")
SIGNATURE = "palier aggravé, menaces de mort"


@pytest.fixture
def partnership(store: Store) -> dict[str, Any]:
    return make_partnership(store)


def answer(terminal: Terminal, prompt: str, text: str) -> None:
    """Once the question ``prompt`` is asked, type ``text`` and Enter."""
    terminal.wait(prompt)
    terminal.type(text)
    terminal.until(lambda shown: text in shown, f"{text!r} typed")
    terminal.keys("Enter")
    terminal.wait_gone(prompt)


def steps_offered(terminal: Terminal, offered: list[str]) -> None:
    """p: the choice of steps holds exactly ``offered``, in that order; the first is taken (Enter)."""
    terminal.keys("p")
    shown = terminal.wait("↑↓ : choisir")
    lines = shown.split("Quelle étape ?")[1].split("↑↓ : choisir")[0].splitlines()
    assert [found.group(1) for line in lines if (found := OPTION.search(line))] == offered
    terminal.keys("Enter")


def open_desk_request(terminal: Terminal) -> str:
    """From the case list: c, the desk, Enter on the most urgent request; its screen."""
    terminal.wait("Dossiers — ")
    terminal.keys("c")
    terminal.wait("Demandes de concertation (1)")
    terminal.keys("Enter")
    return terminal.wait("Étape actuelle :")


def leave(terminal: Terminal) -> str:
    try:
        return terminal.quit()
    finally:
        terminal.close()


def test_a_worker_brings_her_case_and_the_repondante_signs(
    store: Store, store_url: str, partnership: dict[str, Any], tmp_path: Path
) -> None:
    iris = csvc_terminal(store_url, tmp_path, "iris")
    try:
        iris.wait("1 dossier ·")
        iris.keys("Enter")
        iris.wait("aucune demande (c pour en faire une)")
        iris.keys("c")
        iris.wait("[ ] risque élevé visible")
        iris.keys("Space")
        iris.wait("[x] risque élevé visible")
        iris.keys("Enter")
        shown = iris.wait("Étape actuelle : demandée (attend la répondante)")
        assert "Critères : risque élevé visible" in shown and "Aucune étape ne vous revient" in shown
    finally:
        left = leave(iris)
    assert CANARY not in left and "risque élevé" not in left
    assert state_of(partnership)["criteria"] == ["visible_high_risk"]

    rita = csvc_terminal(store_url, tmp_path, "rita")
    try:
        shown = open_desk_request(rita)
        assert f"Dossier {CANARY}" in shown and "4 Imminent" in shown  # her own organisation's case
        assert "À vous (p) : signer et soumettre à la coordination, fermer la demande" in shown
        steps_offered(rita, ["signer et soumettre à la coordination", "fermer la demande"])
        answer(rita, "Votre signature de répondante", SIGNATURE)
        shown = rita.until(
            lambda screen: (
                "Étape actuelle : soumise (attend la coordination)" in screen and SIGNATURE in screen
            ),
            "the submitted step with her signature",
        )
        assert "Aucune étape ne vous revient" in shown
    finally:
        left = leave(rita)
    assert CANARY not in left and SIGNATURE not in left
    record = state_of(partnership)
    assert [step["state"] for step in record["steps"]] == ["requested", "submitted"]
    assert record["steps"][-1]["by"] == "rita" and record["steps"][-1]["note"] == SIGNATURE


def test_the_coordinator_takes_it_to_the_committee_and_records_its_decision(
    store: Store, store_url: str, partnership: dict[str, Any], tmp_path: Path
) -> None:
    request = partnership["worker"].run(concertations.request, partnership["case"], criteria=["escalation"])
    store.unlock("rita", PASSPHRASE).run(concertations.submit, request, SIGNATURE)
    coline = csvc_terminal(store_url, tmp_path, "coline")
    try:
        shown = open_desk_request(coline)
        assert "4 Imminent" in shown and CANARY not in shown  # the level it carries, never the case's name
        assert "À vous (p) : saisir le comité, fermer la demande" in shown
        steps_offered(coline, ["saisir le comité", "fermer la demande"])
        coline.wait("Saisir le comité de coordination de cette demande ?")
        coline.keys("Enter")  # Oui
        shown = coline.wait("À vous (p) : inscrire la décision du comité, fermer la demande")
        assert "Étape actuelle : au comité (attend sa décision)" in shown
        steps_offered(coline, ["inscrire la décision du comité", "fermer la demande"])
        for n, member in enumerate(("Coord Nord", "Sgt Roy", "Interv Côté"), start=1):
            answer(coline, f"Membre {n} sur 3", member)
        coline.wait("Décision du comité :")
        coline.keys("Enter")  # action concertée
        answer(coline, "Raison de la décision", "menaces de mort et séparation")
        shown = coline.wait("À vous (p) : inscrire une rencontre et son plan, fermer la demande")
        assert "Étape actuelle : action concertée (attend la rencontre)" in shown
    finally:
        left = leave(coline)
    assert "menaces de mort" not in left and "Sgt Roy" not in left
    record = state_of(partnership)
    assert record["state"] == "concerted" and record["next_steps"] == ["meeting", "close"]
    assert record["decision"]["members"] == ["Coord Nord", "Sgt Roy", "Interv Côté"]
    assert record["decision"]["concerted_action"]
    assert record["decision"]["reason"] == "menaces de mort et séparation"
    assert [s["by"] for s in record["steps"][-2:]] == ["coline", "coline"]
