"""Export and import between two real stores: all of it or nothing, never twice, audited, minimum chosen."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import func, select

from csvc_core.errors import BadInput, OperationFailed
from csvc_core.exchange.keys import new_key
from csvc_core.exchange.package import open_package, seal
from csvc_core.exchange.transfer import export_file, import_file
from csvc_core.store import assessing, casefile, people
from csvc_core.store.schema import action_history, actions, assessments, audit_log, case_events, cases
from csvc_core.testing import raises_worded
from tests.support.constants import CANARY, PASSPHRASE
from tests.support.stores import filled_case

KEY = new_key("Partenariat de test")


def counts(store) -> dict[str, int]:
    with store.engine.connect() as connection:
        return {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (cases, assessments, actions, action_history, case_events)
        }


def audit_actions(store) -> list[tuple[str, str]]:
    with store.engine.connect() as connection:
        return [
            (row.action, row.detail)
            for row in connection.execute(select(audit_log).order_by(audit_log.c.seq))
        ]


ENGINES = pytest.mark.parametrize(
    "store_kinds",
    [
        ("sqlite", "sqlite"),
        pytest.param(("postgresql", "sqlite"), marks=pytest.mark.postgres),
        pytest.param(("sqlite", "postgresql"), marks=pytest.mark.postgres),
    ],
    indirect=True,
    ids=["sqlite-sqlite", "postgresql-sqlite", "sqlite-postgresql"],
)


@ENGINES
def test_round_trip_keeps_levels_provenance_and_is_audited(stores, sessions, tmp_path: Path):
    shelter, police = stores
    a, b = sessions
    case_id = filled_case(a)
    package = tmp_path / "out" / "case.csvc"
    package.parent.mkdir()
    package_id = export_file(
        a, case_id, package, ("assessment", "safety_plan", "history", "identity"), key=KEY
    )
    assert stat.S_IMODE(os.stat(package).st_mode) == 0o600
    assert CANARY.encode() not in package.read_bytes()  # sealed
    outcome = import_file(b, package.read_bytes(), "case.csvc", key=KEY)
    assert outcome["added"]["assessments"] == 2 and outcome["added"]["events"] == 1
    original, copy = (
        a.run(casefile.case_detail, case_id, results=True),
        b.run(casefile.case_detail, case_id, results=True, reveal=True),
    )
    assert copy.compromission == original.compromission == 4
    assert [x.level for x in copy.assessments] == [x.level for x in original.assessments]
    assert {x.sector for x in copy.assessments} == {"shelter"}  # the sector that assessed, not the importer's
    assert copy.summary.label == CANARY and copy.organisation == "Police Boréale"
    imported = copy.assessments[0].result["imported_from"]
    assert imported["organisation"] == "Maison Aurore" and imported["by"] == "alice"
    assert imported["package"] == package_id
    assert b.run(assessing.reread_assessment, copy.assessments[0].id).level == "imminent"
    from csvc_core.jsonio import now_local
    from csvc_core.reports.casefile import case_report

    report = case_report(copy.to_json(), b.csvc, fmt="md", generated_at=now_local(), generated_by="bruno")
    assert "alice (Maison Aurore) — importée par bruno" in report
    done = [x for x in copy.actions if x.status == "done"]
    assert done and "Maison Aurore" in (done[0].history[-1].note or "") and CANARY in done[0].history[-1].note
    exported = [detail for action, detail in audit_actions(shelter) if action == "exchange.export"]
    assert exported and package_id in exported[0] and CANARY not in exported[0]
    imported_entries = [detail for action, detail in audit_actions(police) if action == "exchange.import"]
    assert imported_entries and CANARY not in imported_entries[0]
    assert shelter.verify_audit().ok and police.verify_audit().ok


@ENGINES
def test_importing_twice_adds_nothing_and_a_later_package_adds_what_is_new(stores, sessions, tmp_path: Path):
    _, police = stores
    a, b = sessions
    case_id = filled_case(a)
    first = tmp_path / "1.csvc"
    export_file(a, case_id, first, ("assessment", "safety_plan", "history"), key=KEY)
    import_file(b, first.read_bytes(), "1.csvc", key=KEY)
    before = counts(police)
    again = import_file(b, first.read_bytes(), "1.csvc", key=KEY)
    assert not any(again["added"].values()) and counts(police) == before
    a.assess(
        case_id, "csvc-grid", {"assessed_at": "2026-03-09T10:00:00-05:00", "answers": {"stalking": "yes"}}
    )
    second = tmp_path / "2.csvc"
    export_file(a, case_id, second, ("assessment", "safety_plan", "history"), key=KEY)
    later = import_file(b, second.read_bytes(), "2.csvc", key=KEY)
    assert later["added"]["assessments"] == 1 and later["added"]["case"] == 0
    assert counts(police)["assessments"] == before["assessments"] + 1


def tamperings(data: bytes) -> dict[str, bytes]:
    package = json.loads(data)
    flipped = bytearray(data)
    at = data.index(b'"ciphertext": "') + 30
    flipped[at] = ord("B") if flipped[at] != ord("B") else ord("C")
    return {
        "one byte": bytes(flipped),
        "truncated": data[: len(data) - 40],
        "sender changed": json.dumps(
            {**package, "sender": {**package["sender"], "organisation": "Autre"}}
        ).encode(),
        "empty": b"",
    }


@ENGINES
def test_an_altered_or_truncated_package_is_refused_and_nothing_imported(stores, sessions, tmp_path: Path):
    _, police = stores
    a, b = sessions
    path = tmp_path / "case.csvc"
    export_file(a, filled_case(a), path, ("assessment", "safety_plan", "history"), key=KEY)
    before = counts(police)
    for what, data in tamperings(path.read_bytes()).items():
        with raises_worded(BadInput, "nothing imported"):
            import_file(b, data, "case.csvc", key=KEY)
        assert counts(police) == before, what
    refused = [action for action, _ in audit_actions(police) if action == "exchange.import.refused"]
    assert len(refused) == 4
    assert police.verify_audit().ok


def test_a_package_whose_levels_do_not_reread_is_refused_whole(stores, sessions, tmp_path: Path):
    _, police = stores
    a, b = sessions
    path = tmp_path / "case.csvc"
    export_file(a, filled_case(a), path, ("assessment", "safety_plan"), key=KEY)
    header, content = open_package(path.read_bytes(), "case.csvc", keys={KEY.id: KEY})
    content["assessments"][0]["level"] = "imminent"  # the first one computes 'moderate'
    forged = seal(content, {k: header[k] for k in ("package_id", "created_at", "sender")}, key=KEY)
    before = counts(police)
    with raises_worded(BadInput, r"\$\.assessments\[0\]: re-read with its instrument it gives level"):
        import_file(b, forged, "forged.csvc", key=KEY)
    assert counts(police) == before


def test_only_the_chosen_categories_travel(stores, sessions, tmp_path: Path):
    a, b = sessions
    case_id = filled_case(a)
    path = tmp_path / "min.csvc"
    export_file(a, case_id, path, ("assessment",), passphrase=PASSPHRASE)
    _, content = open_package(path.read_bytes(), "min.csvc", passphrase=PASSPHRASE)
    assert set(content) == {"content_version", "categories", "case", "instruments", "assessments"}
    assert content["case"]["label"] is None
    text = json.dumps(content, ensure_ascii=False)
    assert (
        "514 555-0199" not in text and f"départ de {CANARY}" not in text and f"fait avec {CANARY}" not in text
    )
    import_file(b, path.read_bytes(), "min.csvc", passphrase=PASSPHRASE)
    copy = b.run(casefile.case_detail, case_id, reveal=True)
    assert copy.summary.label.startswith(f"Dossier {case_id} reçu de Maison Aurore")
    assert copy.actions == () and copy.events == () and copy.protagonists == ()


def test_unknown_category_and_a_case_held_by_another_organisation(stores, sessions, tmp_path: Path):
    from csvc_core.exchange.content import check_categories
    from tests.support.constants import FAST_KDF

    with raises_worded(BadInput, "^categories: unknown category 'names'"):
        check_categories(["names"])
    _, police = stores
    a, b = sessions
    path = tmp_path / "case.csvc"
    case_id = filled_case(a)
    export_file(a, case_id, path, ("assessment",), key=KEY)
    import_file(b, path.read_bytes(), "case.csvc", key=KEY)
    # the same package back into the sender's own store: its own case, nothing new, nothing doubled
    assert not any(import_file(a, path.read_bytes(), "case.csvc", key=KEY)["added"].values())
    # another organisation sharing the police store may not take the case over by importing it
    b.run(
        people.add_organisation, "Santé Claire", "health", admin="chloe", passphrase=PASSPHRASE, kdf=FAST_KDF
    )
    chloe = police.unlock("chloe", PASSPHRASE)
    before = counts(police)
    with raises_worded(OperationFailed, "under another organisation; nothing imported"):
        import_file(chloe, path.read_bytes(), "case.csvc", key=KEY)
    assert counts(police) == before
    chloe.lock()


def test_real_package_and_content_validate_against_the_export_schema(stores, sessions, tmp_path: Path):
    import jsonschema
    from referencing import Registry, Resource

    from csvc_core.schemas import NAMES, schema

    a, _ = sessions
    path = tmp_path / "case.csvc"
    export_file(
        a,
        filled_case(a),
        path,
        ("assessment", "safety_plan", "history", "identity", "contact", "safe_contact"),
        key=KEY,
    )
    registry = Registry().with_resources(
        (schema(name)["$id"], Resource.from_contents(schema(name))) for name in NAMES
    )
    export = schema("export")
    jsonschema.Draft202012Validator(export, registry=registry).validate(json.loads(path.read_bytes()))
    _, content = open_package(path.read_bytes(), "case.csvc", keys={KEY.id: KEY})
    content_schema = {**export["$defs"]["content"], "$defs": export["$defs"]}
    jsonschema.Draft202012Validator(content_schema, registry=registry).validate(content)
    broken = {**content, "categories": ["names"]}
    assert list(jsonschema.Draft202012Validator(content_schema, registry=registry).iter_errors(broken))
