"""``csvc report`` on a real store, through the real command line: French by default, audited, masked."""

from __future__ import annotations

import json
import os
import re
import stat
from importlib.metadata import entry_points
from pathlib import Path

from sqlalchemy import select

from csvc_core.store import cases, concertations, people
from csvc_core.store.schema import audit_log
from tests.support.cli import run_csvc
from tests.support.constants import CANARY, FAST_KDF, PASSPHRASE
from tests.support.reports import GIVEAWAYS, PLAN, golden
from tests.support.stores import filled_case


def env_for(store, user: str) -> dict[str, str]:
    return {
        "CSVC_STORE": f"sqlite:///{store.location.path}",
        "CSVC_USER": user,
        "CSVC_PASSPHRASE": PASSPHRASE,
    }


def normalise(text: str) -> str:
    """Generated ids and times out: what is left must not move between runs."""
    text = re.sub(r"\b[0-9a-f]{16}\b", "<id>", text)
    return re.sub(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} \(UTC[+-]\d{2}:\d{2}\)", "<time>", text)


def test_case_report_in_french_by_default_and_every_print_audited(stores, sessions, tmp_path: Path):
    shelter, _ = stores
    a, _ = sessions
    case_id = filled_case(a)
    env = env_for(shelter, "alice")
    html = run_csvc("report", case_id, env=env)
    assert html.returncode == 0, html.stderr
    assert html.stdout.startswith("<!DOCTYPE html>") and 'lang="fr"' in html.stdout and "<svg" in html.stdout
    assert "Niveau de compromission de la sécurité actuel" in html.stdout
    assert CANARY not in html.stdout.replace(f"{CANARY} a reçu", "")  # the name stays masked
    assert f"{CANARY} a reçu des menaces" in html.stdout  # the override's reason is the professional's record
    md = run_csvc("report", case_id, "--format", "md", "--lang", "en", env=env)
    assert md.returncode == 0 and "# Report of case" in md.stdout
    out = tmp_path / "rapport.html"
    written = run_csvc("report", case_id, "-o", str(out), "--reveal", env=env)
    assert written.returncode == 0 and written.stdout == ""
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600 and CANARY in out.read_text(encoding="utf-8")
    with shelter.engine.connect() as connection:
        prints = [
            json.loads(row.detail)
            for row in connection.execute(
                select(audit_log).where(audit_log.c.action == "case.print").order_by(audit_log.c.seq)
            )
        ]
    assert [p["format"] for p in prints] == ["html", "md", "html"]
    assert "label" in prints[-1]["fields"] and "label" not in prints[0]["fields"]
    assert all(CANARY not in json.dumps(p, ensure_ascii=False) for p in prints)


def test_stored_case_golden_with_the_core_alone(stores):
    """A stored case's report, ids and times normalised; the core alone, so sector plugins may evolve."""
    from csvc_core.framework import Csvc
    from csvc_core.plugins import new_plugin_manager
    from csvc_core.store import open_store

    shelter, _ = stores
    core_alone = Csvc(new_plugin_manager(load_entry_points=False))
    with open_store(shelter.location.url, csvc=core_alone) as opened, opened.unlock("alice", PASSPHRASE) as a:
        case_id = filled_case(a)
    names = ",".join(ep.name for ep in entry_points(group="csvc.plugins"))
    md = run_csvc(
        "report",
        case_id,
        "--format",
        "md",
        "--lang",
        "en",
        env={**env_for(shelter, "alice"), "CSVC_DISABLE_PLUGINS": names},
    )
    assert md.returncode == 0, md.stderr
    golden("stored-case.en.md", normalise(md.stdout))


def test_concertation_and_plan_kinds(stores, sessions, tmp_path: Path):
    shelter, _ = stores
    a, _ = sessions
    case_id = filled_case(a)
    env = env_for(shelter, "alice")
    a.run(people.add_user, "wendy", "worker", PASSPHRASE, kdf=FAST_KDF)
    worker = shelter.unlock("wendy", PASSPHRASE)
    worker.run(concertations.request, case_id, criteria=["visible_high_risk"])
    worker.lock()
    summary = run_csvc("report", case_id, "--kind", "concertation", "--format", "md", env=env)
    assert summary.returncode == 0, summary.stderr
    assert CANARY not in summary.stdout and "Motifs de la concertation" in summary.stdout
    assert (
        "Cellule d'intervention rapide — demandée" in summary.stdout
        and "risque élevé visible" in summary.stdout
    )
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(PLAN), encoding="utf-8")
    checked = run_csvc("safety-plan", "check", str(plan), "--json")  # the shelter plugin's plan model
    if checked.returncode == 0:
        plan.write_text(checked.stdout, encoding="utf-8")
        assert len(json.loads(checked.stdout)["sections"]) == 6
    printed = run_csvc("report", case_id, "--kind", "plan", "--plan", str(plan), env=env)
    assert printed.returncode == 0, printed.stderr
    assert case_id not in printed.stdout and "Maison Aurore" not in printed.stdout
    neutral = printed.stdout.replace("Sac chez Maude, sous l&#39;escalier", "").replace("Chez ma tante", "")
    assert GIVEAWAYS.search(neutral) is None


def test_bad_requests_get_one_line(stores, sessions):
    shelter, _ = stores
    env = env_for(shelter, "alice")
    for args, code, start in (
        (("report", "0000000000000000"), 1, "csvc: dossier '0000000000000000' introuvable"),
        (("report", "x", "--plan", "p.json", "--lang", "en"), 2, "csvc: --plan: only with --kind plan"),
        (("report", "x", "--format", "pdf"), 2, "csvc: --format pdf : un PDF est binaire"),
        (("report", "x", "--format", "odt"), 2, "Utilisation :"),
    ):
        done = run_csvc(*args, env=env)
        assert done.returncode == code, (args, done.stderr)
        assert start in done.stderr and "Traceback" not in done.stderr
        if start.startswith("csvc:"):
            assert done.stderr.count("\n") == 1 and done.stdout == ""


def test_pdf_of_each_kind_written_0600_and_audited(stores, sessions, tmp_path: Path):
    from pypdf import PdfReader

    shelter, _ = stores
    a, _ = sessions
    case_id = filled_case(a)
    env = env_for(shelter, "alice")
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(PLAN), encoding="utf-8")
    texts = {}
    for kind, extra in (("case", ("--reveal",)), ("concertation", ()), ("plan", ("--plan", str(plan)))):
        out = tmp_path / f"{kind}.pdf"
        done = run_csvc("report", case_id, "--kind", kind, "--format", "pdf", "-o", str(out), *extra, env=env)
        assert done.returncode == 0 and done.stdout == "" and done.stderr == "", done.stderr
        assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
        texts[kind] = " ".join(page.extract_text() for page in PdfReader(out).pages)
    assert "Niveau de compromission de la sécurité actuel" in texts["case"] and CANARY in texts["case"]
    assert CANARY not in texts["concertation"] and "Motifs de la concertation" in texts["concertation"]
    assert texts["plan"].startswith("Mes notes") and case_id not in texts["plan"]
    with shelter.engine.connect() as connection:
        prints = [
            json.loads(row.detail)
            for row in connection.execute(
                select(audit_log).where(audit_log.c.action == "case.print").order_by(audit_log.c.seq)
            )
        ]
    assert [(p["kind"], p["format"]) for p in prints] == [
        ("case", "pdf"),
        ("concertation", "pdf"),
        ("plan", "pdf"),
    ]


def test_the_plan_is_imported_into_the_case_shown_and_printed_from_it(stores, sessions, tmp_path: Path):
    shelter, _ = stores
    a, _ = sessions
    case_id = a.run(cases.new_case, "Dossier plan CLI")
    env = env_for(shelter, "alice")
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({**PLAN, "made_by": ""}), encoding="utf-8")
    refused = run_csvc("safety-plan", "import", case_id, str(path), env=env)
    assert refused.returncode == 2 and "$.made_by" in refused.stderr and refused.stderr.count("\n") == 1
    path.write_text(json.dumps(PLAN), encoding="utf-8")
    imported = run_csvc("safety-plan", "import", case_id, str(path), env=env)
    assert imported.returncode == 0, imported.stderr
    assert f"Plan de sécurité enregistré dans le dossier {case_id} (version 1)" in imported.stdout

    shown = run_csvc("safety-plan", "show", case_id, "--json", env=env)
    assert shown.returncode == 0, shown.stderr
    plan = json.loads(shown.stdout)
    assert plan["seq"] == 1 and plan["history"][0]["saved_by"] == "alice"
    assert plan["sections"]["at_home"]["ready_bag"] == PLAN["sections"]["at_home"]["ready_bag"]
    assert "at_home.ready_bag" in plan["history"][0]["changed"]
    text = run_csvc("safety-plan", "show", case_id, "--lang", "en", env=env)
    assert "[in place] A bag packed and hidden" in text.stdout and "Version 1," in text.stdout

    printed = run_csvc("report", case_id, "--kind", "plan", env=env)  # from the case, no file
    assert printed.returncode == 0, printed.stderr
    assert "<title>Mes notes</title>" in printed.stdout and "Chez ma tante" in printed.stdout
    neutral = printed.stdout.replace("Sac chez Maude, sous l&#39;escalier", "").replace("Chez ma tante", "")
    assert case_id not in printed.stdout and GIVEAWAYS.search(neutral) is None
