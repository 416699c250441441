"""What the report tests compare against: the golden files, the plan, the words that must not show."""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path

GOLDEN = Path(__file__).resolve().parents[1] / "reports" / "golden"


GENERATED_AT = datetime.fromisoformat("2026-03-05T08:00:00-05:00")


#: set CSVC_UPDATE_GOLDEN=1 to rewrite the golden files after a deliberate change (and review the diff).
UPDATE = os.environ.get("CSVC_UPDATE_GOLDEN") == "1"


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} missing: run with CSVC_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


PLAN = {
    "template": "safety-plan",
    "made_at": "2026-03-01T10:00:00-05:00",
    "made_by": "intervenante-12",
    "review_by": "2026-04-01T10:00:00-04:00",
    "sections": {
        "at_home": {
            "ready_bag": {"answer": "Sac chez Maude, sous l'escalier", "status": "in_place"},
            "danger_signs": {"answer": "", "status": "to_do"},
        },
        "when_leaving": {"where_to_go": {"answer": "Chez ma tante <Lise>", "status": "in_place"}},
        "children": {"children_plan": {"answer": "Pas concerné", "status": "not_applicable"}},
        "court": {},
    },
}


#: words that would tell whoever finds the paper what it is about.
GIVEAWAYS = re.compile(
    r"violen|sécurité|securit|safety|danger|victim|conjoint|partner|agress|abus|hébergement|shelter|police|"
    r"csvc|refuge|plan\b|intervenant|worker|dossier|case|risque|risk|menace|threat",
    re.I,
)
