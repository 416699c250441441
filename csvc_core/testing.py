"""A pytest plugin for plugin authors (registered through the ``pytest11`` entry point).

Fixtures:
- ``csvc_framework``: a fresh :class:`~csvc_core.Csvc` with the core and every installed plugin;
- ``csvc_with_plugin``: a factory ``csvc_with_plugin(module_or_object, name)`` giving a framework with
  the core and only that plugin registered (the installed ones left out), for isolated contract tests;
- ``assess_vignette``: runs a vignette (``{"instrument", "input", "expect"}``) and returns the list
  of mismatches;
- ``csvc_plugin_problems``: a factory ``csvc_plugin_problems(module_or_object, name)`` giving the
  contract problems of one plugin registered alone with the core (empty list: it keeps the contract).

Helpers: :func:`check_vignette`, :func:`load_vignettes` (every ``*.json`` vignette of a folder), and
:func:`raises_worded` (an error whose message, worded in a language, matches a pattern).
"""

from __future__ import annotations

import contextlib
import json
import re
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from csvc_core.errors import BadInput, CsvcError
from csvc_core.problems import Problem, within


@contextlib.contextmanager
def raises_worded(
    error: type[CsvcError], pattern: str, lang: str = "en"
) -> Iterator[pytest.ExceptionInfo[CsvcError]]:
    """Like ``pytest.raises(error, match=pattern)``, matching the message as worded in ``lang`` (a message
    is French by default; a test that pins its English wording says so)."""
    with pytest.raises(error) as caught:
        yield caught
    text = caught.value.text(lang)
    assert re.search(pattern, text), f"{pattern!r} does not match {text!r}"


def vignette_payload(vignette: dict[str, Any], yes_no_items: list[str]) -> dict[str, Any]:
    """A vignette's input as an answers object; ``"FIRST_14_YES"`` expands over ``yes_no_items`` in order."""
    payload = dict(vignette["input"])
    if payload.get("answers") == "FIRST_14_YES":
        payload["answers"] = {item: "yes" if index < 14 else "no" for index, item in enumerate(yes_no_items)}
    return payload


#: the expectation keys that are not keys of the result itself.
EXPECT_KEYS = ("exit", "flags_include", "actions_include")
#: the keys of one ``actions_include`` entry.
ACTION_EXPECT_KEYS = ("id", "due_within_hours")


def compare_vignette(expect: dict[str, Any], status: int, output: dict[str, Any]) -> list[str]:
    """Mismatches between a vignette's ``expect`` and an exit status with its JSON output (CLI or API)."""
    problems: list[str] = []
    if expect.get("exit", 0) != status:
        problems.append(Problem("exit", "author.vignette_expected", wanted=expect.get("exit", 0), got=status))
    if status != 0:
        return problems
    for key, wanted in expect.items():
        if key == "exit":
            continue
        if key not in EXPECT_KEYS and key not in output:
            known = ", ".join([*EXPECT_KEYS, *output])
            problems.append(Problem("expect", "author.vignette_unknown_key", name=key, known=known))
            continue
        if key == "flags_include":
            ids = {flag["id"] for flag in output["flags"]}
            problems += [
                Problem("flags", "author.vignette_missing", id=flag) for flag in wanted if flag not in ids
            ]
        elif key == "actions_include":
            problems += _action_problems(output, wanted)
        elif output.get(key) != wanted:
            problems.append(Problem(key, "author.vignette_expected", wanted=wanted, got=output.get(key)))
    return problems


def check_vignette(csvc: Any, vignette: dict[str, Any]) -> list[str]:
    """Mismatches between a vignette's ``expect`` and what the pipeline gives (empty list: it passes)."""
    instrument_id = vignette["instrument"]
    try:
        yes_no = [item.id for item in csvc.instrument(instrument_id).items if item.type == "yes_no"]
        output = csvc.assess(instrument_id, vignette_payload(vignette, yes_no)).to_json()
        status = 0
    except BadInput:
        output, status = {}, 2
    return compare_vignette(vignette["expect"], status, output)


def _action_problems(output: dict[str, Any], wanted: list[dict[str, Any]]) -> list[str]:
    problems: list[str] = []
    assessed_at = datetime.fromisoformat(output["assessed_at"])
    for spec in wanted:
        unknown = [key for key in spec if key not in ACTION_EXPECT_KEYS]
        if unknown or "id" not in spec:
            problems.append(
                Problem(
                    "actions_include",
                    "author.vignette_action_keys" if unknown else "author.vignette_action_id",
                    keys=", ".join(repr(key) for key in unknown),
                    spec=spec,
                    known=", ".join(ACTION_EXPECT_KEYS),
                )
            )
            continue
        found = [action for action in output["actions"] if action["id"] == spec["id"]]
        if not found:
            problems.append(Problem("actions", "author.vignette_missing", id=spec["id"]))
            continue
        hours = spec.get("due_within_hours")
        if hours is not None:
            due = found[0]["due"]
            if (
                due is None
                or not 0 <= (datetime.fromisoformat(due) - assessed_at).total_seconds() <= hours * 3600
            ):
                problems.append(
                    Problem(
                        "actions", "author.vignette_due", id=spec["id"], due=due, hours=hours, at=assessed_at
                    )
                )
    return problems


@pytest.fixture
def csvc_framework() -> Any:
    from csvc_core.framework import Csvc
    from csvc_core.plugins import new_plugin_manager

    return Csvc(new_plugin_manager())


@pytest.fixture
def csvc_with_plugin() -> Callable[[object, str], Any]:
    from csvc_core.framework import Csvc
    from csvc_core.plugins import new_plugin_manager

    def build(plugin: object, name: str) -> Any:
        manager = new_plugin_manager(load_entry_points=False)
        if not manager.register_checked(plugin, name, None):
            raise AssertionError(f"plugin {name} did not register: {manager.failures[-1].error}")
        return Csvc(manager, known_sectors=installed_sectors())

    return build


def installed_sectors() -> list[Any]:
    """The sectors the installed plugins declare: a plugin tested alone may serve them without declaring."""
    from csvc_core.framework import Csvc

    return list(Csvc.load().sectors.values())


@pytest.fixture
def assess_vignette(csvc_framework: Any) -> Callable[[dict[str, Any]], list[str]]:
    return lambda vignette: check_vignette(csvc_framework, vignette)


def load_vignettes(folder: Path | str) -> list[tuple[str, dict[str, Any]]]:
    """``(name, vignette)`` for every ``*.json`` file of ``folder``, sorted by name.

    A folder that is missing or holds no vignette raises :class:`FileNotFoundError`: a test over no vignette
    would pass while testing nothing.
    """
    paths = sorted(Path(folder).glob("*.json"))
    if not paths:
        raise FileNotFoundError(f"{folder}: no vignette (*.json) found")
    return [(path.stem, json.loads(path.read_text(encoding="utf-8"))) for path in paths]


def plugin_problems(plugin: object, name: str) -> list[str]:
    """Contract problems of ``plugin`` registered alone with the core (empty list: none).

    It must register (hooks spelt right), answer its hooks without error, ship instruments that load and
    validate, and score each of them on no answers and on all-yes answers with a level of that instrument
    (a plugin without instruments is run on the core's). Its wording must be complete in French and English:
    sectors, adaptations, flags and actions, and its ``locale`` catalogues
    (``<lang>/LC_MESSAGES/messages.po``).
    """
    from csvc_core.framework import Csvc
    from csvc_core.plugins import new_plugin_manager

    manager = new_plugin_manager(load_entry_points=False)
    if not manager.register_checked(plugin, name, None):
        return [Problem("registration", "author.kit_registration", error=manager.failures[-1].error)]
    csvc = Csvc(manager, known_sectors=installed_sectors())
    problems = [within("instruments", problem) for problem in csvc.catalogue.problems]
    owned = [iid for iid, owner in sorted(csvc.catalogue.owners.items()) if owner == name]
    # a plugin without instruments is run on the core's: its flags and actions follow every instrument
    checked = owned or sorted(csvc.catalogue.instruments)
    results = []
    for instrument_id in checked:
        instrument = csvc.instrument(instrument_id)
        yes = {item.id: "yes" for item in instrument.items if item.type == "yes_no"}
        # the instrument's first protagonist; a judgement instrument needs the professional's level
        base: dict[str, Any] = {"protagonist": instrument.protagonists[0]}
        if instrument.rule.kind == "judgement":
            lowest = instrument.lowest_level().id
            base["override"] = {"level": lowest, "reason": "contract check", "by": "csvc_core.testing"}
        for label, answers in (("no_answers", {}), ("all_yes", yes)):
            try:
                result = csvc.assess(instrument_id, {**base, "answers": answers})
            except Exception as exc:
                problems.append(
                    Problem(instrument_id, f"author.kit_{label}_failed", error=f"{type(exc).__name__}: {exc}")
                )
                continue
            results.append(result)
            if result.level is not None and instrument.level(result.level) is None:
                problems.append(Problem(instrument_id, f"author.kit_{label}_level", level=result.level))
    problems += _wording_problems(csvc, plugin, name, results)
    problems += [Problem("", "author.kit_hook_failed", error=str(error)) for error in csvc.hook_errors]
    return problems


def _wording_problems(csvc: Any, plugin: object, name: str, results: list[Any]) -> list[str]:
    """Empty French or English in the plugin's sectors, adaptations, flags and actions, and its catalogues
    (``locale/{fr,en}/LC_MESSAGES/messages.po`` next to its module) incomplete in a language."""
    from csvc_core.translations import catalogue_problems, text_problems

    problems: list[str] = []
    own = [sector for owner, sector in csvc.declared_sectors if owner == name]
    for sector in own:
        problems += text_problems(f"csvc_sectors: {sector.id}.name", sector.name)
        problems += text_problems(f"csvc_sectors: {sector.id}.mandate", sector.mandate)
        for instrument in csvc.instruments():
            for adaptation in csvc.adaptations(instrument, sector.id):
                for item, label in adaptation.labels.items():
                    problems += text_problems(
                        f"csvc_adapt_instrument: {instrument.id}/{sector.id}: {item}", label
                    )
    for result in results:
        proposed = [*result.flags, *result.actions]
        for found in proposed:
            if name in found.proposed_by.split(", "):
                kind = "flag" if found in result.flags else "action"
                problems += text_problems(f"{result.instrument.id}: {kind} {found.id!r}.label", found.label)
    module = plugin if isinstance(plugin, ModuleType) else sys.modules.get(type(plugin).__module__)
    location = getattr(module, "__file__", None)
    if location is not None:
        problems += [
            within("locale", problem) for problem in catalogue_problems(Path(location).parent / "locale")
        ]
    return list(dict.fromkeys(problems))


@pytest.fixture
def csvc_plugin_problems() -> Callable[[object, str], list[str]]:
    return plugin_problems
