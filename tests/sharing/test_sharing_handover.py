"""Referral keeps the owner; transfer moves ownership; both rest on consent or law."""

from __future__ import annotations

from datetime import timedelta

import pytest

from csvc_core.sharing.consent import Partner, give_consent
from csvc_core.sharing.handover import (
    LAW,
    Basis,
    end_referral,
    former_owners,
    owner_at,
    refer,
    transfer,
)
from csvc_core.sharing.reasons import Incomplete, Refused
from tests.support.sharing_world import HEALTH, POLICE, SHELTER, T0, YOUTH, actor

WORKER = actor(SHELTER, "worker")
BASIS = Basis(LAW, "A-2.1 s. 59.1")


def move(to_org: str, owner: str = SHELTER.id, by=WORKER, at=T0, id: str = "t1", **changes):
    values = dict(
        id=id, case="case-1", owner=owner, actor=by, to_org=to_org, at=at, why="déménagement", basis=BASIS
    )
    values.update(changes)
    return transfer(**values)


def test_ownership_follows_transfers_in_time_order() -> None:
    first = move(HEALTH.id, at=T0 + timedelta(days=1))
    second = move(YOUTH.id, owner=HEALTH.id, by=actor(HEALTH, "worker"), at=T0 + timedelta(days=3), id="t2")
    assert owner_at(SHELTER.id, [second, first], T0) == SHELTER.id
    assert owner_at(SHELTER.id, [second, first], T0 + timedelta(days=2)) == HEALTH.id
    assert owner_at(SHELTER.id, [second, first], T0 + timedelta(days=3)) == YOUTH.id
    assert former_owners(SHELTER.id, [first, second], T0 + timedelta(days=4)) == {SHELTER.id, HEALTH.id}


def test_a_broken_chain_of_transfers_is_refused() -> None:
    stray = move(YOUTH.id, owner=POLICE.id, by=actor(POLICE, "worker"))
    with pytest.raises(Refused, match="t1"):
        owner_at(SHELTER.id, [stray], T0 + timedelta(days=1))


def test_only_a_practitioner_of_the_owner_hands_a_case_over() -> None:
    with pytest.raises(Refused):
        move(HEALTH.id, by=actor(POLICE, "worker"))
    with pytest.raises(Refused):
        move(HEALTH.id, by=actor(SHELTER, "admin"))
    with pytest.raises(Refused):
        move(SHELTER.id)


def test_a_handover_needs_its_reason_and_basis() -> None:
    with pytest.raises(Incomplete) as caught:
        move(HEALTH.id, why=" ", basis=Basis(LAW, ""))
    assert [r.values["element"] for r in caught.value.reasons] == ["reason", "basis.reference"]
    with pytest.raises(Incomplete, match="rumour"):
        move(HEALTH.id, basis=Basis("rumour", "x"))


def test_a_handover_on_consent_needs_that_consent_in_force_for_that_organisation() -> None:
    consent = give_consent(
        id="c1",
        case="case-1",
        person="victime",
        purpose="transfert",
        categories={"identity"},
        partner=Partner("health", HEALTH.id),
        given_by=WORKER.user,
        given_at=T0,
        expires_at=T0 + timedelta(days=5),
    )
    on_consent = Basis("consent", "c1")
    assert move(HEALTH.id, basis=on_consent, consents=[consent]).to_org == HEALTH.id
    with pytest.raises(Refused, match="c1"):
        move(HEALTH.id, basis=on_consent, consents=[consent], at=T0 + timedelta(days=6))
    with pytest.raises(Refused, match="c1"):
        move(HEALTH.id, basis=on_consent, consents=[])
    other_health = "cisss-sud"
    with pytest.raises(Refused, match=other_health):
        refer(
            id="r1",
            case="case-1",
            owner=SHELTER.id,
            actor=WORKER,
            to_org=other_health,
            at=T0,
            why="suivi",
            basis=on_consent,
            consents=[consent],
        )


def test_a_referral_is_ended_once_by_its_owner_organisation() -> None:
    referral = refer(
        id="r1",
        case="case-1",
        owner=SHELTER.id,
        actor=WORKER,
        to_org=POLICE.id,
        at=T0,
        why="suivi",
        basis=BASIS,
    )
    assert referral.active(T0) and not referral.active(T0 - timedelta(seconds=1))
    with pytest.raises(Refused):
        end_referral(referral, actor=actor(POLICE, "repondant"), at=T0 + timedelta(days=1))
    ended = end_referral(referral, actor=actor(SHELTER, "repondant"), at=T0 + timedelta(days=1))
    assert not ended.active(T0 + timedelta(days=1)) and ended.ended_by == "repondant@maison-aurore"
    with pytest.raises(Refused):
        end_referral(ended, actor=WORKER, at=T0 + timedelta(days=2))
