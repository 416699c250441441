"""The PostgreSQL server keeps organisations apart by itself: a staff member who connects with her own role
and runs raw SQL (psycopg, her derived password) reads and changes only what csvc would let her."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from sqlalchemy.engine import make_url

from csvc_core.errors import OperationFailed
from csvc_core.framework import Csvc
from csvc_core.store import (
    LoginRefused,
    Store,
    cases,
    casetools,
    disclosures,
    drafts,
    handovers,
    init_store,
    outcomes,
    people,
)
from csvc_core.store.pg_logins import database_password, login_verifier, role_name
from tests.support.cli import run_csvc
from tests.support.constants import FAST_KDF, PASSPHRASE
from tests.support.partnership import LAW, ORGS, POLICE_DESK, World, grounds, new_case, user
from tests.support.postgres import PostgresServer

pytestmark = pytest.mark.postgres

AURORE, POLICE = "Maison Aurore", "Police Rivière"
#: every case-bound table a worker of another organisation must not read a row of.
CASE_TABLES = (
    "cases",
    "protagonists",
    "assessments",
    "actions",
    "action_history",
    "case_events",
    "case_tool_versions",
    "case_outcomes",
    "consents",
    "shares",
    "disclosures",
    "referrals",
    "drafts",
)


@pytest.fixture
def world(postgres_url: str) -> Iterator[World]:
    """The partnership's organisations on one PostgreSQL database (alice: Maison Aurore's admin)."""
    store = init_store(
        postgres_url,
        org=AURORE,
        sector="shelter",
        user="alice",
        passphrase=PASSPHRASE,
        kdf=FAST_KDF,
        csvc=Csvc.load(),
    )
    alice = store.unlock("alice", PASSPHRASE)
    admins = {user(AURORE, "admin"): alice}
    for org, sector in ORGS.items():
        if org != AURORE:
            admin = user(org, "admin")
            alice.run(people.add_organisation, org, sector, admin=admin, passphrase=PASSPHRASE, kdf=FAST_KDF)
            admins[admin] = store.unlock(admin, PASSPHRASE)
    yield World(store, admins)
    store.close()


def connect(store: Store, name: str, passphrase: str = PASSPHRASE) -> psycopg.Connection[Any]:
    """What a staff member can do beside csvc: connect as her own role, with her derived password."""
    url = make_url(store.location.sqlalchemy_url)
    database = str(url.database)
    return psycopg.connect(
        host=url.host,
        port=url.port,
        dbname=database,
        user=role_name("user", database, name),
        password=database_password(database, name, passphrase),
        autocommit=True,
    )


def superuser(store: Store) -> psycopg.Connection[Any]:
    url = make_url(store.location.sqlalchemy_url)
    return psycopg.connect(
        host=url.host, port=url.port, dbname=url.database, user="postgres", autocommit=True
    )


def counts(connection: psycopg.Connection[Any], case_id: str | None = None) -> dict[str, int]:
    """Rows of each case-bound table this connection reads (of one case, when given)."""
    found = {}
    for table in CASE_TABLES:
        column = {
            "cases": "id",
            "action_history": "(SELECT a.case_id FROM actions a WHERE a.id = action_id)",
        }.get(table, "case_id")
        where = f" WHERE {column} = %s" if case_id else ""
        found[table] = connection.execute(
            f"SELECT count(*) FROM {table}{where}", (case_id,) if case_id else ()
        ).fetchone()[0]
    return found


def refused(connection: psycopg.Connection[Any], sql: str, *values: object) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        connection.execute(sql, values)


def test_a_worker_of_another_organisation_reads_and_changes_nothing_of_it_with_raw_sql(world: World) -> None:
    store = world.store
    aurore = world[user(AURORE, "worker")]
    case_id = new_case(aurore, "Dossier Aurore")  # two people, an assessment at level 4, its actions
    aurore.run(cases.record_event, case_id, "separation", note="partie hier")
    aurore.run(outcomes.record_outcome, case_id, "threats", "victim", note="menaces par texto")
    aurore.run(drafts.save_draft, case_id, "csvc-grid:victim", {"answers": {"stalking": "yes"}})
    plan = {"sections": {"at_home": {"ready_bag": {"answer": "chez sa sœur", "status": "in_place"}}}}
    aurore.run(casetools.save_tool, case_id, "safety-plan", plan)
    aurore.run(
        disclosures.disclose,
        case_id,
        recipient=POLICE_DESK,
        recipient_org="CISSS Nord",
        grounds=grounds(),
        fields=["victim.1.contact"],
    )
    world[user(POLICE, "worker")]  # Police Rivière's worker, with her login role
    with superuser(store) as root:
        everything = counts(root)
        police_org = root.execute("SELECT id FROM organisations WHERE name = %s", (POLICE,)).fetchone()[0]
        aurore_org = root.execute("SELECT id FROM organisations WHERE name = %s", (AURORE,)).fetchone()[0]
    kept = ("cases", "protagonists", "assessments", "actions", "drafts", "case_tool_versions")
    kept += ("case_outcomes",)
    assert all(everything[table] for table in kept)

    with connect(store, user(POLICE, "worker")) as police:
        assert counts(police) == dict.fromkeys(CASE_TABLES, 0)
        orgs = {row[0] for row in police.execute("SELECT org_id FROM users")}
        assert orgs == {police_org}  # full user rows (hashes, wrapped keys): her organisation's only
        names = {row[0] for row in police.execute("SELECT name FROM user_directory")}
        assert {"alice", user(POLICE, "worker")} <= names  # everyone's name, organisation and role
        refused(police, "UPDATE cases SET org_id = %s", police_org)
        refused(police, "UPDATE users SET role = 'admin'")
        refused(police, "UPDATE users SET active = true")
        refused(police, "DELETE FROM disclosures")
        refused(police, "DELETE FROM audit_log")
        refused(police, "UPDATE audit_log SET detail = '{}'")
        refused(police, "UPDATE assessments SET level = 'low'")
        refused(police, "UPDATE case_outcomes SET kind = 'homicide'")
        refused(
            police,
            "INSERT INTO case_outcomes (id, case_id, org_id, kind, source, occurred_at, recorded_at, "
            "recorded_by) VALUES ('0000000000000002', %s, %s, 'threats', 'court', now(), now(), 'nobody')",
            case_id,
            aurore_org,
        )
        refused(
            police,
            "INSERT INTO cases (id, org_id, label_ct, status, created_at, created_by, version) "
            "VALUES ('0000000000000001', %s, '\\x00', 'open', now(), 'nobody', 1)",
            aurore_org,
        )
        refused(police, "SELECT csvc_transfer_case(%s, 'none')", case_id)
        refused(
            police,
            "INSERT INTO case_tool_versions (id, case_id, org_id, tool, seq, saved_at, saved_by, "
            "changed, content_ct) "
            "VALUES ('0000000000000002', %s, %s, 'safety-plan', 9, now(), 'nobody', '[]', '\\x00')",
            case_id,
            aurore_org,
        )
        assert police.execute("DELETE FROM case_tool_versions WHERE case_id = %s", (case_id,)).rowcount == 0
        assert police.execute("UPDATE cases SET compromission = 1 WHERE id = %s", (case_id,)).rowcount == 0
        assert police.execute("DELETE FROM cases WHERE id = %s", (case_id,)).rowcount == 0
    with superuser(store) as root:
        assert counts(root) == everything
        assert root.execute("SELECT compromission FROM cases WHERE id = %s", (case_id,)).fetchone()[0] == 4

    aurore.run(handovers.refer, case_id, to=POLICE, why="suivi des conditions", basis=LAW)
    with connect(store, user(POLICE, "worker")) as police:
        shared = counts(police, case_id)
        assert shared["cases"] == 1 and shared["protagonists"] == 2 and shared["assessments"] == 1
        assert shared["referrals"] == 1 and shared["drafts"] == 0  # a draft stays its author's own
        assert shared["case_tool_versions"] == 1  # a referral in force reads the whole case
        assert shared["case_outcomes"] == 1
        assert police.execute("UPDATE cases SET compromission = 1 WHERE id = %s", (case_id,)).rowcount == 0
        other = new_case(aurore, "Dossier non partagé")
        assert counts(police, other) == dict.fromkeys(CASE_TABLES, 0)


def test_a_disabled_user_is_refused_by_the_server_and_her_open_session_ends(world: World) -> None:
    store = world.store
    worker = world[user(POLICE, "worker")]
    worker.run(cases.new_case, "Dossier Police")
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        connect(store, user(POLICE, "worker"), "pas la bonne phrase de passe")
    with pytest.raises(LoginRefused):
        store.unlock(user(POLICE, "worker"), "pas la bonne phrase de passe")

    world[user(POLICE, "admin")].run(people.set_user_active, user(POLICE, "worker"), False)
    with pytest.raises(OperationFailed, match=r"disabled|désactivé"):
        worker.run(cases.list_cases)
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        connect(store, user(POLICE, "worker"))
    with pytest.raises(LoginRefused):
        store.unlock(user(POLICE, "worker"), PASSPHRASE)

    again = "une nouvelle phrase de passe assez longue"
    world[user(POLICE, "admin")].run(
        people.set_user_active, user(POLICE, "worker"), True, again, kdf=FAST_KDF
    )
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        connect(store, user(POLICE, "worker"))  # her former passphrase opens nothing any more
    assert [case.id for case in store.unlock(user(POLICE, "worker"), again).run(cases.list_cases)]


def test_an_admin_manages_her_own_organisation_only_even_calling_the_server_by_hand(world: World) -> None:
    store = world.store
    aurore_worker = user(AURORE, "worker")
    world[aurore_worker]
    police_admin = world[user(POLICE, "admin")]
    with pytest.raises(OperationFailed, match=r"not your organisation|pas votre organisation"):
        police_admin.run(
            people.add_user, "taupe", "coordinator", PASSPHRASE, organisation=AURORE, kdf=FAST_KDF
        )
    with pytest.raises(OperationFailed, match=r"own organisation|la sienne"):
        police_admin.run(people.set_user_active, aurore_worker, False)

    database = store.location.database
    with connect(store, user(POLICE, "admin")) as police:
        aurore_org, alice_id = police.execute(
            "SELECT org_id, id FROM user_directory WHERE name = 'alice'"
        ).fetchone()
        worker_id = police.execute(
            "SELECT id FROM user_directory WHERE name = %s", (aurore_worker,)
        ).fetchone()[0]
        refused(
            police,
            "INSERT INTO users (id, org_id, name, role, passphrase_hash, kek_salt, kek_params, wrapped_key, "
            "active, created_at, version) "
            "VALUES ('00000000000000aa', %s, 'taupe', 'admin', 'x', '\\x00', '{}', '\\x00', true, now(), 1)",
            aurore_org,
        )
        refused(police, "SELECT csvc_set_active(%s, false, NULL)", worker_id)
        refused(
            police, "SELECT csvc_add_login(%s, %s)", alice_id, login_verifier(database, "alice", "x" * 12)
        )
        refused(
            police, "SELECT csvc_create_login(%s, %s)", alice_id, login_verifier(database, "alice", "x" * 12)
        )
        refused(police, f'ALTER ROLE "{role_name("user", database, aurore_worker)}" NOLOGIN')
        refused(police, "SELECT * FROM csvc_private.logins")
    assert (
        store.unlock(aurore_worker, PASSPHRASE).run(cases.list_cases) == []
    )  # still enabled, own passphrase


def test_passphrase_change_changes_the_login_and_the_old_one_is_refused(world: World) -> None:
    store = world.store
    name = user(POLICE, "worker")
    worker = world[name]
    new = "une toute nouvelle phrase de passe"
    worker.change_passphrase(PASSPHRASE, new, FAST_KDF)
    worker.run(cases.new_case, "Dossier après le changement")  # the session goes on, on its new login
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        connect(store, name)
    connect(store, name, new).close()
    assert len(store.unlock(name, new).run(cases.list_cases)) == 1


def test_cli_init_from_a_superuser_url_then_work_over_a_url_without_a_user(
    postgres_url: str, pg_server: PostgresServer
) -> None:
    env = {"CSVC_PASSPHRASE": PASSPHRASE}
    done = run_csvc(
        "store",
        "init",
        "--org",
        AURORE,
        "--sector",
        "shelter",
        "--user",
        "alice",
        "--store",
        postgres_url,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    workstation = f"postgresql://127.0.0.1:{pg_server.port}/{make_url(postgres_url).database}"
    done = run_csvc(
        "case",
        "new",
        "--label",
        "Dossier 2026-001",
        "--json",
        "--store",
        workstation,
        "--user",
        "alice",
        env=env,
    )
    assert done.returncode == 0, done.stderr
    case_id = json.loads(done.stdout)["id"]
    done = run_csvc("case", "list", "--json", "--store", workstation, "--user", "alice", env=env)
    assert done.returncode == 0, done.stderr
    assert [case["id"] for case in json.loads(done.stdout)] == [case_id]
    wrong = run_csvc(
        "case",
        "list",
        "--store",
        workstation,
        "--user",
        "alice",
        env={"CSVC_PASSPHRASE": "pas la bonne phrase"},
    )
    assert wrong.returncode == 1 and wrong.stderr.count("\n") == 1 and "Traceback" not in wrong.stderr
    refused_user = run_csvc(
        "store", "init", "--org", "X", "--sector", "shelter", "--user", "x", "--store", workstation, env=env
    )
    assert refused_user.returncode == 1 and "Traceback" not in refused_user.stderr, refused_user.stderr
    upgrade = run_csvc("store", "upgrade", "--store", workstation, "--user", "alice", "--lang", "en", env=env)
    assert upgrade.returncode == 1 and "superuser" in upgrade.stderr and upgrade.stderr.count("\n") == 1
    check = run_csvc("store", "check", "--store", workstation, "--lang", "en")
    assert check.returncode == 1 and "names no one" in check.stderr and check.stderr.count("\n") == 1
    assert run_csvc("store", "check", "--store", postgres_url).returncode == 0


def test_only_a_supervisor_purging_deletes_and_only_closed_cases_of_her_organisation(world: World) -> None:
    store = world.store
    worker = world[user(AURORE, "worker")]
    open_case, closed_case = new_case(worker, "Dossier ouvert"), new_case(worker, "Dossier fermé")
    world[user(AURORE, "repondant")].run(cases.close_case, closed_case, "suivi terminé")
    world[user(AURORE, "coordinator")]
    world[user(POLICE, "coordinator")]
    with connect(store, user(AURORE, "worker")) as own_worker:
        assert own_worker.execute("DELETE FROM cases WHERE id = %s", (closed_case,)).rowcount == 0
        assert own_worker.execute("DELETE FROM assessments").rowcount == 0
    with connect(store, user(POLICE, "coordinator")) as other:
        assert other.execute("DELETE FROM cases WHERE id = %s", (closed_case,)).rowcount == 0
    with connect(store, user(AURORE, "coordinator")) as coordinator:
        assert coordinator.execute("DELETE FROM assessments WHERE case_id = %s", (open_case,)).rowcount == 0
        assert coordinator.execute("DELETE FROM cases WHERE id = %s", (open_case,)).rowcount == 0
        assert coordinator.execute("DELETE FROM cases WHERE id = %s", (closed_case,)).rowcount == 1
    with superuser(store) as root:
        assert counts(root, open_case)["protagonists"] == 2
        assert counts(root, closed_case) == dict.fromkeys(CASE_TABLES, 0)
