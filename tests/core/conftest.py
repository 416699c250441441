"""Fixtures of the core tests: the core alone, and synthetic instruments to run through it."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from csvc_core.framework import Csvc
from csvc_core.instruments import parse_instrument
from csvc_core.model import Instrument
from csvc_core.plugins import new_plugin_manager


@pytest.fixture(scope="session")
def framework() -> Csvc:
    """The core alone (no installed plugin): the reference pipeline of these tests."""
    return Csvc(new_plugin_manager(load_entry_points=False))


@pytest.fixture
def build(framework: Csvc) -> Callable[[dict[str, Any]], Instrument]:
    """Parse and validate an instrument table with the core's vocabulary and rules."""

    def parse(table: dict[str, Any], origin: str = "test.toml") -> Instrument:
        return parse_instrument(copy.deepcopy(table), origin, framework.vocabulary, framework.rules)

    return parse


@pytest.fixture
def evaluate(framework: Csvc, build: Callable[[dict[str, Any]], Instrument]) -> Callable[..., Any]:
    """``evaluate(table, payload)``: the whole pipeline on a synthetic instrument."""
    from csvc_core.jsonio import parse_assessment

    def run(table: dict[str, Any], payload: dict[str, Any], csvc: Csvc | None = None) -> Any:
        instrument = build(table)
        payload = {"assessed_at": "2026-03-01T10:00:00-05:00", **payload}
        return (csvc or framework).evaluate(instrument, parse_assessment(payload, instrument, "case.json"))

    return run
