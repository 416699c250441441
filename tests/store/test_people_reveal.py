"""Revealing one person's fields, not the whole case: each field asked for is audited, the rest stays sealed;
a safe contact is changed field by field without being shown to anyone."""

from __future__ import annotations

import json

import pytest

from csvc_core.errors import BadInput
from csvc_core.store import Contact, Store, StoreSession, casefile, cases
from tests.support.stores import entries

PHONE, ADDRESS = "555-0199", "12 rue des Exemples"


def test_one_field_of_one_person_is_revealed_and_audited(store: Store, session: StoreSession) -> None:
    case_id = session.run(cases.new_case, "Dossier P")
    victim = session.run(
        cases.add_protagonist,
        case_id,
        "victim",
        name="Amélie Exemple",
        contact=Contact(phone=PHONE, address=ADDRESS),
    )
    child = session.run(cases.add_protagonist, case_id, "child", name="Léo Exemple")
    assert session.run(cases.reveal_protagonist, victim, ["phone"]) == {"phone": PHONE}
    shown = session.run(cases.reveal_protagonist, child, ["name", "safe_times"])
    assert shown == {"name": "Léo Exemple", "safe_times": None}
    [reveal, _child] = [row for row in entries(store) if row.action == "protagonist.reveal"]
    detail = json.loads(reveal.detail)
    assert reveal.case_id == case_id and detail == {"protagonist": victim, "fields": ["phone"]}
    assert PHONE not in json.dumps([tuple(row) for row in entries(store)], default=str)
    with pytest.raises(BadInput, match="champ inconnu 'password'"):
        session.run(cases.reveal_protagonist, victim, ["password"])
    assert store.verify_audit().ok


def test_case_reveal_by_group_leaves_safe_contacts_sealed(store: Store, session: StoreSession) -> None:
    case_id = session.run(cases.new_case, "Dossier Q")
    session.run(cases.add_protagonist, case_id, "victim", name="Amélie Exemple", contact=Contact(phone=PHONE))
    session.run(cases.record_event, case_id, "new_incident", note="appel de la voisine")
    detail = session.run(casefile.case_detail, case_id, reveal={"label", "names", "notes"})
    [person] = detail.protagonists
    assert detail.summary.label == "Dossier Q" and person.name == "Amélie Exemple" and person.contact is None
    assert detail.events[0].note == "appel de la voisine"
    read = [row for row in entries(store) if row.action == "case.read"][-1]
    assert json.loads(read.detail)["fields"][-3:] == ["label", "names", "notes"]
    assert session.run(casefile.case_detail, case_id, reveal=True).protagonists[0].contact == Contact(
        phone=PHONE
    )
    with pytest.raises(BadInput, match="groupe inconnu 'everything'"):
        session.run(casefile.case_detail, case_id, reveal={"everything"})


def test_a_contact_field_changes_and_the_others_are_kept(session: StoreSession) -> None:
    case_id = session.run(cases.new_case, "Dossier R")
    victim = session.run(
        cases.add_protagonist, case_id, "victim", contact=Contact(phone=PHONE, address=ADDRESS)
    )
    version = session.run(cases.update_protagonist, victim, 1, contact_changes={"phone": "555-0142"})
    shown = session.run(cases.reveal_protagonist, victim, ["phone", "address"])
    assert shown == {"phone": "555-0142", "address": ADDRESS}
    session.run(
        cases.update_protagonist, victim, version, contact_changes={"channels": ["texto"]}, safe_to_call=True
    )
    [person] = session.run(casefile.case_detail, case_id, reveal=True).protagonists
    assert person.contact == Contact(phone="555-0142", address=ADDRESS, channels=("texto",))
    assert person.safe_to_call is True
    with pytest.raises(BadInput, match="champ inconnu 'email'"):
        session.run(cases.update_protagonist, victim, person.version, contact_changes={"email": "x"})
