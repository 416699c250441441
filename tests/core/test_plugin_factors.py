"""Plugins extend the shared risk-factor vocabulary through ``csvc_factors``, checked for clashes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core_kit import count_table

from csvc_core import hookimpl
from csvc_core.framework import Csvc
from csvc_core.model import Text
from csvc_core.plugins import new_plugin_manager
from csvc_core.problems import worded
from tests.support.instruments import write_toml

CODE = "hotline_callback_refused"


class Factors:
    """A plugin adding factor codes, and shipping the instruments of ``folder`` (if any)."""

    def __init__(self, factors: dict[Any, Any], folder: Path | None = None) -> None:
        self.factors, self.folder = factors, folder

    @hookimpl
    def csvc_factors(self) -> dict[Any, Any]:
        return self.factors

    @hookimpl
    def csvc_instrument_sources(self) -> list[Path]:
        return [self.folder] if self.folder else []


def framework(*plugins: tuple[object, str]) -> Csvc:
    manager = new_plugin_manager(load_entry_points=False)
    for plugin, name in plugins:
        assert manager.register_checked(plugin, name, None), manager.failures
    return Csvc(manager)


def instrument_using_the_new_code(folder: Path) -> Path:
    table = count_table()
    table["items"][0]["factor"] = CODE
    write_toml(folder / "test-count.toml", table)
    return folder


def test_a_plugin_factor_code_is_usable_by_its_instruments(tmp_path: Path) -> None:
    wording = Text(fr="Refuse le rappel de la ligne", en="Refuses the helpline's call-back")
    folder = instrument_using_the_new_code(tmp_path)
    csvc = framework((Factors({CODE: wording}, folder), "hotline"))
    assert csvc.vocabulary[CODE] == wording and "stalking" in csvc.vocabulary
    assert csvc.catalogue.problems == ()
    result = csvc.assess("test-count", {"answers": {"q1": "yes"}})
    assert [factor.factor for factor in result.factors] == [CODE]


def test_without_the_plugin_the_code_is_unknown(tmp_path: Path) -> None:
    csvc = framework((Factors({}, instrument_using_the_new_code(tmp_path)), "hotline"))
    assert any(CODE in problem for problem in csvc.catalogue.problems)
    assert "test-count" not in csvc.catalogue.instruments


def test_clashes_and_bad_codes_are_reported_and_left_out() -> None:
    ours = Text(fr="Filature", en="Stalking")
    csvc = framework(
        (Factors({"stalking": ours, CODE: Text(fr="Refus", en="Refusal")}), "aaa"),
        (
            Factors({CODE: Text(fr="Autre", en="Other"), "Bad-Code": ours, "silent": Text(fr="Muet", en="")}),
            "bbb",
        ),
    )
    vocabulary = csvc.vocabulary
    assert vocabulary[CODE].en == "Refusal" and vocabulary["stalking"] != ours
    assert "Bad-Code" not in vocabulary and "silent" not in vocabulary
    assert [worded(problem, "en") for problem in csvc.catalogue.problems] == [
        "aaa: csvc_factors: factor 'stalking': already defined by the shared vocabulary",
        f"bbb: csvc_factors: factor '{CODE}': already defined by aaa",
        "bbb: csvc_factors: factor 'Bad-Code': use lowercase letters, digits and _, starting with a letter",
        "bbb: csvc_factors: factor 'silent'.en: empty wording",
    ]
