"""Acceptance: a shelter worker records an art. 60.4 disclosure to the police with the real ``csvc`` in tmux
at 80x24, in French, from the keyboard only; the store, read by the real CLI in a subprocess, holds it with
its basis, fields and reasons, and the audit has it; after exit nothing of the case is left on the terminal.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from csvc_core.store import Store, disclosures, drafts
from csvc_core.store.schema import audit_log
from tests.support.cli import run_csvc
from tests.support.constants import CANARY, PASSPHRASE
from tests.support.terminal import NEEDS_TMUX, Terminal, csvc_terminal, line_of
from tests.support.tui_sharing import PHONE, POLICE, VICTIM, make_world

pytestmark = NEEDS_TMUX

TYPED = {
    "Qui est exposé": "la victime et ses deux enfants",
    "Ce qui crée l'urgence": "il a annoncé venir ce soir",
    "Motif raisonnable de croire": "menaces de mort, arme au domicile",
    "Acte de violence à prévenir": "homicide conjugal",
    "Danger identifié": "arme à feu accessible",
}


def fill(terminal: Terminal, label: str, text: str) -> None:
    """Tab to the next field, type ``text``; it is on the row ``label`` before going on."""
    terminal.keys("Tab")
    terminal.type(text)
    terminal.until(lambda shown: text in line_of(shown, label), f"{text!r} on the row {label!r}")


def pick(terminal: Terminal, label: str, downs: int, chosen: str) -> None:
    """Tab to the choice ``label``, open it with Enter, ``downs`` arrows down, Enter: ``chosen`` is shown."""
    terminal.keys("Tab")
    terminal.until(lambda shown: "(choisir : Entrée)" in line_of(shown, label), f"the choice {label!r}")
    terminal.keys("Enter")
    terminal.wait("Fermer la liste")  # the open list has the keys now
    terminal.keys(*["Down"] * downs, "Enter")
    terminal.until(
        lambda shown: chosen in line_of(shown, label) and "Fermer la liste" not in shown, f"{chosen!r} chosen"
    )


def tick(terminal: Terminal, downs: int, label: str) -> None:
    """From the top of the focused list, arrows down ``downs`` times and Space: ``label`` is ticked."""
    terminal.keys(*["Down"] * downs, "Space")
    terminal.until(lambda shown: f"▐X▌ {label}" in shown, f"{label!r} ticked")


@pytest.fixture
def case_id(store: Store) -> str:
    """Maison Aurore (a shelter): berthe, a worker, holds one case with a victim; Police Rivière a partner."""
    return make_world(store).case_id


def test_a_shelter_worker_discloses_to_the_police(
    store: Store, store_url: str, case_id: str, tmp_path: Path
) -> None:
    berthe = store.unlock("berthe", PASSPHRASE)
    offered = list(berthe.run(disclosures.offered_fields, case_id))
    terminal = csvc_terminal(store_url, tmp_path, "berthe")
    try:
        terminal.wait("1 dossier ·")
        terminal.keys("Enter")
        terminal.wait("p Partage")
        terminal.keys("p")
        shown = terminal.wait("Rien n'a été transmis.")
        assert "u Urgence 60.4" in shown  # the urgent key is announced on the bar, at 80 columns
        terminal.keys("u")
        shown = terminal.wait("cochez au moins un")
        assert "^s Vérifier" in shown  # Ctrl+S checks; only the summary records
        # 1. the serious risk, 2. who is exposed, 3. the urgency and its imminence; the grounds
        terminal.keys("Space")
        terminal.wait("▐X▌ mort")
        fill(terminal, "Qui est exposé", TYPED["Qui est exposé"])
        fill(terminal, "Ce qui crée l'urgence", TYPED["Ce qui crée l'urgence"])
        pick(terminal, "Imminence", 2, "dans les heures")
        for label in ("Motif raisonnable de croire", "Acte de violence à prévenir", "Danger identifié"):
            fill(terminal, label, TYPED[label])
        # the recipient: a person able to help, the police, the partner organisation (it names her)
        pick(terminal, "Catégorie de destinataire", 3, "en mesure de porter secours")
        pick(terminal, "Rôle du destinataire", 1, "police")
        pick(terminal, "Organisation partenaire", 1, POLICE)
        terminal.until(lambda shown: POLICE in line_of(shown, "Nom (personne ou service)"), "the name")
        # the fields, none ticked beforehand: the victim's name and her safe contact, one by one
        terminal.keys("Tab", "Tab", "Tab")
        shown = terminal.wait("victime 1 — contact sécuritaire")
        assert "▐X▌ victime" not in shown and "▐X▌ nom du dossier" not in shown
        tick(terminal, offered.index("victim.1.name"), "victime 1 — nom")
        downs = offered.index("victim.1.safe_contact") - offered.index("victim.1.name")
        tick(terminal, downs, "victime 1 — contact sécuritaire")
        terminal.keys("C-s")  # checked by the core's guards: the summary, nothing recorded yet
        shown = terminal.wait("Rien n'est encore inscrit")
        for label, text in TYPED.items():
            assert f"{label} : {text}" in shown
        assert "Risque sérieux : mort" in shown and "Imminence : dans les heures" in shown
        assert f"Nom (personne ou service) : {POLICE}" in shown and "Rôle du destinataire : police" in shown
        assert "Renseignements transmis (2)" in shown and "• victime 1 — contact sécuritaire" in shown
        assert "i Inscrire" in shown and berthe.run(disclosures.list_disclosures, case_id) == []
        terminal.keys("i")
        shown = terminal.wait("Communication (sans consentement, art. 60.4) → Police")
        assert "Transmis : victime 1 — nom, victime 1 — contact sécuritaire" in shown
        terminal.keys("Escape")
        terminal.wait("e Évaluer")
        terminal.keys("Escape")
        terminal.wait("Dossiers — berthe")
        left = terminal.quit()
    finally:
        terminal.close()
    for secret in (CANARY, VICTIM, PHONE, "homicide conjugal"):
        assert secret not in left

    # the store, through the real CLI: the disclosure, its basis, fields and reasons
    as_berthe = {"CSVC_STORE": store_url, "CSVC_USER": "berthe", "CSVC_PASSPHRASE": PASSPHRASE}
    listed = run_csvc("disclose", "list", "--case", case_id, "--json", env=as_berthe)
    assert listed.returncode == 0, listed.stderr
    [made] = json.loads(listed.stdout)
    assert made["fields"] == ["victim.1.name", "victim.1.safe_contact"] and made["recipient_org"] == POLICE
    shown = run_csvc("disclose", "show", made["id"], "--json", env=as_berthe)
    entry = json.loads(shown.stdout)
    assert (entry["recipient_category"], entry["recipient_kind"], entry["discloser"]) == (
        "able_to_help",
        "police",
        "berthe",
    )
    assert entry["harms"] == ["death"] and entry["imminence"] == "hours"
    assert {
        label: entry[key]
        for label, key in zip(
            TYPED, ("exposed", "urgency", "reasonable_cause", "violence", "danger"), strict=True
        )
    } == TYPED
    assert entry["sent"]["victim.1.name"] == VICTIM and entry["sent"]["victim.1.safe_contact"]["safe_to_call"]
    start = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    end = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    register = run_csvc(
        "disclose", "register", "--from", start, "--to", end, "--format", "json", env=as_berthe
    )
    [line] = json.loads(register.stdout)
    assert (line["kind"], line["basis"], line["recipient"]) == ("disclosure", "art_60_4", POLICE)
    assert line["purpose"] == "homicide conjugal"
    # the audit: the disclosure's entry, on its basis, naming the fields (never their values), chain intact
    with store.engine.connect() as connection:
        rows = connection.execute(select(audit_log).where(audit_log.c.action == "disclosure.create")).all()
    [row] = rows
    detail = json.loads(row.detail)
    assert row.case_id == case_id and detail["disclosure"] == made["id"] and detail["basis"] == "art_60_4"
    assert detail["fields"] == ["victim.1.name", "victim.1.safe_contact"]
    assert VICTIM not in row.detail and PHONE not in row.detail
    verified = run_csvc("audit", "verify", env=as_berthe)
    assert verified.returncode == 0, verified.stderr
    assert (
        berthe.run(drafts.read_draft, case_id, "sharing:disclosure") is None
    )  # recorded: the typed draft is gone
