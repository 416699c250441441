"""A re-assessment keeps the actions already open for the case (their due date moved earlier when the new one
is sooner) instead of repeating them, and brings a declined action back only when the level rose (both
engines)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from csvc_core.framework import Csvc
from csvc_core.store import Store, StoreSession, casefile, cases, followup, init_store
from csvc_core.store.schema import audit_log
from tests.support.cli import run_csvc
from tests.support.constants import FAST_KDF, PASSPHRASE
from tests.support.stores import full_grid, grid


def _at(answers: dict[str, Any], when: datetime) -> dict[str, Any]:
    return {**answers, "assessed_at": when.isoformat()}


def checklist(yes: int) -> dict[str, Any]:
    """The shelter's checklist with its first ``yes`` items answered "yes", the others "no"."""
    items = [item.id for item in Csvc.load().instrument("risk-checklist").items if item.type == "yes_no"]
    return {"answers": {item: "yes" if n < yes else "no" for n, item in enumerate(items)}}


def test_a_reassessment_keeps_open_actions_once_and_a_declined_one_declined(
    store: Store, session: StoreSession
) -> None:
    now = datetime.now(UTC)
    case_id = session.run(cases.new_case, "Réévaluée")
    first = session.assess(case_id, "csvc-grid", _at(grid(homicide_plan="yes"), now - timedelta(hours=1)))
    before = {a.action: a for a in session.run(casefile.case_detail, case_id).actions}
    session.run(followup.set_action_status, before["safety_plan"].id, "not_done", "Refuse pour l'instant")

    second = session.assess(case_id, "risk-checklist", _at(checklist(14), now - timedelta(days=2)))

    recommended = {(a.id, a.sector) for a in second.result.actions}
    assert {("shelter_offer", "shelter"), ("safety_plan", "shelter")} <= recommended
    after = session.run(casefile.case_detail, case_id, reveal=True).actions
    assert Counter((a.action, a.sector) for a in after).most_common(1)[0][1] == 1
    kept = {a.id for a in first.actions} & {a.id for a in second.actions}
    assert {a.id for a in after if (a.action, a.sector) in recommended} - kept == {
        a.id for a in second.actions if a.id not in kept
    }
    by_kind = {a.action: a for a in after}
    declined = by_kind["safety_plan"]
    assert declined.status == "not_done" and declined.id in kept
    assert [c.note for c in declined.history if c.note] == ["Refuse pour l'instant"]
    proposed = {a.id: a.due for a in second.result.actions}
    for action in (a for a in after if a.id in kept and a.status == "open"):
        old, new = before[action.action].due, proposed[action.action]
        assert action.due == (min(old, new) if old and new else old or new)
    offer = by_kind["shelter_offer"]
    assert offer.due is not None and offer.due < before["shelter_offer"].due
    assert offer.history[-1].due == offer.due and offer.history[-1].assessment == second.id
    with store.engine.connect() as connection:
        audited = [
            json.loads(row.detail)
            for row in connection.execute(select(audit_log).where(audit_log.c.action == "action.due"))
        ]
    earlier = {a.id for a in after if a.id in kept and a.due != before[a.action].due}
    assert offer.id in earlier
    assert sorted(entry["action"] for entry in audited if entry["assessment"] == second.id) == sorted(earlier)


def test_a_declined_action_comes_back_when_the_level_rose(session: StoreSession) -> None:
    now = datetime.now(UTC)
    case_id = session.run(cases.new_case, "Niveau monté")
    first = session.assess(
        case_id, "csvc-grid", _at(full_grid(violence_history="yes"), now - timedelta(hours=2))
    )
    declined = first.actions[0]
    session.run(followup.set_action_status, declined.id, "impossible", "A déménagé")

    session.assess(case_id, "csvc-grid", _at(grid(homicide_plan="yes"), now - timedelta(hours=1)))

    kind = (declined.action, declined.sector)
    same = [a for a in session.run(casefile.case_detail, case_id).actions if (a.action, a.sector) == kind]
    assert sorted(a.status for a in same) == ["impossible", "open"]


class Cli:
    """The real command line on a fresh store, as its first user; every call in JSON."""

    def __init__(self, tmp_path: Path, store_url: str) -> None:
        self.tmp_path = tmp_path
        self.env = {
            "CSVC_STORE": store_url,
            "CSVC_PASSPHRASE": PASSPHRASE,
            "CSVC_USER": "alice",
            "XDG_DATA_HOME": str(tmp_path / "xdg-data"),
            "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
        }
        first_user = {"user": "alice", "passphrase": PASSPHRASE, "kdf": FAST_KDF}
        init_store(store_url, org="Maison Aurore", sector="shelter", **first_user, csvc=Csvc.load()).close()

    def __call__(self, *args: str) -> Any:
        done = run_csvc(*args, "--json", env=self.env)
        assert done.returncode == 0 and "Traceback" not in done.stderr, (args, done.stderr)
        return json.loads(done.stdout)

    def answers(self, name: str, payload: dict[str, Any]) -> str:
        path = self.tmp_path / name
        path.write_text(json.dumps(payload), encoding="utf-8")
        return str(path)


def test_the_command_line_shows_each_action_once_after_a_second_instrument(
    tmp_path: Path, store_url: str
) -> None:
    csvc = Cli(tmp_path, store_url)
    answers = csvc.answers
    now = datetime.now(UTC)
    case_id = csvc("case", "new", "--label", "Deux instruments")["id"]
    grid_answers = answers("grid.json", _at(grid(homicide_plan="yes"), now - timedelta(hours=1)))
    first = csvc("case", "assess", case_id, "--instrument", "csvc-grid", "--answers", grid_answers)
    [plan] = [a for a in first["stored_actions"] if a["action"] == "safety_plan"]
    csvc("action", "set", plan["id"], "--status", "not_done", "--note", "Pas maintenant")
    checklist_answers = answers("checklist.json", _at(checklist(14), now - timedelta(minutes=30)))
    second = csvc("case", "assess", case_id, "--instrument", "risk-checklist", "--answers", checklist_answers)

    assert {"shelter_offer", "safety_plan"} <= {a["id"] for a in second["actions"]}
    first_ids = {a["id"] for a in first["stored_actions"]}
    kept = [a for a in second["stored_actions"] if a["id"] in first_ids]
    assert {a["action"] for a in kept} >= {"shelter_offer", "safety_plan"}
    assert all(a["assessment"] == first["assessment_id"] for a in kept)
    shown = csvc("case", "show", case_id)["actions"]
    assert Counter((a["action"], a["sector"]) for a in shown).most_common(1)[0][1] == 1
    assert {a["action"]: a["status"] for a in shown}["safety_plan"] == "not_done"


def test_followup_overdue_lists_a_case_with_an_overdue_action_before_its_reassessment_date(
    tmp_path: Path, store_url: str
) -> None:
    csvc = Cli(tmp_path, store_url)
    now = datetime.now(UTC)
    late_action = csvc("case", "new", "--label", "Action en retard")["id"]
    answered = csvc.answers("grid.json", _at(grid(homicide_plan="yes"), now - timedelta(days=2)))
    csvc("case", "assess", late_action, "--instrument", "csvc-grid", "--answers", answered)
    on_time = csvc("case", "new", "--label", "Rien en retard")["id"]
    answered = csvc.answers("low.json", _at(full_grid(violence_history="yes"), now - timedelta(hours=1)))
    csvc("case", "assess", on_time, "--instrument", "csvc-grid", "--answers", answered)

    queue = csvc("followup", "--overdue")

    assert [item["case"] for item in queue] == [late_action]
    assert queue[0]["overdue"] is False and queue[0]["overdue_actions"] > 0
