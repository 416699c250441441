"""The access decision: each role of each organisation against each kind of record."""

from __future__ import annotations

from datetime import timedelta

import pytest

from csvc_core.sharing.access import CaseRecord, may_see
from csvc_core.sharing.consent import Partner, give_consent, withdraw
from csvc_core.sharing.emergency import EMERGENCY_HOURS, break_glass, review
from csvc_core.sharing.handover import LAW, RETAINED_AFTER_TRANSFER, Basis, end_referral, refer, transfer
from csvc_core.sharing.parties import ROLES, Actor
from csvc_core.sharing.reasons import Incomplete, Refused
from tests.support.sharing_world import (
    CELL,
    HEALTH,
    ORGANISATIONS,
    POLICE,
    SHELTER,
    T0,
    WORKER,
    YOUTH,
    YOUTH_CONSENT,
    Organisation,
    actor,
    police_disclosure,
)

LATER = T0 + timedelta(days=2)
SHELTER_WORKER = WORKER
YOUTH_LAW = Basis(LAW, "P-34.1 s. 39")

CONSENT = YOUTH_CONSENT
DISCLOSURE = police_disclosure()
REFERRAL = refer(
    id="r1",
    case="case-1",
    owner=SHELTER.id,
    actor=SHELTER_WORKER,
    to_org=POLICE.id,
    at=T0,
    why="suivi policier",
    basis=Basis(LAW, "A-2.1 s. 59.1"),
)
TRANSFER = transfer(
    id="t1",
    case="case-1",
    owner=SHELTER.id,
    actor=SHELTER_WORKER,
    to_org=HEALTH.id,
    at=T0 + timedelta(days=1),
    why="déménagement dans la région du CISSS",
    basis=Basis(LAW, "R-22.1"),
)

RECORDS = {
    "owned": CaseRecord("case-1", SHELTER.id),
    "referred": CaseRecord("case-1", SHELTER.id, referrals=(REFERRAL,)),
    "transferred": CaseRecord("case-1", SHELTER.id, transfers=(TRANSFER,)),
    "consent": CaseRecord("case-1", SHELTER.id, consents=(CONSENT,)),
    "disclosed": CaseRecord("case-1", SHELTER.id, disclosures=(DISCLOSURE,)),
    "not_shared": CaseRecord("case-2", HEALTH.id),
}
FULL, READ, NONE = "full+write", "read", "none"
#: (record, organisation) -> what every role of that organisation sees; anything not listed: nothing.
EXPECTED: dict[tuple[str, str], object] = {
    ("owned", SHELTER.id): FULL,
    ("referred", SHELTER.id): FULL,
    ("referred", POLICE.id): READ,
    ("transferred", HEALTH.id): FULL,
    ("transferred", SHELTER.id): ("categories", RETAINED_AFTER_TRANSFER),
    ("consent", SHELTER.id): FULL,
    ("consent", YOUTH.id): ("categories", frozenset({"children", "risk_level"})),
    ("disclosed", SHELTER.id): FULL,
    ("disclosed", POLICE.id): ("fields", frozenset({"victim_address", "risk_level"})),
    ("not_shared", HEALTH.id): FULL,
}


def seen(access) -> object:
    if not access.allowed:
        return NONE
    if access.full:
        return FULL if access.write else READ
    if access.fields:
        return ("fields", access.fields)
    return ("categories", access.categories)


@pytest.mark.parametrize("kind", sorted(RECORDS))
@pytest.mark.parametrize("org", ORGANISATIONS, ids=lambda org: org.id)
@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(kind: str, org: Organisation, role: str) -> None:
    access = may_see(actor(org, role), RECORDS[kind], LATER)
    assert seen(access) == EXPECTED.get((kind, org.id), NONE)
    if not access.allowed:
        assert [access.reason.code] == ["no_access"]
        assert not access.sees_category("risk_level") and not access.sees_field("risk_level")


def test_a_former_owner_keeps_no_case_content() -> None:
    access = may_see(SHELTER_WORKER, RECORDS["transferred"], LATER)
    assert access.bases == ("transferred_out",)
    assert not access.full and not access.write
    assert not access.sees_category("assessment") and not access.sees_field("victim_address")
    assert access.sees_category("communications")


def test_before_the_transfer_the_opener_still_owns_the_case() -> None:
    assert may_see(SHELTER_WORKER, RECORDS["transferred"], T0 + timedelta(hours=1)).write
    assert not may_see(actor(HEALTH, "worker"), RECORDS["transferred"], T0 + timedelta(hours=1)).allowed


def test_access_under_consent_ends_when_the_consent_is_withdrawn() -> None:
    withdrawn = withdraw(CONSENT, at=T0 + timedelta(days=1), by=SHELTER_WORKER.user)
    record = CaseRecord("case-1", SHELTER.id, consents=(withdrawn,))
    youth = actor(YOUTH, "worker")
    assert may_see(youth, record, T0 + timedelta(hours=12)).sees_category("children")
    assert not may_see(youth, record, LATER).allowed


def test_a_referral_on_consent_ends_with_the_consent_and_an_ended_referral_gives_nothing() -> None:
    on_consent = give_consent(
        id="c2",
        case="case-1",
        person="victime",
        purpose="suivi policier",
        categories={"risk_level"},
        partner=Partner("police", POLICE.id),
        given_by=SHELTER_WORKER.user,
        given_at=T0,
        expires_at=T0 + timedelta(days=30),
    )
    referral = refer(
        id="r2",
        case="case-1",
        owner=SHELTER.id,
        actor=SHELTER_WORKER,
        to_org=POLICE.id,
        at=T0,
        why="suivi policier",
        basis=Basis("consent", "c2"),
        consents=[on_consent],
    )
    police = actor(POLICE, "worker")
    withdrawn = withdraw(on_consent, at=T0 + timedelta(days=1), by=SHELTER_WORKER.user)
    assert may_see(police, CaseRecord("case-1", SHELTER.id, (referral,), consents=(on_consent,)), LATER).full
    assert not may_see(
        police, CaseRecord("case-1", SHELTER.id, (referral,), consents=(withdrawn,)), LATER
    ).full
    ended = end_referral(REFERRAL, actor=SHELTER_WORKER, at=T0 + timedelta(days=1))
    assert not may_see(police, CaseRecord("case-1", SHELTER.id, (ended,)), LATER).allowed


def test_a_disclosure_is_seen_by_its_recipient_only_from_when_it_was_made() -> None:
    police = actor(POLICE, "worker")
    assert not may_see(police, RECORDS["disclosed"], T0 - timedelta(minutes=1)).allowed


def test_an_unknown_role_sees_nothing_not_even_in_its_own_organisation() -> None:
    assert not may_see(Actor("x", SHELTER, "superuser"), RECORDS["owned"], LATER).allowed


def test_the_decision_needs_a_time_with_offset() -> None:
    with pytest.raises(Incomplete):
        may_see(SHELTER_WORKER, RECORDS["owned"], LATER.replace(tzinfo=None))


def test_the_cell_sees_a_case_only_through_a_share() -> None:
    coordinator = actor(CELL, "coordinator")
    assert not may_see(coordinator, RECORDS["owned"], LATER).allowed
    record = CaseRecord(
        "case-1",
        SHELTER.id,
        referrals=(
            refer(
                id="r3",
                case="case-1",
                owner=SHELTER.id,
                actor=actor(SHELTER, "repondant"),
                to_org=CELL.id,
                at=T0,
                why="demande à la cellule",
                basis=Basis(LAW, "A-2.1 s. 59.1"),
            ),
        ),
    )
    assert may_see(coordinator, record, LATER).full


def test_an_emergency_access_reads_the_whole_case_for_four_hours_only() -> None:
    officer = actor(POLICE, "worker")
    opened = break_glass(
        id="e1", case="case-1", actor=officer, reads_whole_case=False, at=T0, why="il arrive armé ce soir"
    )
    record = CaseRecord("case-1", SHELTER.id, emergencies=(opened,))
    during = may_see(officer, record, T0 + timedelta(hours=EMERGENCY_HOURS) - timedelta(minutes=1))
    assert during.full and not during.write and during.bases == ("break_glass",)
    assert not may_see(officer, record, T0 + timedelta(hours=EMERGENCY_HOURS)).allowed
    assert not may_see(actor(POLICE, "worker", "a-colleague"), record, T0 + timedelta(hours=1)).allowed


def test_an_emergency_access_needs_a_reason_a_practitioner_and_a_need() -> None:
    officer = actor(POLICE, "worker")
    with pytest.raises(Incomplete):
        break_glass(id="e1", case="case-1", actor=officer, reads_whole_case=False, at=T0, why=" ")
    with pytest.raises(Refused):
        break_glass(
            id="e1", case="case-1", actor=actor(POLICE, "admin"), reads_whole_case=False, at=T0, why="x"
        )
    with pytest.raises(Refused):
        break_glass(id="e1", case="case-1", actor=officer, reads_whole_case=True, at=T0, why="x")


def test_an_emergency_access_is_reviewed_once_by_a_supervisor_of_either_organisation() -> None:
    opened = break_glass(
        id="e1", case="case-1", actor=actor(POLICE, "worker"), reads_whole_case=False, at=T0, why="urgence"
    )
    for who in (actor(HEALTH, "repondant"), actor(SHELTER, "worker")):
        with pytest.raises(Refused):
            review(opened, supervisor=who, owner=SHELTER.id, at=LATER)
    reviewed = review(opened, supervisor=actor(SHELTER, "repondant"), owner=SHELTER.id, at=LATER)
    assert reviewed.reviewed_by == "repondant@maison-aurore"
    with pytest.raises(Refused):
        review(reviewed, supervisor=actor(POLICE, "coordinator"), owner=SHELTER.id, at=LATER)
