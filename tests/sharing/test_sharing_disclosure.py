"""Disclosure to prevent violence (art. 60.4): every element or no disclosure, three recipient categories,
fields ticked one by one, an immutable entry (a landlord is refused)."""

from __future__ import annotations

from datetime import UTC, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from csvc_core.sharing.disclosure import (
    ABLE_TO_HELP,
    EXPOSED_PERSON,
    REPRESENTATIVE,
    FieldSelection,
    Grounds,
    Recipient,
    annotate,
    build_disclosure,
    payload,
    register_row,
)
from csvc_core.sharing.reasons import Incomplete, Refused
from tests.support.sharing_world import POLICE, SHELTER, T0, actor

OFFERED = ("victim_name", "victim_address", "risk_level", "assessment_factors", "children", "health_notes")
RECORD = {
    "victim_name": "Mme A. (fictive)",
    "victim_address": "12 rue des Érables (fictive)",
    "risk_level": "imminent",
    "assessment_factors": ["homicide_threats", "separation"],
    "children": "2 enfants",
    "health_notes": "suivi en santé mentale",
}
WORKER = actor(SHELTER, "worker")
POLICE_DESK = Recipient("Poste de police de la Rivière", "police", ABLE_TO_HELP, organisation=POLICE.id)
LANDLORD = Recipient("Propriétaire du logement", "landlord", ABLE_TO_HELP)


def grounds(**changes) -> Grounds:
    values = dict(
        reasonable_cause="Il a dit hier qu'il la tuerait si elle partait ; il a accès à une arme.",
        harms=frozenset({"death"}),
        exposed="Mme A. et ses deux enfants",
        violence="homicide conjugal",
        danger="menaces de mort répétées, arme à feu, séparation récente",
        urgency="elle quitte le domicile demain matin",
        imminence="hours",
    )
    values.update(changes)
    return Grounds(**values)


def ticked(*fields: str) -> FieldSelection:
    return FieldSelection(OFFERED).tick(*fields)


def disclose(recipient=POLICE_DESK, selection=None, by=WORKER, **changes):
    return build_disclosure(
        id="d1",
        case="case-1",
        at=T0,
        discloser=by,
        recipient=recipient,
        grounds=grounds(**changes),
        selection=selection if selection is not None else ticked("victim_address", "risk_level"),
    )


def test_police_with_every_element_is_accepted_and_recorded() -> None:
    entry = disclose()
    assert entry.disclosed_at == T0 and entry.disclosed_at.tzinfo == UTC
    assert entry.discloser == WORKER.user and entry.discloser_org == SHELTER.id
    assert (entry.recipient.name, entry.recipient.category) == ("Poste de police de la Rivière", ABLE_TO_HELP)
    assert entry.grounds.violence == "homicide conjugal" and entry.grounds.imminence == "hours"
    assert entry.fields == ("victim_address", "risk_level")
    assert entry.basis == "art_60_4"


def test_a_landlord_is_refused_even_with_every_element() -> None:
    with pytest.raises(Refused) as caught:
        disclose(recipient=LANDLORD)
    assert [r.code for r in caught.value.reasons] == ["not_able_to_help"]
    assert "landlord" in caught.value.text("en") and "porter secours" in str(caught.value)


def test_a_landlord_is_refused_in_any_category_but_as_the_exposed_person_herself() -> None:
    for category in (EXPOSED_PERSON, REPRESENTATIVE, "neighbour_watch"):
        with pytest.raises(Refused):
            disclose(recipient=attrs.evolve(LANDLORD, category=category))


def test_the_exposed_person_and_her_representative_are_allowed() -> None:
    herself = Recipient("Mme A.", EXPOSED_PERSON, EXPOSED_PERSON)
    lawyer = Recipient("Me B., avocate de Mme A.", REPRESENTATIVE, REPRESENTATIVE)
    assert disclose(recipient=herself).recipient.category == EXPOSED_PERSON
    assert disclose(recipient=lawyer).recipient.category == REPRESENTATIVE


@pytest.mark.parametrize("element", ["reasonable_cause", "exposed", "violence", "danger", "urgency"])
def test_police_is_refused_when_an_element_is_missing(element: str) -> None:
    with pytest.raises(Incomplete) as caught:
        disclose(**{element: "  "})
    assert [(r.code, r.values.get("element")) for r in caught.value.reasons] == [
        ("disclosure_missing", element)
    ]
    assert caught.value.exit_code == 2


def test_police_is_refused_without_a_serious_risk_or_with_an_unknown_one() -> None:
    with pytest.raises(Incomplete, match="risque sérieux"):
        disclose(harms=frozenset())
    with pytest.raises(Incomplete, match="inconnu"):
        disclose(harms=frozenset({"inconvenience"}))
    with pytest.raises(Incomplete, match="imminence"):
        disclose(imminence="someday")


def test_every_missing_element_is_named_at_once() -> None:
    with pytest.raises(Incomplete) as caught:
        disclose(
            reasonable_cause="",
            exposed="",
            violence="",
            danger="",
            urgency="",
            harms=frozenset(),
            selection=FieldSelection(OFFERED),
        )
    assert len(caught.value.reasons) == 7


def test_psychological_injury_is_a_serious_injury() -> None:
    entry = disclose(harms=frozenset({"serious_psychological_injury"}), violence="suicide")
    assert entry.grounds.harms == {"serious_psychological_injury"}


def test_nothing_is_preselected_and_an_empty_selection_is_refused() -> None:
    fresh = FieldSelection(OFFERED)
    assert fresh.ticked == frozenset()
    with pytest.raises(Incomplete) as caught:
        disclose(selection=fresh)
    assert [r.code for r in caught.value.reasons] == ["empty_selection"]
    with pytest.raises(Incomplete):
        disclose(selection=ticked("risk_level").untick("risk_level"))


def test_a_field_that_was_not_offered_cannot_be_ticked() -> None:
    with pytest.raises(Incomplete, match="bank_account"):
        FieldSelection(OFFERED).tick("bank_account")


def test_unticked_fields_never_reach_the_recipient() -> None:
    entry = disclose(selection=ticked("victim_address", "risk_level"))
    sent = payload(RECORD, entry)
    assert sent == {"victim_address": RECORD["victim_address"], "risk_level": "imminent"}
    assert "victim_name" not in sent and "health_notes" not in sent


@given(
    chosen=st.sets(st.sampled_from(OFFERED), min_size=1),
    record=st.dictionaries(st.sampled_from((*OFFERED, "diary")), st.text(max_size=5)),
)
def test_the_payload_holds_exactly_the_ticked_fields_present(chosen, record) -> None:
    sent = payload(record, disclose(selection=ticked(*chosen)))
    assert set(sent) == chosen & set(record)
    assert all(sent[field] == record[field] for field in sent)


def test_an_administrator_account_does_not_disclose() -> None:
    with pytest.raises(Refused, match="admin"):
        disclose(by=actor(SHELTER, "admin"))


def test_a_time_without_offset_is_refused() -> None:
    with pytest.raises(Incomplete, match="décalage"):
        build_disclosure(
            id="d1",
            case="case-1",
            at=T0.replace(tzinfo=None),
            discloser=WORKER,
            recipient=POLICE_DESK,
            grounds=grounds(),
            selection=ticked("risk_level"),
        )


def test_the_entry_is_immutable_and_only_annotated() -> None:
    entry = disclose()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        entry.fields = ("victim_name",)  # type: ignore[misc]
    note = annotate(
        entry, at=T0 + timedelta(hours=2), by="repondant@maison-aurore", text="Police avisée par tél."
    )
    row = register_row(entry, [note])
    assert row["annotations"] == [
        {"at": "2026-03-01T17:00:00+00:00", "by": "repondant@maison-aurore", "text": "Police avisée par tél."}
    ]
    with pytest.raises(Refused):
        annotate(entry, at=T0 - timedelta(hours=1), by="x", text="avant")
    with pytest.raises(Incomplete):
        annotate(entry, at=T0, by="x", text=" ")


def test_the_register_row_holds_every_element_of_the_entry() -> None:
    row = register_row(disclose())
    assert row["disclosed_at"] == "2026-03-01T15:00:00+00:00"
    assert row["recipient_category"] == ABLE_TO_HELP and row["recipient_kind"] == "police"
    assert row["information"] == ["victim_address", "risk_level"]
    assert row["purpose"] == "homicide conjugal" and row["outside_quebec"] is False
    for key in ("reason", "exposed", "danger", "urgency", "imminence", "harms", "discloser"):
        assert row[key]
