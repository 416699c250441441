"""The plugin system: entry points loaded one by one, failures recorded, strict and disabled modes, and each
hook called plugin by plugin with its answers checked and its proposer kept."""

from __future__ import annotations

import json
import os
import textwrap
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from core_kit import count_table, run_csvc

from csvc_core import hookimpl
from csvc_core.casetools import CaseTool, ToolField, ToolSection, ToolStatus
from csvc_core.errors import BadInput, OperationFailed
from csvc_core.framework import PLUGIN_ERROR_FLAG, Csvc
from csvc_core.model import Action, Flag, Instrument, Result, Score, Text
from csvc_core.plugins import new_plugin_manager
from csvc_core.problems import worded
from csvc_core.rules import CountRule
from csvc_core.sectors import Adaptation, Sector
from csvc_core.testing import raises_worded

GOOD_PLUGIN = '''
from csvc_core import hookimpl
from csvc_core.model import Action, Text

import click


@hookimpl
def csvc_recommend_actions(result, sector):
    return [Action(id="xyz_follow_up", sector="csvc", due=result.assessed_at, mandatory=True,
                   label=Text(fr="Suivi policier", en="Police follow-up"))]


@click.command("xyz-hello")
def hello():
    """Say hello."""
    click.echo("hello from xyz")


@hookimpl
def csvc_commands():
    return [hello, click.Command("assess")]  # a core name: ignored
'''


def write_distribution(site: Path) -> None:
    """A distribution ``xyz`` on ``site`` with three plugins: good, raises at import, misspelt hook."""
    info = site / "xyz-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: xyz\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(
        "[csvc.plugins]\nxyz_good = xyz_good\nxyz_broken = xyz_broken\nxyz_misspelt = xyz_misspelt\n",
        encoding="utf-8",
    )
    (site / "xyz_good.py").write_text(GOOD_PLUGIN, encoding="utf-8")
    (site / "xyz_broken.py").write_text('raise RuntimeError("boom at import")\n', encoding="utf-8")
    (site / "xyz_misspelt.py").write_text(
        textwrap.dedent(
            """
            from csvc_core import hookimpl

            @hookimpl
            def csvc_scroe(instrument, assessment):
                return None
            """
        ),
        encoding="utf-8",
    )


@pytest.fixture
def plugin_env(tmp_path: Path) -> dict[str, str]:
    site = tmp_path / "site"
    write_distribution(site)
    env = {key: value for key, value in os.environ.items() if not key.startswith("CSVC_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH")]))
    return env


def case_file(tmp_path: Path) -> Path:
    path = tmp_path / "case.json"
    payload = {"assessed_at": "2026-03-01T10:00:00-05:00", "answers": {"homicide_plan": "yes"}}
    path.write_text(json.dumps(payload), encoding="utf-8")
    return path


def test_plugins_lists_the_good_one_with_its_hooks_and_the_broken_ones_with_errors(
    plugin_env: dict[str, str],
) -> None:
    done = run_csvc("plugins", "--json", env=plugin_env)
    assert done.returncode == 0, done.stderr
    listing = json.loads(done.stdout)
    plugins = {plugin["name"]: plugin for plugin in listing["plugins"]}
    assert plugins["xyz_good"]["version"] == "1.0"
    assert plugins["xyz_good"]["hooks"] == ["csvc_commands", "csvc_recommend_actions"]
    assert "csvc_core" in plugins
    failed = {failure["name"]: failure for failure in listing["failed"]}
    assert set(failed) >= {"xyz_broken", "xyz_misspelt"}
    assert "RuntimeError: boom at import" in failed["xyz_broken"]["error"]
    assert "csvc_scroe" in failed["xyz_misspelt"]["error"]
    assert failed["xyz_broken"]["version"] == "1.0"
    assert "xyz_broken" not in plugins and "xyz_misspelt" not in plugins


def test_assess_still_works_with_broken_plugins_installed(plugin_env: dict[str, str], tmp_path: Path) -> None:
    done = run_csvc(
        "assess", "--instrument", "csvc-grid", "--answers", str(case_file(tmp_path)), "--json", env=plugin_env
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["level"] == "imminent"
    proposed = {action["id"]: action["proposed_by"] for action in result["actions"]}
    assert proposed["xyz_follow_up"] == "xyz_good"
    assert proposed["emergency_concertation"] == "csvc_core"
    assert "Traceback" not in done.stderr


def test_a_plugin_command_runs(plugin_env: dict[str, str]) -> None:
    done = run_csvc("xyz-hello", env=plugin_env)
    assert (done.returncode, done.stdout) == (0, "hello from xyz\n"), done.stderr


def test_plugins_text_listing(plugin_env: dict[str, str]) -> None:
    done = run_csvc("plugins", "--lang", "en", env=plugin_env)
    assert done.returncode == 0
    assert "Failed plugins:" in done.stdout
    assert "xyz_broken 1.0: RuntimeError: boom at import" in done.stdout


def test_a_broken_plugin_is_named_where_it_may_hide_an_instrument(
    plugin_env: dict[str, str], tmp_path: Path
) -> None:
    answers = str(case_file(tmp_path))
    unknown = run_csvc(
        "assess", "--instrument", "dpj-screen", "--answers", answers, "--lang", "en", env=plugin_env
    )
    assert unknown.returncode == 2 and unknown.stderr.count("\n") == 1
    assert unknown.stderr.startswith("csvc: unknown instrument 'dpj-screen'")
    assert "xyz_broken: RuntimeError: boom at import" in unknown.stderr and "xyz_misspelt" in unknown.stderr

    listed = run_csvc("instruments", "list", "--json", env=plugin_env)
    assert listed.returncode == 0 and "csvc-grid" in {row["id"] for row in json.loads(listed.stdout)}
    assert "xyz_broken: RuntimeError: boom at import" in listed.stderr

    checked = run_csvc("instruments", "validate", "--lang", "en", env=plugin_env)
    assert checked.returncode == 2
    assert "xyz_broken: RuntimeError: boom at import" in checked.stderr and "Traceback" not in checked.stderr
    healthy = run_csvc(
        "instruments", "validate", env={**plugin_env, "CSVC_DISABLE_PLUGINS": "xyz_broken,xyz_misspelt"}
    )
    assert healthy.returncode == 0, healthy.stderr


class BrokenSources:
    """Ships the instruments of a folder (here, one that does not validate)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @hookimpl
    def csvc_instrument_sources(self) -> list[Path]:
        return [self.folder]


class RaisingSources:
    @hookimpl
    def csvc_instrument_sources(self) -> list[Path]:
        raise OSError("data folder missing")


def test_an_invalid_instrument_file_and_a_failing_source_are_named(tmp_path: Path) -> None:
    from tests.support.instruments import write_toml

    table = count_table()
    table["levels"] = []
    write_toml(tmp_path / "test-count.toml", table)
    csvc = framework_with((BrokenSources(tmp_path), "broken_data"), (RaisingSources(), "raising"))
    with pytest.raises(BadInput) as caught:
        csvc.instrument("test-count")
    message = caught.value.text("en")
    assert message.startswith("unknown instrument 'test-count'")
    assert f"broken_data: {tmp_path / 'test-count.toml'}: $.levels: an instrument needs levels" in message
    assert "$.levels: un instrument a besoin de niveaux" in caught.value.text("fr") == str(caught.value)
    assert "raising: csvc_instrument_sources failed" in [worded(p, "en") for p in csvc.catalogue.problems]


def test_strict_mode_reraises(plugin_env: dict[str, str]) -> None:
    done = run_csvc("plugins", "--json", env={**plugin_env, "CSVC_STRICT_PLUGINS": "1"})
    assert done.returncode != 0
    assert "boom at import" in done.stderr
    assert "Traceback" in done.stderr  # for plugin authors: the whole story


def test_disabled_plugins_are_not_loaded(plugin_env: dict[str, str]) -> None:
    env = {**plugin_env, "CSVC_DISABLE_PLUGINS": "xyz_broken, xyz_misspelt"}
    listing = json.loads(run_csvc("plugins", "--json", env=env).stdout)
    assert listing["failed"] == []
    assert listing["disabled"] == ["xyz_broken", "xyz_misspelt"]
    assert "xyz_good" in {plugin["name"] for plugin in listing["plugins"]}


# -- in process: each hook, plugin by plugin ---------------------------------------------------------------
def framework_with(*plugins: tuple[object, str]) -> Csvc:
    manager = new_plugin_manager(load_entry_points=False)
    for plugin, name in plugins:
        assert manager.register_checked(plugin, name, None), manager.failures
    return Csvc(manager)


class Proposer:
    """A plugin proposing one action and one flag, named after itself."""

    def __init__(self, name: str, due_hours: int, mandatory: bool) -> None:
        self.name, self.due_hours, self.mandatory = name, due_hours, mandatory

    @hookimpl
    def csvc_recommend_actions(self, result: Result, sector: str | None) -> list[Action]:
        due = result.assessed_at + timedelta(hours=self.due_hours)
        return [
            Action(id=f"{self.name}_call", sector="csvc", due=due, mandatory=self.mandatory),
            Action(id="shared_meeting", sector="csvc", due=due, mandatory=False),
        ]

    @hookimpl
    def csvc_flags(self, result: Result, history: Sequence[Result]) -> list[Flag]:
        return [Flag(id="seen_by_partner", items=(self.name,))]


GRID_CASE = {"assessed_at": "2026-03-01T10:00:00-05:00", "answers": {"separation": "yes"}}


def test_actions_and_flags_do_not_depend_on_registration_order() -> None:
    alpha, beta = Proposer("alpha", 48, False), Proposer("beta", 2, True)
    one = framework_with((alpha, "alpha"), (beta, "beta")).assess("csvc-grid", GRID_CASE).to_json()
    two = framework_with((beta, "beta"), (alpha, "alpha")).assess("csvc-grid", GRID_CASE).to_json()
    assert one == two
    assert [(a["id"], a["proposed_by"]) for a in one["actions"]] == [
        ("beta_call", "beta"),  # mandatory first
        ("shared_meeting", "alpha, beta"),  # then the earliest due: proposed by both, earliest due kept
        ("alpha_call", "alpha"),
        ("concertation", "csvc_core"),
    ]
    assert one["actions"][1]["due"] == "2026-03-01T12:00:00-05:00"
    flag = next(flag for flag in one["flags"] if flag["id"] == "seen_by_partner")
    assert (flag["items"], flag["proposed_by"]) == (["alpha", "beta"], "alpha, beta")


class Raises:
    @hookimpl
    def csvc_flags(self, result: Result, history: Sequence[Result]) -> list[Flag]:
        raise ZeroDivisionError("bad plugin")


class WrongTypes:
    @hookimpl
    def csvc_recommend_actions(self, result: Result, sector: str | None) -> Any:
        return ["call her"]

    @hookimpl
    def csvc_reassessment_plan(self, result: Result) -> Any:
        return "tomorrow"


def test_a_failing_hook_is_isolated_and_flagged(capsys: pytest.CaptureFixture[str]) -> None:
    csvc = framework_with((Raises(), "raises"), (WrongTypes(), "wrong_types"))
    result = csvc.assess("csvc-grid", GRID_CASE)
    assert result.level == "elevated"
    assert [action.id for action in result.actions] == ["concertation"]
    assert result.reassess_by == datetime.fromisoformat("2026-03-08T10:00:00-05:00")  # the core's plan
    error = next(flag for flag in result.flags if flag.id == PLUGIN_ERROR_FLAG)
    assert error.items == ("raises", "wrong_types")
    assert any(
        "raises: csvc_flags failed: ZeroDivisionError: bad plugin" in str(line) for line in csvc.hook_errors
    )
    assert "csvc: wrong_types: csvc_recommend_actions failed" in capsys.readouterr().err


def test_strict_mode_raises_hook_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSVC_STRICT_PLUGINS", "1")
    with pytest.raises(ZeroDivisionError):
        framework_with((Raises(), "raises")).assess("csvc-grid", GRID_CASE)


class Scorer:
    """Implements the scoring hook that no longer exists: the scoring rules replace it."""

    @hookimpl
    def csvc_score(self, instrument: Instrument, assessment: Any) -> Score | None:
        return Score(score=99, level="imminent", rule="own")


def test_a_plugin_implementing_csvc_score_is_refused_by_name() -> None:
    manager = new_plugin_manager(load_entry_points=False)
    assert not manager.register_checked(Scorer(), "scorer", None)
    (failure,) = manager.failures
    assert failure.name == "scorer" and "csvc_score" in failure.error


class LaterPlan:
    @hookimpl
    def csvc_reassessment_plan(self, result: Result) -> datetime:
        return result.assessed_at + timedelta(days=1)


def test_csvc_reassessment_plan_first_result_wins() -> None:
    result = framework_with((LaterPlan(), "plan")).assess("csvc-grid", GRID_CASE)
    assert result.reassess_by == datetime.fromisoformat("2026-03-02T10:00:00-05:00")


class Halves:
    kind = "halves"

    def score(self, instrument: Instrument, answers: Any) -> Score:
        score = CountRule().score(instrument, answers)
        return Score(score=score.score, level=score.level, factors=score.factors, rule=self.kind)

    def validate(self, instrument: Instrument) -> list[str]:
        return CountRule().validate(instrument)


class RulesAndSourcesBase:
    """Instruments from a folder, and the police sector."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @hookimpl
    def csvc_instrument_sources(self) -> list[Path]:
        return [self.folder]

    @hookimpl
    def csvc_sectors(self) -> list[Sector]:
        return [
            Sector(
                id="police", name=Text(fr="Police", en="Police"), mandate=Text(fr="Protéger", en="Protect")
            )
        ]


class RulesAndSources(RulesAndSourcesBase):
    @hookimpl
    def csvc_scoring_rules(self) -> list[Any]:
        return [Halves(), CountRule()]  # "count" is the core's already: reported, the core's kept


def test_scoring_rules_sources_and_sectors_from_a_plugin(tmp_path: Path) -> None:
    from tests.support.instruments import write_toml

    table = count_table()
    table["rule"]["kind"] = "halves"
    write_toml(tmp_path / "test-count.toml", table)
    csvc = framework_with((RulesAndSources(tmp_path), "zz_rules"))
    assert csvc.catalogue.owners["test-count"] == "zz_rules"
    assert any(
        "rule 'count' is already given by csvc_core" in worded(p, "en") for p in csvc.catalogue.problems
    )
    assert isinstance(csvc.rules["count"], CountRule) and csvc.rules["count"] is not csvc.rules["halves"]
    result = csvc.assess("test-count", {"answers": {"q1": "yes", "q2": "yes"}})
    assert (result.rule, result.level) == ("halves", "mid")
    assert set(csvc.sectors) == {"csvc", "police"}


class Apocalypse:
    """A scoring rule that answers a level its instruments do not have."""

    kind = "apocalypse"

    def score(self, instrument: Instrument, answers: Any) -> Score:
        return Score(score=1, level="apocalypse", rule=self.kind)

    def validate(self, instrument: Instrument) -> list[str]:
        return []


class ApocalypseRule(RulesAndSourcesBase):
    @hookimpl
    def csvc_scoring_rules(self) -> list[Any]:
        return [Apocalypse()]


def test_a_rule_answering_an_unknown_level_is_recorded_against_its_plugin(tmp_path: Path) -> None:
    from tests.support.instruments import write_toml

    table = count_table()
    table["rule"]["kind"] = "apocalypse"
    write_toml(tmp_path / "test-count.toml", table)
    csvc = framework_with((ApocalypseRule(tmp_path), "zz_doom"))
    with pytest.raises(OperationFailed) as refused:
        csvc.assess("test-count", {"answers": {"q1": "yes"}})
    assert refused.value.key == "error.input.no_scorer"
    (error,) = csvc.hook_errors
    assert (error.plugin, error.hook) == ("zz_doom", "csvc_scoring_rules") and "'apocalypse'" in error.error


class PoliceAdaptation:
    @hookimpl
    def csvc_sectors(self) -> list[Sector]:
        return [
            Sector(
                id="police", name=Text(fr="Police", en="Police"), mandate=Text(fr="Protéger", en="Protect")
            )
        ]

    @hookimpl
    def csvc_adapt_instrument(self, instrument: Instrument, sector: str) -> Adaptation | None:
        if sector != "police" or instrument.id != "csvc-grid":
            return None
        return Adaptation(
            hidden=("suicidal_ideation",),
            labels={"stalking": Text(fr="Filature ou surveillance", en="Following or watching")},
            sources={"breach_of_conditions": "police_records"},
        )


def test_csvc_adapt_instrument_hides_rewords_and_keeps_scoring() -> None:
    csvc = framework_with((PoliceAdaptation(), "police_adapt"))
    form = csvc.instrument("csvc-grid", "police")
    ids = [item.id for item in form.items]
    assert "suicidal_ideation" not in ids
    assert form.item("stalking").label.en == "Following or watching"  # type: ignore[union-attr]
    assert form.item("breach_of_conditions").source == "police_records"  # type: ignore[union-attr]
    result = csvc.assess("csvc-grid", GRID_CASE, sector="police")
    assert "suicidal_ideation" in result.missing  # hidden: unknown, never no
    assert csvc.instrument("csvc-grid", "health").items == csvc.instrument("csvc-grid").items


class Notified:
    def __init__(self) -> None:
        self.seen: list[tuple[Any, Any]] = []

    @hookimpl
    def csvc_assessment_confirmed(self, assessment: Any, actions: Sequence[Any]) -> None:
        self.seen.append((assessment, actions))


class NotifiedBadly:
    @hookimpl
    def csvc_assessment_confirmed(self, assessment: Any, actions: Sequence[Any]) -> None:
        raise OSError("mail server down")


def test_csvc_assessment_confirmed_notifies_each_plugin() -> None:
    notified = Notified()
    csvc = framework_with((NotifiedBadly(), "bad_mail"), (notified, "mail"))
    answers = csvc.call_each("csvc_assessment_confirmed", assessment="A-1", actions=["act"])
    assert notified.seen == [("A-1", ["act"])]
    assert [plugin for plugin, value in answers if isinstance(value, Exception)] == ["bad_mail"]


class Wrapper:
    @hookimpl(wrapper=True)
    def csvc_flags(self, result: Result, history: Sequence[Result]) -> Any:
        return (yield)


class WrongArgument:
    @hookimpl
    def csvc_flags(self, result: Result, case: Any) -> list[Flag]:
        return []


@pytest.mark.parametrize(
    ("plugin", "error"),
    [(Wrapper(), "hook wrappers are not supported: csvc_flags"), (WrongArgument(), "case")],
)
def test_plugins_that_cannot_register_are_recorded(plugin: object, error: str) -> None:
    manager = new_plugin_manager(load_entry_points=False)
    assert not manager.register_checked(plugin, "odd", "2.0")
    assert manager.failures[-1].name == "odd" and manager.failures[-1].version == "2.0"
    assert error in manager.failures[-1].error
    assert "odd" not in {info.name for info in manager.plugin_infos()}


def test_a_plugin_registered_later_is_called() -> None:
    csvc = framework_with()
    assert [action.id for action in csvc.assess("csvc-grid", GRID_CASE).actions] == ["concertation"]
    late = Proposer("late", 1, True)
    assert csvc.pm.register_checked(late, "late", None)
    assert "late_call" in [action.id for action in csvc.assess("csvc-grid", GRID_CASE).actions]
    csvc.pm.unregister(late)
    assert [action.id for action in csvc.assess("csvc-grid", GRID_CASE).actions] == ["concertation"]


class ToolMaker:
    """Two case tools: one usable, one without status (reported and left out)."""

    @hookimpl
    def csvc_case_tools(self) -> list[CaseTool]:
        field = ToolField("address", Text(fr="Adresse", en="Address"))
        section = ToolSection("housing", Text(fr="Logement", en="Housing"), (field,))
        done = ToolStatus("done", Text(fr="fait", en="done"))
        return [
            CaseTool("exit-plan", Text(fr="Plan de sortie", en="Exit plan"), (section,), (done,)),
            CaseTool("broken", Text(fr="Cassé", en="Broken"), (section,), ()),
        ]


def test_case_tools_are_collected_and_a_broken_one_is_reported() -> None:
    csvc = framework_with((ToolMaker(), "xyz_tools"))
    assert list(csvc.case_tools) == ["exit-plan"]
    assert "xyz_tools: csvc_case_tools: 'broken': no status" in [
        worded(p, "en") for p in csvc.catalogue.problems
    ]
    with raises_worded(BadInput, "unknown case tool 'broken'"):
        csvc.case_tool("broken")
    assert csvc.case_tool("exit-plan").field_ids() == [("housing", "address")]


class Planner:
    """Answers the first-result hook ``csvc_reassessment_plan`` with its own delay."""

    def __init__(self, hours: int) -> None:
        self.hours = hours

    @hookimpl
    def csvc_reassessment_plan(self, result: Result) -> datetime:
        return result.assessed_at + timedelta(hours=self.hours)

    @hookimpl
    def csvc_sectors(self) -> list[Sector]:
        return [
            Sector(
                id="shared",
                name=Text(fr=f"{self.hours} h", en=f"{self.hours} h"),
                mandate=Text(fr="-", en="-"),
            )
        ]


def test_one_rule_for_who_wins_the_first_plugin_by_name_whatever_the_registration_order() -> None:
    for order in ([(Planner(1), "aaa"), (Planner(2), "zzz")], [(Planner(2), "zzz"), (Planner(1), "aaa")]):
        csvc = framework_with(*order)
        result = csvc.assess("csvc-grid", GRID_CASE)
        assert result.reassess_by == result.assessed_at + timedelta(
            hours=1
        )  # first-result: aaa, not the core
        assert csvc.sectors["shared"].name.fr == "1 h"  # collected: aaa's, the first by name
