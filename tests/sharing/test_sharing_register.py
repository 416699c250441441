"""Shares under consent, and the register of communications for a period (golden files)."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import pytest

from csvc_core.sharing.consent import withdraw
from csvc_core.sharing.handover import LAW, Basis, refer, transfer
from csvc_core.sharing.reasons import Incomplete, Refused
from csvc_core.sharing.register import for_period, from_disclosure, from_handover, from_share, to_csv
from csvc_core.sharing.share import share_under_consent
from tests.support.sharing_world import (
    HEALTH,
    POLICE,
    SHELTER,
    T0,
    WORKER,
    YOUTH,
    YOUTH_CONSENT,
    actor,
    police_disclosure,
)

GOLDEN = Path(__file__).parent / "golden"
CONSENT = YOUTH_CONSENT


def share(at=T0 + timedelta(hours=1), categories=("children",), consents=(CONSENT,), by=WORKER, **changes):
    values = dict(
        id="s1",
        case="case-1",
        actor=by,
        consents=consents,
        categories=categories,
        recipient=YOUTH,
        at=at,
        purpose="protection des enfants",
    )
    values.update(changes)
    return share_under_consent(**values)


def test_a_share_rests_on_the_consents_in_force() -> None:
    done = share(categories=("children", "risk_level"))
    assert done.consents == ("c1",) and done.categories == {"children", "risk_level"}


def test_a_share_is_refused_after_withdrawal_outside_the_consent_or_by_an_admin() -> None:
    withdrawn = withdraw(CONSENT, at=T0 + timedelta(minutes=30), by=WORKER.user)
    with pytest.raises(Refused, match="retiré"):
        share(consents=(withdrawn,))
    with pytest.raises(Refused, match="health"):
        share(categories=("health",))
    with pytest.raises(Refused, match="children"):
        share(recipient=POLICE)
    with pytest.raises(Refused):
        share(by=actor(SHELTER, "admin"))
    with pytest.raises(Incomplete):
        share(purpose=" ")


def lines():
    disclosure = police_disclosure(T0 + timedelta(hours=2), frozenset({"death", "serious_physical_injury"}))
    referral = refer(
        id="r1",
        case="case-1",
        owner=SHELTER.id,
        actor=WORKER,
        to_org=POLICE.id,
        at=T0 + timedelta(hours=3),
        why="suivi des conditions",
        basis=Basis(LAW, "A-2.1 s. 59.1"),
    )
    moved = transfer(
        id="t1",
        case="case-1",
        owner=SHELTER.id,
        actor=WORKER,
        to_org=HEALTH.id,
        at=T0 + timedelta(days=40),
        why="déménagement",
        basis=Basis(LAW, "R-22.1"),
    )
    return [from_handover(moved), from_disclosure(disclosure), from_share(share()), from_handover(referral)]


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("CSVC_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_the_register_for_a_period_matches_the_golden_files() -> None:
    period = for_period(lines(), T0, T0 + timedelta(days=30))
    assert [line.kind for line in period] == ["share", "disclosure", "referral"]
    check_golden("register.csv", to_csv(period))
    check_golden(
        "register.json", json.dumps([line.to_json() for line in period], ensure_ascii=False, indent=2) + "\n"
    )


def test_the_register_names_no_person() -> None:
    text = to_csv(lines()) + json.dumps([line.to_json() for line in lines()])
    assert "Mme A." not in text and "menaces de mort" not in text and "arme à feu" not in text


def test_the_period_includes_its_start_and_excludes_its_end() -> None:
    start = T0 + timedelta(hours=2)
    assert [line.reference for line in for_period(lines(), start, start + timedelta(hours=1))] == ["d1"]
    with pytest.raises(Incomplete):
        for_period(lines(), start.replace(tzinfo=None), start)
