"""The partnership in the store: the access matrix, the guards, the cell's order, the register (on the store
fixture's backends: a real SQLite file, and a real PostgreSQL server where the fixture provides one)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from csvc_core.errors import BadInput, OperationFailed
from csvc_core.output import to_json
from csvc_core.sharing.disclosure import Recipient
from csvc_core.sharing.handover import RETAINED_AFTER_TRANSFER, Basis
from csvc_core.sharing.reasons import Incomplete, Refused
from csvc_core.store import (
    AccessDenied,
    Store,
    StoreSession,
    casefile,
    cases,
    communications,
    concertation_reading,
    concertations,
    consents,
    disclosures,
    emergency,
    handovers,
    people,
    received,
)
from csvc_core.store.schema import (
    audit_log,
    emergency_access,
    referrals,
    shares,
)
from csvc_core.store.schema import (
    concertations as concertations_table,
)
from csvc_core.store.schema import (
    consents as consents_table,
)
from csvc_core.store.schema import (
    disclosures as disclosures_table,
)
from csvc_core.testing import raises_worded
from tests.support.constants import FAST_KDF, PASSPHRASE
from tests.support.partnership import LAW, NAME, ORGS, POLICE_DESK, World, grounds, new_case, user
from tests.support.stores import grid

ROLES = ("worker", "repondant", "coordinator", "admin")


def count(store: Store, table, **where) -> int:  # type: ignore[no-untyped-def]
    query = select(func.count()).select_from(table)
    for column, value in where.items():
        query = query.where(table.c[column] == value)
    with store.engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


def audit_actions(store: Store) -> list[str]:
    with store.engine.connect() as connection:
        return list(connection.execute(select(audit_log.c.action).order_by(audit_log.c.seq)).scalars())


LANDLORD = Recipient("Propriétaire", "landlord", "able_to_help")


@pytest.fixture
def records(world: World) -> dict[str, str]:
    """One case of each kind, all opened by Maison Aurore's worker."""
    worker = world[user("Maison Aurore", "worker")]
    made = {
        kind: new_case(worker, f"Dossier {kind}")
        for kind in ("owned", "referred", "transferred", "consent", "disclosed")
    }
    worker.run(handovers.refer, made["referred"], to="Police Rivière", why="suivi des conditions", basis=LAW)
    worker.run(
        handovers.transfer,
        made["transferred"],
        to="CISSS Nord",
        why="déménagement",
        basis=Basis("law", "R-22.1"),
    )
    worker.run(
        consents.give_consent,
        made["consent"],
        person=NAME,
        purpose="protection des enfants",
        categories=["children", "risk_level"],
        partner_sector="youth_protection",
        expires_at=datetime.now(UTC) + timedelta(days=30),
    )
    worker.run(
        consents.share,
        made["consent"],
        categories=["children", "risk_level"],
        to="DPJ Nord",
        purpose="protection des enfants",
    )
    worker.run(
        disclosures.disclose,
        made["disclosed"],
        recipient=POLICE_DESK,
        recipient_org="Police Rivière",
        grounds=grounds(),
        fields=["victim.1.contact", "compromission"],
    )
    made["not_shared"] = new_case(world[user("CISSS Nord", "worker")], "Dossier CISSS")
    return made


FULL, READ, NONE = "full", "read", "none"
EXPECTED: dict[tuple[str, str], object] = {
    ("owned", "Maison Aurore"): FULL,
    ("referred", "Maison Aurore"): FULL,
    ("referred", "Police Rivière"): READ,
    ("transferred", "CISSS Nord"): FULL,
    ("transferred", "Maison Aurore"): ("categories", sorted(RETAINED_AFTER_TRANSFER)),
    ("consent", "Maison Aurore"): FULL,
    ("consent", "DPJ Nord"): ("categories", ["children", "risk_level"]),
    ("disclosed", "Maison Aurore"): FULL,
    ("disclosed", "Police Rivière"): ("fields", ["compromission", "victim.1.contact"]),
    ("not_shared", "CISSS Nord"): FULL,
}


def seen(reader: StoreSession, case_id: str) -> object:
    try:
        shared = reader.run(received.shared_with_me, case_id)
    except AccessDenied:
        with pytest.raises(AccessDenied):
            reader.run(casefile.case_detail, case_id)
        return NONE
    if shared["full"]:
        reader.run(casefile.case_detail, case_id)  # reads the whole case
        return FULL if "owner" in shared["bases"] else READ
    with pytest.raises(AccessDenied):
        reader.run(casefile.case_detail, case_id)
    return ("fields", shared["fields"]) if shared["fields"] else ("categories", shared["categories"])


def test_access_matrix_every_role_of_every_organisation(world: World, records: dict[str, str]) -> None:
    found = {
        (kind, org, role): seen(world[user(org, role)], case_id)
        for kind, case_id in records.items()
        for org in ORGS
        for role in ROLES
    }
    expected = {
        (kind, org, role): EXPECTED.get((kind, org), NONE)
        for kind in records
        for org in ORGS
        for role in ROLES
    }
    assert found == expected


def test_only_the_owner_changes_a_case(world: World, records: dict[str, str]) -> None:
    police = world[user("Police Rivière", "worker")]
    with pytest.raises(AccessDenied):
        police.run(cases.record_event, records["referred"], "new_incident")
    with pytest.raises(AccessDenied):
        police.assess(records["referred"], "csvc-grid", grid(homicide_plan="yes"))
    former = world[user("Maison Aurore", "worker")]
    with pytest.raises(AccessDenied):
        former.run(cases.record_event, records["transferred"], "new_incident")
    world[user("CISSS Nord", "worker")].run(cases.record_event, records["transferred"], "new_incident")


def test_what_each_recipient_reads_is_exactly_what_was_sent(world: World, records: dict[str, str]) -> None:
    police = world[user("Police Rivière", "worker")].run(received.shared_with_me, records["disclosed"])
    [got] = police["received"]
    assert got["sent"] == {
        "victim.1.contact": {"phone": "555-0199", "address": "9 rue Fictive"},
        "compromission": 4,
    }
    youth = world[user("DPJ Nord", "worker")].run(received.shared_with_me, records["consent"])
    [share] = youth["received"]
    assert set(share["sent"]) == {
        "compromission",
        "assessments",
        "child.1.name",
        "child.1.contact",
        "child.1.safe_contact",
    }
    assert NAME not in str(share["sent"])


def test_a_landlord_is_refused_and_nothing_is_written(store: Store, world: World) -> None:
    worker = world[user("Maison Aurore", "worker")]
    case_id = new_case(worker, "Dossier propriétaire")
    before = audit_actions(store)
    with pytest.raises(Refused, match="landlord"):
        worker.run(
            disclosures.disclose, case_id, recipient=LANDLORD, grounds=grounds(), fields=["victim.1.contact"]
        )
    assert count(store, disclosures_table) == 0
    assert audit_actions(store) == before


@pytest.mark.parametrize("element", ["reasonable_cause", "exposed", "violence", "danger", "urgency"])
def test_police_without_every_element_is_refused_and_nothing_is_written(
    store: Store, world: World, element: str
) -> None:
    worker = world[user("Maison Aurore", "worker")]
    case_id = new_case(worker, "Dossier police")
    with pytest.raises(Incomplete, match=element):
        worker.run(
            disclosures.disclose,
            case_id,
            recipient=POLICE_DESK,
            recipient_org="Police Rivière",
            grounds=grounds(**{element: ""}),
            fields=["victim.1.contact"],
        )
    with pytest.raises(Incomplete, match="coché"):
        worker.run(disclosures.disclose, case_id, recipient=POLICE_DESK, grounds=grounds(), fields=[])
    with pytest.raises(Incomplete, match="bank"):
        worker.run(disclosures.disclose, case_id, recipient=POLICE_DESK, grounds=grounds(), fields=["bank"])
    assert count(store, disclosures_table) == 0


def test_a_disclosure_is_recorded_in_the_audit_chain_and_never_edited(store: Store, world: World) -> None:
    worker = world[user("Maison Aurore", "worker")]
    case_id = new_case(worker, "Dossier chaîne")
    disclosure_id = worker.run(
        disclosures.disclose,
        case_id,
        recipient=POLICE_DESK,
        recipient_org="Police Rivière",
        grounds=grounds(),
        fields=["compromission"],
    )
    with store.engine.connect() as connection:
        entry = connection.execute(select(audit_log).where(audit_log.c.action == "disclosure.create")).one()
        digest = connection.execute(select(disclosures_table.c.digest)).scalar_one()
    assert disclosure_id in entry.detail and digest in entry.detail
    assert NAME not in entry.detail and "homicide" not in entry.detail
    with pytest.raises(Exception, match="cannot be edited"), store.engine.begin() as connection:
        connection.execute(text("UPDATE disclosures SET imminence = 'weeks'"))
    worker.run(disclosures.annotate_disclosure, disclosure_id, "Police avisée par téléphone à 15 h.")
    record = worker.run(disclosures.read_disclosure, disclosure_id)
    assert record.imminence == "hours" and record.exposed.startswith(NAME)
    assert [note["text"] for note in record.annotations] == ["Police avisée par téléphone à 15 h."]
    assert record.sent == {"compromission": 4}
    assert store.verify_audit().ok


def test_withdrawal_blocks_new_sharing_at_once_and_ends_the_partner_reading(
    store: Store, world: World
) -> None:
    worker = world[user("Maison Aurore", "worker")]
    youth = world[user("DPJ Nord", "worker")]
    case_id = new_case(worker, "Dossier retrait")
    consent_id = worker.run(
        consents.give_consent,
        case_id,
        person=NAME,
        purpose="protection",
        categories=["risk_level"],
        partner_sector="youth_protection",
        partner="DPJ Nord",
        expires_at=datetime.now(UTC) + timedelta(days=10),
    )
    assert worker.run(consents.may_share, case_id, ["risk_level"], "DPJ Nord").allowed
    assert not worker.run(consents.may_share, case_id, ["health"], "DPJ Nord").allowed
    worker.run(consents.share, case_id, categories=["risk_level"], to="DPJ Nord", purpose="protection")
    assert youth.run(received.shared_with_me, case_id)["categories"] == ["risk_level"]
    worker.run(consents.withdraw_consent, consent_id)
    decision = worker.run(consents.may_share, case_id, ["risk_level"], "DPJ Nord")
    assert not decision.allowed and [r.code for r in decision.reasons] == ["consent_withdrawn"]
    with pytest.raises(Refused, match="retiré"):
        worker.run(consents.share, case_id, categories=["risk_level"], to="DPJ Nord", purpose="protection")
    with pytest.raises(AccessDenied):
        youth.run(received.shared_with_me, case_id)
    assert count(store, shares) == 1
    [listed] = worker.run(consents.list_consents, case_id)
    assert listed.status == "withdrawn" and listed.person == NAME
    with pytest.raises(OperationFailed):
        worker.run(consents.withdraw_consent, consent_id)


def test_a_consent_needs_every_element(store: Store, world: World) -> None:
    worker = world[user("Maison Aurore", "worker")]
    case_id = new_case(worker, "Dossier consentement")
    with pytest.raises(Incomplete):
        worker.run(
            consents.give_consent,
            case_id,
            person="",
            purpose="",
            categories=[],
            partner_sector="police",
            expires_at=datetime.now(UTC) - timedelta(days=1),
        )
    with raises_worded(BadInput, "Police Lac"):
        worker.run(
            consents.give_consent,
            case_id,
            person=NAME,
            purpose="p",
            categories=["contact"],
            partner_sector="police",
            partner="Police Lac",
            expires_at=datetime.now(UTC) + timedelta(days=1),
        )
    assert count(store, consents_table) == 0


def test_referral_ends_and_transfer_leaves_the_former_owner_its_register(
    world: World, records: dict[str, str], store: Store
) -> None:
    worker = world[user("Maison Aurore", "worker")]
    police = world[user("Police Rivière", "worker")]
    with store.engine.connect() as connection:
        referral_id = connection.execute(
            select(referrals.c.id).where(referrals.c.case_id == records["referred"])
        ).scalar_one()
    with pytest.raises(Refused):
        police.run(handovers.end_referral, referral_id)
    worker.run(handovers.end_referral, referral_id)
    with pytest.raises(AccessDenied):
        police.run(casefile.case_detail, records["referred"])
    now = datetime.now(UTC)
    lines = worker.run(
        communications.communications_register, now - timedelta(hours=1), now + timedelta(hours=1)
    )
    kinds = {(line.kind, line.case) for line in lines}
    assert ("transfer", records["transferred"]) in kinds and ("disclosure", records["disclosed"]) in kinds
    assert ("share", records["consent"]) in kinds and ("referral", records["referred"]) in kinds
    assert NAME not in str([line.to_json() for line in lines])
    assert (
        world[user("CISSS Nord", "worker")].run(
            communications.communications_register, now - timedelta(hours=1), now
        )
        == []
    )


def test_the_cell_steps_are_enforced_in_order_in_the_store(store: Store, world: World) -> None:
    worker = world[user("Maison Aurore", "worker")]
    repondant = world[user("Maison Aurore", "repondant")]
    coordinator = world[user("Cellule Nord", "coordinator")]
    police = world[user("Police Rivière", "worker")]
    case_id = new_case(worker, "Dossier cellule")
    request = worker.run(concertations.request, case_id, criteria=["visible_high_risk"])
    with pytest.raises(Refused, match="requested"):
        coordinator.run(concertations.to_committee, request)
    with pytest.raises(Refused, match="submit"):
        worker.run(concertations.submit, request, "moi-même")
    with pytest.raises(AccessDenied):
        police.run(concertation_reading.record, request)
    repondant.run(concertations.submit, request, "grille : risque aggravé")
    with pytest.raises(Refused, match="committee"):
        coordinator.run(
            concertations.decide, request, members=["a", "b", "c"], concerted_action=True, why="x"
        )
    coordinator.run(concertations.to_committee, request)
    coordinator.run(
        concertations.decide,
        request,
        members=["Coord. Cellule", "Sgt Police", "Interv. Maison"],
        concerted_action=True,
        why="menaces",
    )
    now = datetime.now(UTC)
    meeting = {
        "at": now.isoformat(),
        "kind": "emergency",
        "chair": "Coord. Cellule",
        "attendees": [
            {"name": "Sgt Roy", "organisation": "Police Rivière", "sector": "police"},
            {"name": "Intervenante Côté", "organisation": "Maison Aurore", "sector": "shelter"},
            {"name": "Infirmière Gagnon", "organisation": "CISSS Nord", "sector": "health"},
        ],
        "actions": [
            {
                "description": "patrouilles au domicile",
                "owner_org": "Police Rivière",
                "due": (now + timedelta(days=2)).isoformat(),
            },
            {
                "description": "place en hébergement",
                "owner_org": "Maison Aurore",
                "due": (now + timedelta(days=1)).isoformat(),
            },
        ],
    }
    coordinator.run(concertations.hold_meeting, request, meeting)
    shown = to_json(coordinator.run(concertation_reading.record, request))
    assert shown["state"] == "follow_up"
    assert sorted(shown["meetings"][0]["attendees_by_sector"]) == ["health", "police", "shelter"]
    patrol = next(a["id"] for a in shown["actions"] if a["owner_org"] == "Police Rivière")
    bed = next(a["id"] for a in shown["actions"] if a["owner_org"] == "Maison Aurore")
    assert (
        police.run(concertation_reading.record, request).state == "follow_up"
    )  # owner of an action reads the request
    police.run(concertations.report_done, request, patrol, "patrouilles faites")
    with pytest.raises(Refused, match=bed):
        coordinator.run(concertations.close, request, "plan_completed")
    second = {**meeting, "at": datetime.now(UTC).isoformat(), "kind": "regular", "actions": []}
    with raises_worded(BadInput, "future"):
        coordinator.run(
            concertations.hold_meeting, request, {**second, "at": (now + timedelta(hours=1)).isoformat()}
        )
    with pytest.raises(Refused, match=bed):
        coordinator.run(concertations.hold_meeting, request, second)
    coordinator.run(
        concertations.hold_meeting,
        request,
        {**second, "reviews": {bed: {"outcome": "impossible", "note": "partie hors région"}}},
    )
    coordinator.run(concertations.close, request, "risk_reduced", "conjoint incarcéré")
    final = to_json(coordinator.run(concertation_reading.record, request))
    assert final["state"] == "closed" and final["closure"]["reason"] == "risk_reduced"
    assert {a["status"] for a in final["actions"]} == {"done", "impossible"}
    assert [s["state"] for s in final["steps"]] == [
        "requested",
        "submitted",
        "committee",
        "concerted",
        "follow_up",
        "follow_up",
        "closed",
    ]
    with pytest.raises(Refused):
        repondant.run(concertations.submit, request, "encore")
    with store.engine.connect() as connection:
        assert connection.execute(select(concertations_table.c.state)).scalar_one() == "closed"
    assert store.verify_audit().ok


def test_each_partner_finds_the_cases_shared_with_it(world: World, records: dict[str, str]) -> None:
    def listed(org: str) -> dict[str, list[str]]:
        return {item.case: list(item.bases) for item in world[user(org, "worker")].run(received.shared_cases)}

    assert listed("Police Rivière") == {
        records["referred"]: ["referral"],
        records["disclosed"]: ["disclosure"],
    }
    assert listed("DPJ Nord") == {records["consent"]: ["consent"]}
    assert listed("Maison Aurore") == {records["transferred"]: ["transferred_out"]}
    assert listed("Cellule Nord") == {}


def test_a_disclosure_altered_behind_the_trigger_is_refused_on_reading(
    sqlite_store: Store, sqlite_session: StoreSession
) -> None:
    sqlite_session.run(
        people.add_organisation,
        "Police Rivière",
        "police",
        admin="paula",
        passphrase=PASSPHRASE,
        kdf=FAST_KDF,
    )
    sqlite_session.run(people.add_user, "wanda", "worker", PASSPHRASE, kdf=FAST_KDF)
    worker = sqlite_store.unlock("wanda", PASSPHRASE)
    case_id = new_case(worker, "Dossier altéré")
    made = worker.run(
        disclosures.disclose, case_id, recipient=POLICE_DESK, grounds=grounds(), fields=["compromission"]
    )
    with sqlite_store.engine.begin() as connection:
        connection.execute(text("DROP TRIGGER disclosures_immutable"))
        connection.execute(text("UPDATE disclosures SET fields = '[\"victim.1.name\"]'"))
    with raises_worded(OperationFailed, "digest"):
        worker.run(disclosures.read_disclosure, made)


# -- emergency (break-glass) access ---------------------------------------------------------------
URGENT = "Il arrive armé ce soir ; il faut l'adresse du refuge pour la protéger"


def test_break_glass_reads_for_a_while_audited_and_supervisors_review_it(
    store: Store, world: World, records: dict[str, str]
) -> None:
    case_id = records["owned"]
    police = world[user("Police Rivière", "worker")]
    with pytest.raises(AccessDenied):
        police.run(casefile.case_detail, case_id)
    with raises_worded(OperationFailed, "passphrase"):
        police.break_glass(case_id, URGENT, "pas la bonne phrase")
    with pytest.raises(Incomplete):
        police.break_glass(case_id, "  ", PASSPHRASE)
    assert count(store, emergency_access) == 0

    opened = police.break_glass(case_id, URGENT, PASSPHRASE)
    with raises_worded(AccessDenied, "does not hold the key"):  # only Maison Aurore holds the case key
        police.run(casefile.case_detail, case_id, reveal=True)
    with pytest.raises(AccessDenied):
        police.run(cases.record_event, case_id, "new_incident")  # not to change
    with store.engine.connect() as connection:
        entry = connection.execute(select(audit_log).where(audit_log.c.action == "case.break_glass")).one()
    detail = json.loads(entry.detail)
    assert entry.case_id == case_id and detail["break_glass"] is True and detail["access"] == opened["id"]
    assert "armé" not in entry.detail  # the reason is sealed, never in the trail

    for reader in ("Maison Aurore", "Police Rivière"):  # the case's owner and the reader's organisation
        [alert] = world[user(reader, "repondant")].run(emergency.emergency_alerts)
        assert alert.id == opened["id"] and alert.reason == URGENT and alert.active
        assert alert.user == user("Police Rivière", "worker") and alert.owner == "Maison Aurore"
    assert world[user("CISSS Nord", "repondant")].run(emergency.emergency_alerts) == []
    with pytest.raises(AccessDenied):
        world[user("Maison Aurore", "worker")].run(emergency.emergency_alerts)

    supervisor = world[user("Maison Aurore", "repondant")]
    supervisor.run(emergency.review_emergency, opened["id"])
    assert supervisor.run(emergency.emergency_alerts) == []
    [reviewed] = supervisor.run(emergency.emergency_alerts, pending_only=False)
    assert reviewed.reviewed_by == user("Maison Aurore", "repondant")
    with pytest.raises(Refused):
        world[user("Police Rivière", "repondant")].run(emergency.review_emergency, opened["id"])
    with pytest.raises(OperationFailed):  # refused; on PostgreSQL the access is not even found
        world[user("CISSS Nord", "repondant")].run(emergency.review_emergency, opened["id"])


def test_break_glass_is_refused_to_an_administrator_and_to_who_already_reads_the_case(
    store: Store, world: World, records: dict[str, str]
) -> None:
    with pytest.raises(Refused, match="administrat"):
        world[user("Police Rivière", "admin")].break_glass(records["owned"], URGENT, PASSPHRASE)
    with pytest.raises(Refused):
        world[user("Maison Aurore", "worker")].break_glass(records["owned"], URGENT, PASSPHRASE)
    with pytest.raises(Refused):
        world[user("Police Rivière", "worker")].break_glass(records["referred"], URGENT, PASSPHRASE)
    with pytest.raises(AccessDenied):
        world[user("Police Rivière", "worker")].break_glass("no-such-case", URGENT, PASSPHRASE)
    assert count(store, emergency_access) == 0


def test_a_share_whose_consent_is_withdrawn_or_expired_is_no_longer_read_by_the_recipient(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    worker = world[user("Maison Aurore", "worker")]
    police = world[user("Police Rivière", "worker")]
    case_id = new_case(worker, "Dossier retrait")

    def consent(categories: list[str], lasting: timedelta) -> str:
        return worker.run(
            consents.give_consent,
            case_id,
            person=NAME,
            purpose="sécurité",
            categories=categories,
            partner_sector="police",
            partner="Police Rivière",
            expires_at=datetime.now(UTC) + lasting,
        )

    def share(categories: list[str]) -> str:
        return worker.run(
            consents.share, case_id, categories=categories, to="Police Rivière", purpose="sécurité"
        )

    withdrawn = consent(["identity", "contact"], timedelta(days=10))
    first = share(["identity", "contact"])
    [got] = police.run(received.shared_with_me, case_id)["received"]
    assert got["share"] == first and "555-0199" in str(got["sent"])
    worker.run(consents.withdraw_consent, withdrawn)
    consent(["identity"], timedelta(days=10))
    read = police.run(received.shared_with_me, case_id)
    assert read["categories"] == ["identity"] and read["received"] == []
    assert "555-0199" not in str(read) and NAME not in str(read)

    consent(["contact"], timedelta(seconds=2))
    second = share(["identity", "contact"])
    [got] = police.run(received.shared_with_me, case_id)["received"]
    assert got["share"] == second and "555-0199" in str(got["sent"])
    later = datetime.now(UTC) + timedelta(seconds=2.1)
    monkeypatch.setattr(world.store, "clock", lambda: later)  # the two seconds of the consent have passed
    read = police.run(received.shared_with_me, case_id)
    assert read["categories"] == ["identity"] and read["received"] == []

    now = datetime.now(UTC)
    register = worker.run(communications.communications_register, now - timedelta(hours=1), now, case_id)
    assert [(line.reference, line.information) for line in register] == [
        (first, ("contact", "identity")),
        (second, ("contact", "identity")),
    ]
