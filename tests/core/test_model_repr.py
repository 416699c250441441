"""csvc's data classes share one ``__repr__``: attrs' own text, every field in constructor syntax."""

from __future__ import annotations

import datetime
from typing import Any

import csvc_core.model as model
from csvc_core.action_specs import ActionSpec
from csvc_core.sectors import Adaptation, Sector


def test_repr_is_constructor_syntax_that_rebuilds_the_object(csvc: Any) -> None:
    assert repr(model.Text(fr="Oui", en="Yes")) == "Text(fr='Oui', en='Yes')"
    assert repr(model.ShowIf("firearm_access")) == "ShowIf(item='firearm_access', equals=None, any_of=())"
    grid = csvc.instrument("csvc-grid")
    case = {"assessed_at": "2026-03-01T10:00:00-05:00", "answers": {"stalking": "yes"}}
    result = csvc.assess("csvc-grid", case)
    spec = ActionSpec(id="watch", sector="police", label=model.Text(fr="Surveiller", en="Watch"))
    names = {name: getattr(model, name) for name in dir(model)}
    names |= {"ActionSpec": ActionSpec, "Adaptation": Adaptation, "Sector": Sector, "datetime": datetime}
    values = [grid, result.input, *result.flags, *result.actions, *result.factors, spec, Adaptation(("x",))]
    for value in [*values, *csvc.sectors.values()]:
        assert eval(repr(value), names) == value
