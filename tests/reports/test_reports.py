"""Reports from a synthetic case: golden files (fr/en, HTML/Markdown), escaping, the victim's neutral
printout, and the concertation summary's minimum."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime

import pytest

from csvc_core.reports.casefile import case_report
from csvc_core.reports.concertation import concertation_report
from csvc_core.reports.plan import plan_report
from csvc_core.reports.rendering import md_escape
from csvc_core.testing import raises_worded
from tests.reports.synthetic import CANARY, cell_requests, synthetic_case
from tests.support.reports import GENERATED_AT, GIVEAWAYS, PLAN, golden


@pytest.fixture(scope="module")
def core_only():
    """The core alone: golden files do not change when a sector plugin rewords its sector's name."""
    from csvc_core.framework import Csvc
    from csvc_core.plugins import new_plugin_manager

    return Csvc(new_plugin_manager(load_entry_points=False))


@pytest.mark.parametrize(("fmt", "lang"), [("html", "fr"), ("md", "fr"), ("html", "en"), ("md", "en")])
def test_case_report_matches_golden(core_only, fmt, lang):
    csvc = core_only
    text = case_report(
        synthetic_case(csvc),
        csvc,
        fmt=fmt,
        lang=lang,
        generated_at=GENERATED_AT,
        generated_by="coordonnatrice-3",
    )
    golden(f"case.{lang}.{fmt}", text)


def test_case_report_holds_every_sector_level_trend_factor_override_action(csvc):
    html = case_report(synthetic_case(csvc), csvc, fmt="html", generated_at=GENERATED_AT, generated_by="x")
    sectors = {csvc.sectors[s].name.fr for s in ("police", "shelter")}
    assert all(name in html for name in sectors)
    assert "<svg" in html and html.count("<circle") == 3
    svg = html[html.index("<svg") : html.index("</svg>") + 6]
    ET.fromstring(svg)  # well-formed
    assert "Strangulation ou étouffement" in html  # a factor, in the shared vocabulary
    assert "Niveau proposé par l&#39;instrument" in html and "Imminent" in html and "Aggravé" in html
    # the override's free text is escaped, never markup
    assert "&lt;b&gt;ce soir&lt;/b&gt; &amp; qu&#39;il a *tout* prévu." in html and "<b>ce soir" not in html
    assert "Concertation d&#39;urgence" in html and "faite" in html and "en retard" in html
    assert "2026-03-04 10:00 (UTC-05:00)" in html  # next re-assessment


def test_markdown_escapes_free_text(csvc):
    md = case_report(synthetic_case(csvc), csvc, fmt="md", generated_at=GENERATED_AT, generated_by="x")
    assert r"&lt;b&gt;ce soir&lt;/b&gt; &amp; qu'il a \*tout\* prévu." in md
    assert md_escape("a|b [c](d) `e` _f_\nnext") == r"a\|b \[c\](d) \`e\` \_f\_ next"


def test_label_only_when_revealed(csvc):
    hidden = case_report(synthetic_case(csvc), csvc, fmt="html", generated_at=GENERATED_AT, generated_by="x")
    shown = case_report(
        synthetic_case(csvc, label=CANARY), csvc, fmt="html", generated_at=GENERATED_AT, generated_by="x"
    )
    assert CANARY not in hidden and CANARY in shown


def test_concertation_summary_holds_only_the_minimum(csvc):
    case = synthetic_case(csvc, label=CANARY)
    for fmt in ("html", "md"):
        text = concertation_report(case, csvc, fmt=fmt, generated_at=GENERATED_AT)
        assert CANARY not in text
        assert "ce soir" not in text  # the override's reason stays home
        assert "intervenante" not in text and "agente" not in text  # no staff names either
        assert "Niveau rehaussé par le jugement professionnel" in text
        assert "Concertation intersectorielle" in text  # the open action
        assert "Concertation d'urgence" not in text.replace("&#39;", "'")  # done: not on the agenda
        assert "Strangulation ou étouffement" in text


def test_concertation_summary_adds_the_cells_request_and_plan(csvc):
    cell = cell_requests()
    text = concertation_report(synthetic_case(csvc), csvc, fmt="md", generated_at=GENERATED_AT, cell=cell)
    assert "Cellule d'intervention rapide — en suivi" in text
    assert "jugement professionnel, risque élevé visible" in text
    assert "Patrouille près du domicile | Police Boréale (" in text
    assert CANARY not in text and "intervenante-12" not in text  # judgement, notes and steps stay home


def test_concertation_golden(core_only):
    text = concertation_report(synthetic_case(core_only), core_only, fmt="md", generated_at=GENERATED_AT)
    golden("concertation.fr.md", text)


@pytest.mark.parametrize(("fmt", "lang"), [("html", "fr"), ("md", "fr"), ("html", "en"), ("md", "en")])
def test_printable_plan_is_neutral_and_holds_her_answers(fmt, lang):
    text = plan_report(PLAN, fmt=fmt, lang=lang)
    answers_removed = text
    for answer in ("Sac chez Maude, sous l'escalier", "Sac chez Maude, sous l&#39;escalier", "Chez ma tante"):
        answers_removed = answers_removed.replace(answer, "")
    assert GIVEAWAYS.search(answers_removed) is None, GIVEAWAYS.search(answers_removed)
    assert "intervenante-12" not in text and "2026-03-01" not in text
    assert "Pas concerné" not in text  # not applicable: left out
    assert ("Mes notes" if lang == "fr" else "My notes") in text
    assert "2026-04-01" in text
    if fmt == "html":
        assert "Chez ma tante &lt;Lise&gt;" in text
    golden(f"plan.{lang}.{fmt}", text)


def test_plan_that_is_not_a_plan_is_refused_in_one_line():
    from csvc_core.errors import BadInput

    with raises_worded(BadInput, r"^plan.json: \$\.sections: "):
        plan_report({"sections": "nope"}, source="plan.json")
    with raises_worded(BadInput, r"\$\.sections\.at_home\.ready_bag\.answer: expected text"):
        plan_report({"sections": {"at_home": {"ready_bag": {"answer": 3}}}}, source="plan.json")


def test_trend_chart_geometry_keeps_points_legend_and_dates_apart():
    from csvc_core.reports import chart

    start = datetime.fromisoformat("2026-01-01T10:00:00-05:00")
    points = [
        chart.Point(start.replace(day=day), level, sector)
        for day, level, sector in ((1, 1, "A"), (5, 4, "B"), (9, 2, "C"), (12, 3, "D"), (20, 4, "A"))
    ]
    svg = ET.fromstring(chart.trend_svg(points, ["un", "deux", "trois", "quatre"], "titre", "desc"))
    ns = "{http://www.w3.org/2000/svg}"
    height = float(svg.get("height"))
    for circle in svg.iter(f"{ns}circle"):
        x, y = float(circle.get("cx")), float(circle.get("cy"))
        assert chart.LEFT < x < chart.WIDTH - chart.RIGHT and chart.TOP <= y <= chart.PLOT_BOTTOM
    legend = [float(rect.get("y")) for rect in svg.iter(f"{ns}rect")]
    assert len(legend) == 4 and min(legend) > chart.PLOT_BOTTOM + 22 and max(legend) + 10 <= height
    assert svg.find(f"{ns}title").text == "titre"
    assert ET.fromstring(chart.trend_svg([], ["1", "2", "3", "4"], "t", "d")).get("height")
