"""Property-based tests: mutated instruments and random answers give clear errors, never a traceback;
rules are monotone and unknown answers weigh nothing."""

from __future__ import annotations

import copy
import os
import tomllib
from pathlib import Path
from typing import Any

from core_kit import count_table, sum_table, tiered_table
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csvc_core.errors import BadInput, InstrumentInvalid
from csvc_core.framework import Csvc
from csvc_core.instruments import parse_instrument
from csvc_core.jsonio import parse_assessment
from csvc_core.model import Instrument
from csvc_core.plugins import new_plugin_manager

GRID = Path(__file__).resolve().parents[2] / "instruments" / "csvc_instruments" / "shared" / "csvc-grid.toml"
CORE = Csvc(new_plugin_manager(load_entry_points=False))
#: CSVC_HYPOTHESIS_EXAMPLES=3000 for a longer search than the suite's.
EXAMPLES = int(os.environ.get("CSVC_HYPOTHESIS_EXAMPLES", "150"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def grid_table() -> dict[str, Any]:
    with GRID.open("rb") as handle:
        return tomllib.load(handle)


TABLES = {"count": count_table(), "sum": sum_table(), "tiered": tiered_table(), "grid": grid_table()}
INSTRUMENTS = {
    name: parse_instrument(copy.deepcopy(table), f"{name}.toml", CORE.vocabulary, CORE.rules)
    for name, table in TABLES.items()
}

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-5, max_value=30),
    st.floats(allow_nan=True),
    st.text(max_size=8),
    st.sampled_from(["yes", "no", "unknown", "low", "mid", "high", "q1", "a", "b", "P7D", "PT72H", "tiered"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path of a nested table (keys and list indexes)."""
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += paths(value, (*prefix, index))
    return found


@st.composite
def mutated_tables(draw: st.DrawFn) -> dict[str, Any]:
    table = copy.deepcopy(TABLES[draw(st.sampled_from(sorted(TABLES)))])
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        path = draw(st.sampled_from(paths(table)))
        parent: Any = table
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "delete":
            del parent[path[-1]]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=6))] = draw(values)
        else:
            parent[path[-1]] = draw(values)
    return table


@SETTINGS
@given(mutated_tables())
def test_mutated_instruments_give_clear_problems(table: dict[str, Any]) -> None:
    try:
        instrument = parse_instrument(table, "mutated.toml", CORE.vocabulary, CORE.rules)
    except InstrumentInvalid as exc:
        assert exc.problems
        assert all(problem.startswith("mutated.toml: $") for problem in exc.problems), exc.problems
        assert all("\n" not in problem for problem in exc.problems)
        return
    assert isinstance(instrument, Instrument)
    # a valid instrument scores every empty assessment of a person it assesses to one of its levels, or asks
    # for the professional (an instrument assessing no one refuses every assessment: one clear line)
    empty = {"protagonist": instrument.protagonists[0]} if instrument.protagonists else {}
    try:
        result = CORE.evaluate(instrument, parse_assessment(empty, instrument))
    except BadInput as exc:
        assert instrument.rule.kind == "judgement" or not instrument.protagonists, exc
        assert "\n" not in str(exc)
        return
    assert instrument.level(result.level or "") is not None


@SETTINGS
@given(
    st.sampled_from(sorted(INSTRUMENTS)),
    st.one_of(
        values,
        st.fixed_dictionaries(
            {},
            optional={
                "answers": st.one_of(
                    values,
                    st.dictionaries(
                        st.sampled_from(["q1", "q2", "q3", "y1", "o1", "c1", "stalking", "zz"]), values
                    ),
                ),
                "override": st.one_of(
                    values,
                    st.fixed_dictionaries(
                        {"level": st.sampled_from(["low", "mid", "high", "imminent", "x"])},
                        optional={"reason": scalars, "by": scalars},
                    ),
                ),
                "assessed_at": st.one_of(scalars, st.just("2026-03-01T10:00:00-05:00")),
                "protagonist": scalars,
                "context": values,
            },
        ),
    ),
)
def test_random_answers_give_a_result_or_bad_input(name: str, payload: Any) -> None:
    instrument = INSTRUMENTS[name]
    try:
        result = CORE.evaluate(instrument, parse_assessment(payload, instrument, "case.json"))
    except BadInput as exc:
        assert str(exc).startswith("case.json") and "\n" not in str(exc), str(exc)
        return
    assert instrument.level(result.level or "") is not None
    assert result.to_json()["level"] == result.level


def answer_sets(name: str) -> st.SearchStrategy[dict[str, Any]]:
    instrument = INSTRUMENTS[name]
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for item in instrument.items:
        if item.type == "yes_no":
            fields[item.id] = st.sampled_from(["yes", "no", "unknown"])
        elif item.type in ("ordinal", "count"):
            fields[item.id] = st.integers(
                min_value=item.min or 0, max_value=item.max if item.max is not None else 20
            )
    return st.fixed_dictionaries({}, optional=fields)


def rank(name: str, answers: dict[str, Any]) -> int:
    instrument = INSTRUMENTS[name]
    result = CORE.evaluate(instrument, parse_assessment({"answers": answers}, instrument))
    level = instrument.level(result.computed_level or "")
    assert level is not None
    return level.rank


def monotone_property(name: str) -> Any:
    instrument = INSTRUMENTS[name]
    yes_no = [item.id for item in instrument.items if item.type == "yes_no"]

    @SETTINGS
    @given(answer_sets(name), st.sampled_from(yes_no))
    def check(answers: dict[str, Any], item: str) -> None:
        before = rank(name, answers)
        assert rank(name, {**answers, item: "yes"}) >= before

    return check


test_count_adding_a_yes_never_lowers_the_level = monotone_property("count")
test_sum_adding_a_yes_never_lowers_the_level = monotone_property("sum")
test_tiered_adding_a_yes_never_lowers_the_level = monotone_property("tiered")
test_grid_adding_a_yes_never_lowers_the_level = monotone_property("grid")


def unknown_property(name: str) -> Any:
    instrument = INSTRUMENTS[name]
    yes_no = [item.id for item in instrument.items if item.type == "yes_no"]

    @SETTINGS
    @given(answer_sets(name), st.sampled_from(yes_no), st.booleans())
    def check(answers: dict[str, Any], item: str, left_out: bool) -> None:
        unknown = {key: value for key, value in answers.items() if key != item}
        if not left_out:
            unknown[item] = "unknown"
        assert rank(name, {**unknown, item: "no"}) == rank(name, unknown)

    return check


test_count_no_instead_of_unknown_changes_nothing = unknown_property("count")
test_sum_no_instead_of_unknown_changes_nothing = unknown_property("sum")
test_tiered_no_instead_of_unknown_changes_nothing = unknown_property("tiered")
test_grid_no_instead_of_unknown_changes_nothing = unknown_property("grid")
