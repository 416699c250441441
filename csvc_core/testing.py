"""A pytest plugin for plugin authors (registered through the ``pytest11`` entry point).

Fixtures:
- ``csvc_framework``: a fresh :class:`~csvc_core.Csvc` with the core and every installed plugin;
- ``csvc_with_plugin``: a factory ``csvc_with_plugin(module_or_object, name)`` giving a framework with
  the core and only that plugin registered (the installed ones left out), for isolated contract tests;
- ``assess_vignette``: runs a vignette (``{"instrument", "input", "expect"}``) and returns the list
  of mismatches.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from csvc_core.errors import BadInput


def check_vignette(csvc: Any, vignette: dict[str, Any]) -> list[str]:
    """Mismatches between a vignette's ``expect`` and what the pipeline gives (empty list: it passes)."""
    instrument_id = vignette["instrument"]
    payload = dict(vignette["input"])
    if payload.get("answers") == "FIRST_14_YES":
        yes_no = [item.id for item in csvc.instrument(instrument_id).items if item.type == "yes_no"]
        payload["answers"] = {item: "yes" if index < 14 else "no" for index, item in enumerate(yes_no)}
    expect = vignette["expect"]
    try:
        output = csvc.assess(instrument_id, payload).to_json()
        status = 0
    except BadInput:
        output, status = {}, 2
    problems = []
    if expect.get("exit", 0) != status:
        problems.append(f"exit: expected {expect.get('exit', 0)}, got {status}")
    if status != 0:
        return problems
    for key, wanted in expect.items():
        if key == "exit":
            continue
        if key == "flags_include":
            ids = {flag["id"] for flag in output["flags"]}
            problems += [f"flags: {flag!r} missing" for flag in wanted if flag not in ids]
        elif key == "actions_include":
            problems += _action_problems(output, wanted)
        elif output.get(key) != wanted:
            problems.append(f"{key}: expected {wanted!r}, got {output.get(key)!r}")
    return problems


def _action_problems(output: dict[str, Any], wanted: list[dict[str, Any]]) -> list[str]:
    problems = []
    assessed_at = datetime.fromisoformat(output["assessed_at"])
    for spec in wanted:
        found = [action for action in output["actions"] if action["id"] == spec["id"]]
        if not found:
            problems.append(f"actions: {spec['id']!r} missing")
            continue
        hours = spec.get("due_within_hours")
        if hours is not None:
            due = found[0]["due"]
            if (
                due is None
                or not 0 <= (datetime.fromisoformat(due) - assessed_at).total_seconds() <= hours * 3600
            ):
                problems.append(f"actions: {spec['id']!r} due {due}, not within {hours} h of {assessed_at}")
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
        return Csvc(manager)

    return build


@pytest.fixture
def assess_vignette(csvc_framework: Any) -> Callable[[dict[str, Any]], list[str]]:
    return lambda vignette: check_vignette(csvc_framework, vignette)
