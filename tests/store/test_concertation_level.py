"""A concertation request carries the level its referring organisation confirmed at sign-off (the cell reads
it without reading the case), kept current by that organisation's later confirmed levels with an audit entry;
an organisation that only owns a plan action reads the minimum necessary; stores made before this upgrade
take the level their case has (on a real SQLite file and a real PostgreSQL server)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from csvc_core.framework import Csvc
from csvc_core.output import to_json
from csvc_core.sharing.reasons import Incomplete
from csvc_core.store import Store, casefile, cases, concertation_reading, concertations, migrate, open_store
from csvc_core.store.schema import audit_log
from csvc_core.store.schema import concertations as concertations_table
from csvc_core.store.upgrading import upgrade_store
from tests.support.constants import PASSPHRASE
from tests.support.partnership import SIGN_OFF, World, concerted_with_plan, user
from tests.support.partnership import world as world  # the fixture
from tests.support.stores import full_grid, grid

from .legacy import as_older_csvc

JUDGEMENT = "Elle craint pour sa vie depuis la rupture"
SHELTER_NOTE = "Chambre réservée sous un autre nom"


def entries(store: Store, action: str) -> list[dict[str, Any]]:
    with store.engine.connect() as connection:
        rows = connection.execute(select(audit_log.c.detail).where(audit_log.c.action == action)).scalars()
        return [json.loads(detail) for detail in rows]


def signed_off(world: World, label: str, answers: dict[str, Any]) -> tuple[str, str]:
    """A case of Maison Aurore assessed with ``answers``, and its request signed off by the répondant."""
    worker = world[user("Maison Aurore", "worker")]
    case_id = worker.run(cases.new_case, label)
    worker.assess(case_id, "csvc-grid", answers)
    request = worker.run(
        concertations.request, case_id, criteria=["professional_judgement"], judgement=JUDGEMENT
    )
    world[user("Maison Aurore", "repondant")].run(concertations.submit, request, SIGN_OFF)
    return case_id, request


def test_the_cell_reads_the_carried_level_most_urgent_first(store: Store, world: World) -> None:
    coordinator = world[user("Cellule Nord", "coordinator")]
    _, elevated = signed_off(world, "Dossier élevé", full_grid(separation="yes"))
    case_id, imminent = signed_off(world, "Dossier imminent", grid(homicide_plan="yes"))
    listed = to_json(coordinator.run(concertation_reading.list_concertations))
    assert [(item["id"], item["compromission"]) for item in listed] == [(imminent, 4), (elevated, 3)]
    level = listed[0]["level"]
    assert (level["compromission"], level["instrument"], level["confirmed_by"]) == (
        4,
        "csvc-grid",
        user("Maison Aurore", "worker"),
    )
    (assessment,) = world[user("Maison Aurore", "worker")].run(casefile.case_detail, case_id).assessments
    assert level["assessment"] == assessment.id and level["previous"] is None
    shown = to_json(coordinator.run(concertation_reading.record, imminent))
    assert shown["compromission"] == 4 and shown["level"] == level
    (sent,) = [entry for entry in entries(store, "concertation.submit") if entry["concertation"] == imminent]
    assert sent["level"] == 4


def test_a_case_with_no_confirmed_level_is_not_sent(world: World) -> None:
    worker = world[user("Maison Aurore", "worker")]
    case_id = worker.run(cases.new_case, "Dossier sans évaluation")
    request = worker.run(concertations.request, case_id, criteria=["visible_high_risk"])
    with pytest.raises(Incomplete, match="niveau de compromission confirmé"):
        world[user("Maison Aurore", "repondant")].run(concertations.submit, request, SIGN_OFF)
    assert (
        world[user("Cellule Nord", "coordinator")].run(concertation_reading.record, request).state
        == "requested"
    )


def test_the_referring_organisation_s_new_level_is_carried_with_an_audit_entry(
    store: Store, world: World
) -> None:
    worker = world[user("Maison Aurore", "worker")]
    coordinator = world[user("Cellule Nord", "coordinator")]
    case_id, request = signed_off(world, "Dossier réévalué", full_grid(homicide_plan="yes"))
    calmer = {**full_grid(), "assessed_at": "2026-03-05T10:00:00-05:00"}
    worker.assess(case_id, "csvc-grid", calmer)  # complete, same kind: the case level goes down to 1
    level = to_json(coordinator.run(concertation_reading.record, request).level)
    assert (level["compromission"], level["previous"]) == (1, 4)  # lowered, and shown as such
    worse = {**full_grid(separation="yes"), "assessed_at": "2026-03-06T10:00:00-05:00"}
    worker.assess(case_id, "csvc-grid", worse)
    level = to_json(coordinator.run(concertation_reading.record, request).level)
    assert (level["compromission"], level["previous"]) == (3, 1)
    assert [(e["level"], e["previous"]) for e in entries(store, "concertation.level")] == [(1, 4), (3, 1)]
    assert all(e["concertation"] == request for e in entries(store, "concertation.level"))
    # a closed request keeps the level it was closed with
    coordinator.run(concertations.close, request, "risk_reduced")
    worker.assess(case_id, "csvc-grid", {**full_grid(), "assessed_at": "2026-03-07T10:00:00-05:00"})
    assert coordinator.run(concertation_reading.record, request).compromission == 3
    assert store.verify_audit().ok


def test_an_action_owner_reads_only_what_its_action_needs(store: Store, world: World) -> None:
    coordinator = world[user("Cellule Nord", "coordinator")]
    police = world[user("Police Rivière", "worker")]
    shelter = world[user("Maison Aurore", "repondant")]
    _, request = signed_off(world, "Dossier minimum", grid(homicide_plan="yes"))
    now = datetime.now(UTC)
    plan = {
        "patrouilles au domicile": ("Police Rivière", now + timedelta(days=2)),
        "hébergement sous un autre nom": ("Maison Aurore", now + timedelta(days=1)),
    }
    concerted_with_plan(coordinator, request, "menaces de mort et séparation", plan)
    bed = next(
        a.id
        for a in shelter.run(concertation_reading.record, request).actions
        if a.owner_org == "Maison Aurore"
    )
    shelter.run(concertations.report_done, request, bed, SHELTER_NOTE)
    seen = to_json(police.run(concertation_reading.record, request))
    assert seen["view"] == "own_actions" and seen["compromission"] == 4 and seen["level"] is not None
    assert seen["judgement"] is None and seen["criteria"] == []
    assert [a["description"] for a in seen["actions"]] == ["patrouilles au domicile"]
    assert all(step["note"] is None for step in seen["steps"])
    assert seen["decision"]["reason"] is None and seen["decision"]["concerted_action"]
    assert len(seen["meetings"]) == 1 and seen["next_steps"] == ["report_done"]
    for secret in (JUDGEMENT, SIGN_OFF, SHELTER_NOTE, "hébergement", "menaces de mort"):
        assert secret not in json.dumps(seen, ensure_ascii=False)
    (listed,) = to_json(police.run(concertation_reading.list_concertations))
    assert (listed["view"], listed["criteria"], listed["open_actions"]) == ("own_actions", [], 1)
    assert listed["compromission"] == 4
    whole = to_json(coordinator.run(concertation_reading.record, request))
    assert whole["view"] == "whole" and whole["judgement"] == JUDGEMENT and len(whole["actions"]) == 2
    reads = [e for e in entries(store, "concertation.read") if e["concertation"] == request]
    assert {e["view"] for e in reads} == {"whole", "own_actions"}
    assert world[user("CISSS Nord", "worker")].run(concertation_reading.list_concertations) == []


def test_a_store_of_revision_0004_upgrades_and_its_signed_off_requests_carry_the_case_level(
    store: Store, store_url: str, world: World
) -> None:
    case_id, request = signed_off(world, "Dossier d'avant", grid(homicide_plan="yes"))
    waiting = world[user("Maison Aurore", "worker")].run(
        concertations.request, case_id, criteria=["escalation"]
    )
    (assessment,) = world[user("Maison Aurore", "worker")].run(casefile.case_detail, case_id).assessments
    assert world[user("Cellule Nord", "coordinator")].run(
        concertation_reading.list_concertations
    )  # she exists before the upgrade
    for opened in list(world.values()):
        opened.lock()
    as_older_csvc(store, PASSPHRASE, "0004")
    store.close()
    report = upgrade_store(store_url, "alice", PASSPHRASE)
    assert (report.before, report.after) == ("0004", migrate.SCHEMA_HEAD)
    upgraded = open_store(store_url, csvc=Csvc.load())
    try:
        with upgraded.engine.connect() as connection:
            rows = {r.id: r for r in connection.execute(select(concertations_table))}
        assert rows[request].level == 4 and rows[request].level_assessment == assessment.id
        assert rows[request].level_instrument == "csvc-grid" and rows[request].level_carried_at is not None
        assert rows[waiting].level is None  # not signed off: it will carry the level at its sign-off
        session = upgraded.unlock(user("Cellule Nord", "coordinator"), PASSPHRASE)
        assert to_json(session.run(concertation_reading.record, request))["level"]["compromission"] == 4
        session.lock()
    finally:
        upgraded.close()
