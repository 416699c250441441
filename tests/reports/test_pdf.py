"""The PDF reports, read back with pypdf: what each holds, what the plan and the summary leave out, and text
outside the built-in fonts' characters printed near as can be, never dropped, never a crash."""

from __future__ import annotations

import io
import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from csvc_core.reports import pdf
from csvc_core.reports.casefile import case_report_context
from csvc_core.reports.concertation import concertation_context
from csvc_core.reports.plan import plan_context
from tests.reports.synthetic import CANARY, cell_requests, synthetic_case
from tests.support.reports import GENERATED_AT, GIVEAWAYS, PLAN

NAME = "Zoë Łukasiewicz-Nguyễn"  # synthetic; Ł and ễ are outside the built-in fonts' characters


def read(content: bytes) -> tuple[str, dict[str, str]]:
    """The PDF's text (spaces and line breaks collapsed, as a table cell may wrap) and its metadata."""
    assert content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    return text, {str(key): str(value) for key, value in (reader.metadata or {}).items()}


@pytest.fixture(scope="module")
def case_text(csvc) -> str:
    case = synthetic_case(csvc, label=NAME)
    return read(pdf.case_pdf(case_report_context(case, csvc, "fr", GENERATED_AT, "coordonnatrice-3")))[0]


def test_case_pdf_holds_levels_factors_override_and_actions(case_text):
    text = case_text
    assert "Rapport du dossier " + "b" * 32 in text and "CONFIDENTIEL" in text
    assert "4/4 — Imminent" in text and "Aggravé (score 2)" in text  # current, then computed level
    assert "Règle par paliers" in text and "tiered" not in text  # what the rule did, in words
    assert "1 Préoccupant" in text and "4 Imminent" in text and "2026-02-01" in text  # the chart's axes
    assert "Services policiers" in text and "Maisons d'hébergement" in text
    assert "Strangulation ou étouffement" in text and "Menaces de mort" in text  # factors, shared vocabulary
    assert "Rehaussé par la professionnelle" in text
    assert "Elle dit qu'il l'attendra <b>ce soir</b> & qu'il a *tout* prévu." in text  # as she wrote it
    assert "Concertation d'urgence" in text and "faite" in text and "en retard" in text  # actions and status
    assert "séparation" in text and "Un score informe, une professionnelle décide." in text


def test_a_name_outside_the_fonts_characters_prints_near_as_can_be(case_text):
    assert "Zoë Lukasiewicz-Nguyên" in case_text  # ë kept, Ł -> L, ễ -> ê: nothing dropped


def test_case_pdf_in_english(csvc):
    content = pdf.case_pdf(case_report_context(synthetic_case(csvc), csvc, "en", GENERATED_AT, "x"))
    text, metadata = read(content)
    assert "Report of case" in text and "Rapport" not in text and "Imminent" in text
    assert metadata["/Title"] == "Report of case " + "b" * 32


@pytest.mark.parametrize(
    ("given_text", "printed"),
    [
        ("« Œuvre » — l’été… “oui” €", "« Œuvre » — l’été… “oui” €"),  # Windows-1252 holds these
        (NAME, "Zoë Lukasiewicz-Nguyên"),
        ("niveau ≥ 3 → concertation", "niveau >= 3 -> concertation"),
        ("e\u0301te\u0301", "été"),  # decomposed accents composed first
        ("ﬁn", "fin"),
        ("王芳 🙂", "?? ?"),  # no Latin form: shown as ?, one for one
        ("a\u0301\u0302\u0303", "á"),  # accents its letter cannot take go, the letter stays
        ("a\u200bb\tc\x07d\ne", "ab c d\ne"),  # invisible marks go; control characters are spaces
    ],
)
def test_printable(given_text, printed):
    assert pdf.printable(given_text) == printed


@given(st.text(max_size=40))
def test_printable_always_prints_and_never_drops_a_character(text):
    printed = pdf.printable(text)
    printed.encode(pdf.ENCODING)  # the built-in fonts take it
    seen = [c for c in unicodedata.normalize("NFC", text) if not unicodedata.combining(c)]
    assert len(printed) >= len([c for c in seen if unicodedata.category(c) != "Cf"])  # one or more each


@settings(max_examples=20, deadline=None)
@given(st.text(min_size=1, max_size=200).filter(str.strip))
def test_any_answer_prints_without_a_crash(answer):
    plan = {"sections": {"at_home": {"ready_bag": {"answer": answer}}}}
    text, _ = read(pdf.plan_pdf(plan_context(plan, "fr")))
    assert text.startswith("Mes notes À la maison")


def test_plan_pdf_is_neutral_in_its_text_and_metadata(csvc):
    for lang, title in (("fr", "Mes notes"), ("en", "My notes")):
        content = pdf.plan_pdf(plan_context(PLAN, lang))
        text, metadata = read(content)
        assert text.startswith(title) and "Chez ma tante <Lise>" in text and "2026-04-01" in text
        neutral = text.replace("Sac chez Maude, sous l'escalier", "").replace("Chez ma tante", "")
        assert GIVEAWAYS.search(neutral) is None, GIVEAWAYS.search(neutral)
        assert "intervenante-12" not in text and "2026-03-01" not in text and "Pas concerné" not in text
        assert set(metadata) == {"/Title", "/CreationDate"} and metadata["/Title"] == title
        # nothing else in the file says what it is about: no author, creator, producer, subject or keyword
        raw = re.sub(rb"stream\r?\n.*?endstream", b"", content, flags=re.S).decode("latin-1")
        assert "/Title (" in raw and re.search(r"/(Author|Creator|Producer|Subject|Keywords)\b", raw) is None
        assert GIVEAWAYS.search(raw.replace("/Catalog", "")) is None


def test_concertation_pdf_holds_only_the_minimum(csvc):
    cell = cell_requests()
    case = synthetic_case(csvc, label=CANARY)
    text, metadata = read(pdf.concertation_pdf(concertation_context(case, csvc, "fr", GENERATED_AT, cell)))
    assert "Résumé pour la concertation" in text and "Niveau rehaussé par le jugement professionnel" in text
    assert "Strangulation ou étouffement" in text and "Concertation intersectorielle" in text
    assert "Cellule d'intervention rapide — en suivi" in text and "Patrouille près du domicile" in text
    for kept_home in (
        CANARY,
        "ce soir",
        "intervenante",
        "agente",
        "coordonnatrice",
        "Concertation d'urgence",
    ):
        assert kept_home not in text and all(kept_home not in value for value in metadata.values())
    assert "/Author" not in metadata
