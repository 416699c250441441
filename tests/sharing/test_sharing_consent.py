"""Consent per purpose, category and partner; withdrawal blocks new sharing at once."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from csvc_core.sharing.categories import CATEGORIES
from csvc_core.sharing.consent import Partner, give_consent, may_share, withdraw
from csvc_core.sharing.reasons import Incomplete, Refused
from tests.support.sharing_world import HEALTH, POLICE, T0, Organisation

PURPOSE = "plan de sécurité concerté"
POLICE_SECTOR = Partner("police")


def consent(categories=("contact", "risk_level"), partner=POLICE_SECTOR, days=90, id="c1", **changes):
    values = dict(
        id=id,
        case="case-1",
        person="victime (Mme A.)",
        purpose=PURPOSE,
        categories=categories,
        partner=partner,
        given_by="worker@maison-aurore",
        given_at=T0,
        expires_at=T0 + timedelta(days=days),
    )
    values.update(changes)
    return give_consent(**values)


def codes(decision) -> list[str]:
    return [reason.code for reason in decision.reasons]


def test_consent_in_force_allows_its_categories_to_its_partner() -> None:
    decision = may_share([consent()], {"contact", "risk_level"}, POLICE, T0 + timedelta(days=1), PURPOSE)
    assert decision.allowed
    assert decision.consents == ("c1",)
    assert codes(decision) == ["shared_under_consent"]


def test_a_category_outside_the_consent_is_refused_and_named() -> None:
    decision = may_share([consent()], {"contact", "health"}, POLICE, T0 + timedelta(days=1))
    assert not decision.allowed
    assert codes(decision) == ["no_consent"]
    assert decision.reasons[0].values["category"] == "health"


def test_another_sector_is_not_covered() -> None:
    decision = may_share([consent()], {"contact"}, HEALTH, T0 + timedelta(days=1))
    assert not decision.allowed and codes(decision) == ["no_consent"]


def test_a_consent_naming_one_organisation_does_not_cover_its_whole_sector() -> None:
    named = consent(partner=Partner("police", POLICE.id))
    other_police = Organisation("police-lac", "police")
    assert may_share([named], {"contact"}, POLICE, T0 + timedelta(hours=1)).allowed
    assert not may_share([named], {"contact"}, other_police, T0 + timedelta(hours=1)).allowed


def test_another_purpose_is_not_covered() -> None:
    decision = may_share([consent()], {"contact"}, POLICE, T0 + timedelta(days=1), purpose="statistiques")
    assert not decision.allowed


def test_withdrawal_blocks_new_sharing_from_that_instant() -> None:
    given_consent = consent()
    withdrawn_at = T0 + timedelta(days=3)
    withdrawn = withdraw(given_consent, at=withdrawn_at, by="worker@maison-aurore")
    before = may_share([withdrawn], {"contact"}, POLICE, withdrawn_at - timedelta(seconds=1))
    at_once = may_share([withdrawn], {"contact"}, POLICE, withdrawn_at)
    assert before.allowed
    assert not at_once.allowed
    assert codes(at_once) == ["consent_withdrawn"]
    assert "retiré" in at_once.reasons[0].text("fr") and "withdrawn" in at_once.reasons[0].text("en")


def test_expired_and_not_yet_given_are_told_apart() -> None:
    given_consent = consent(days=30)
    assert codes(may_share([given_consent], {"contact"}, POLICE, T0 + timedelta(days=30))) == [
        "consent_expired"
    ]
    assert codes(may_share([given_consent], {"contact"}, POLICE, T0 - timedelta(minutes=1))) == [
        "consent_not_yet"
    ]


def test_another_consent_in_force_still_covers_after_one_is_withdrawn() -> None:
    first = withdraw(consent(id="c1"), at=T0 + timedelta(days=1), by="worker@maison-aurore")
    second = consent(id="c2", given_at=T0 + timedelta(days=2), expires_at=T0 + timedelta(days=60))
    decision = may_share([first, second], {"contact"}, POLICE, T0 + timedelta(days=3))
    assert decision.allowed and decision.consents == ("c2",)


def test_an_empty_or_unknown_selection_is_refused() -> None:
    assert codes(may_share([consent()], set(), POLICE, T0 + timedelta(hours=1))) == ["empty_selection"]
    assert codes(may_share([consent()], {"gossip"}, POLICE, T0 + timedelta(hours=1))) == ["unknown_category"]


def test_every_missing_element_of_a_consent_is_named() -> None:
    with pytest.raises(Incomplete) as caught:
        consent(categories=(), person=" ", purpose="", given_by="", expires_at=T0)
    found = [reason.code for reason in caught.value.reasons]
    assert found.count("consent_missing") == 3
    assert "consent_no_category" in found and "consent_expiry_before_start" in found


def test_unknown_sector_and_naive_times_are_refused() -> None:
    with pytest.raises(Incomplete, match="landlord"):
        consent(partner=Partner("landlord"))
    with pytest.raises(Incomplete, match="2026-03-01T10:00:00"):
        consent(given_at=T0.replace(tzinfo=None))


def test_consent_times_are_kept_in_utc() -> None:
    assert consent().given_at.utcoffset() == timedelta(0)
    assert consent().given_at == T0


def test_a_consent_is_withdrawn_once_and_never_before_it_was_given() -> None:
    given_consent = consent()
    withdrawn = withdraw(given_consent, at=T0 + timedelta(days=1), by="worker@maison-aurore")
    with pytest.raises(Refused):
        withdraw(withdrawn, at=T0 + timedelta(days=2), by="worker@maison-aurore")
    with pytest.raises(Refused):
        withdraw(given_consent, at=T0 - timedelta(days=1), by="worker@maison-aurore")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        given_consent.withdrawn_at = T0  # type: ignore[misc]


moments = st.integers(min_value=-10 * 24 * 60, max_value=120 * 24 * 60).map(
    lambda m: T0 + timedelta(minutes=m)
)


@given(
    wanted=st.sets(st.sampled_from(CATEGORIES), min_size=1),
    covered=st.sets(st.sampled_from(CATEGORIES), min_size=1),
    withdrawn_after=st.integers(min_value=0, max_value=100 * 24 * 60),
    asked=moments,
)
def test_sharing_is_allowed_exactly_when_a_consent_in_force_covers_every_category(
    wanted, covered, withdrawn_after, asked
) -> None:
    withdrawn_at = T0 + timedelta(minutes=withdrawn_after)
    record = withdraw(consent(categories=covered), at=withdrawn_at, by="worker@maison-aurore")
    decision = may_share([record], wanted, POLICE, asked)
    in_force = T0 <= asked < min(withdrawn_at, record.expires_at)
    assert decision.allowed == (in_force and wanted <= covered)
    if asked >= withdrawn_at:
        assert not decision.allowed
