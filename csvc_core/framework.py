"""The one pipeline every caller uses (CLI, TUI, store, integrators): load, check answers, score, flag, act.

>>> from csvc_core import Csvc
>>> csvc = Csvc.load()
>>> result = csvc.assess("csvc-grid", {"answers": {"homicide_plan": "yes"}})
>>> result.level
'imminent'
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import attrs

from csvc_core.errors import BadInput, InstrumentInvalid
from csvc_core.instruments import load_instrument
from csvc_core.jsonio import parse_assessment
from csvc_core.model import UNKNOWN, Action, AssessmentInput, Flag, Instrument, Result, Score, Text
from csvc_core.plugins import CORE_PLUGIN, CsvcPluginManager, new_plugin_manager, strict_plugins
from csvc_core.rules import ScoringRule, applies
from csvc_core.sectors import PARTNERSHIP, Adaptation, Sector, apply_adaptations

#: flag raised when a plugin's hook failed during an assessment: staff must know a part is missing.
PLUGIN_ERROR_FLAG = "plugin_error"


@attrs.frozen
class Catalogue:
    """The instruments found through ``csvc_instrument_sources``, and the problems met reading them."""

    instruments: dict[str, Instrument]
    problems: tuple[str, ...]
    owners: dict[str, str]  # instrument id -> plugin name


class Csvc:
    """The framework: a plugin manager, the instrument catalogue and the assessment pipeline."""

    def __init__(self, plugin_manager: CsvcPluginManager | None = None) -> None:
        self.pm = plugin_manager if plugin_manager is not None else new_plugin_manager()
        self.hook_errors: list[str] = []

    @classmethod
    def load(cls) -> Csvc:
        """The framework with the core defaults and every installed plugin (shared in this process)."""
        from csvc_core.plugins import get_plugin_manager

        return cls(get_plugin_manager())

    # -- calling hooks, one plugin at a time ---------------------------------------------------------
    def call_each(self, hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call a collecting hook plugin by plugin, sorted by plugin name; a failing plugin is recorded."""
        caller = getattr(self.pm.hook, hook_name)
        answers = []
        for impl in sorted(caller.get_hookimpls(), key=lambda impl: impl.plugin_name):
            try:
                value = impl.function(*(kwargs[name] for name in impl.argnames))
            except Exception as exc:
                self._hook_failed(hook_name, impl.plugin_name, exc)
                answers.append((impl.plugin_name, exc))
                continue
            if value is not None:
                answers.append((impl.plugin_name, value))
        return answers

    def call_first(self, hook_name: str, **kwargs: Any) -> tuple[str, Any] | None:
        """Call a ``firstresult`` hook in pluggy's order; a failing plugin is recorded, the next one asked."""
        caller = getattr(self.pm.hook, hook_name)
        for impl in reversed(caller.get_hookimpls()):
            try:
                value = impl.function(*(kwargs[name] for name in impl.argnames))
            except Exception as exc:
                self._hook_failed(hook_name, impl.plugin_name, exc)
                continue
            if value is not None:
                return impl.plugin_name, value
        return None

    def _hook_failed(self, hook_name: str, plugin: str, exc: Exception) -> None:
        if strict_plugins():
            raise exc
        message = f"{plugin}: {hook_name} failed: {type(exc).__name__}: {exc}"
        self.hook_errors.append(message)
        print(f"csvc: {message}", file=sys.stderr)

    # -- what the plugins provide ----------------------------------------------------------------------
    @cached_property
    def rules(self) -> dict[str, ScoringRule]:
        found: dict[str, ScoringRule] = {}
        for _, rules in self.call_each("csvc_scoring_rules"):
            if not isinstance(rules, Exception):
                for rule in rules:
                    found.setdefault(rule.kind, rule)
        return found

    @cached_property
    def sectors(self) -> dict[str, Sector]:
        found: dict[str, Sector] = {}
        for _, sectors in self.call_each("csvc_sectors"):
            if not isinstance(sectors, Exception):
                for sector in sectors:
                    found.setdefault(sector.id, sector)
        return found

    @cached_property
    def vocabulary(self) -> dict[str, Text]:
        from csvc_core.vocabulary import load_vocabulary

        return load_vocabulary()

    @cached_property
    def catalogue(self) -> Catalogue:
        instruments: dict[str, Instrument] = {}
        owners: dict[str, str] = {}
        problems: list[str] = []
        for plugin, sources in self.call_each("csvc_instrument_sources"):
            if isinstance(sources, Exception):
                problems.append(f"{plugin}: csvc_instrument_sources failed: {sources}")
                continue
            for path in _instrument_files(sources):
                try:
                    instrument = load_instrument(path, self.vocabulary, self.rules)
                except InstrumentInvalid as exc:
                    problems.extend(f"{plugin}: {problem}" for problem in exc.problems)
                    continue
                if instrument.id in instruments:
                    problems.append(
                        f"{plugin}: {path}: instrument {instrument.id!r} is already defined by "
                        f"{owners[instrument.id]}"
                    )
                    continue
                instruments[instrument.id] = instrument
                owners[instrument.id] = plugin
        return Catalogue(instruments=instruments, problems=tuple(problems), owners=owners)

    def instruments(self, sector: str | None = None) -> list[Instrument]:
        """Instruments sorted by id; with ``sector``, those it may use, as that sector adapts them."""
        found = sorted(self.catalogue.instruments.values(), key=lambda instrument: instrument.id)
        if sector is None:
            return found
        return [
            self.instrument(i.id, sector) for i in found if sector in i.sectors or PARTNERSHIP in i.sectors
        ]

    def instrument(self, instrument_id: str, sector: str | None = None) -> Instrument:
        """One instrument; with ``sector``, its form as that sector asks it. Unknown id: :class:`BadInput`."""
        instrument = self.catalogue.instruments.get(instrument_id)
        if instrument is None:
            known = ", ".join(sorted(self.catalogue.instruments))
            raise BadInput(f"unknown instrument {instrument_id!r} (known: {known})")
        if sector is None:
            return instrument
        return attrs.evolve(
            instrument, items=apply_adaptations(instrument.items, self.adaptations(instrument, sector))
        )

    def adaptations(self, instrument: Instrument, sector: str) -> list[Adaptation]:
        return [
            value
            for _, value in self.call_each("csvc_adapt_instrument", instrument=instrument, sector=sector)
            if isinstance(value, Adaptation)
        ]

    def scoring_instrument(self, instrument_id: str, sector: str | None) -> Instrument:
        """The instrument a sector's answers are scored with: all items (hidden ones unknown) and extras."""
        instrument = self.instrument(instrument_id)
        if sector is None:
            return instrument
        known = {item.id for item in instrument.items}
        extras = tuple(
            item
            for adaptation in self.adaptations(instrument, sector)
            for item in adaptation.extra_items
            if item.id not in known
        )
        return attrs.evolve(instrument, items=instrument.items + extras) if extras else instrument

    # -- the pipeline ------------------------------------------------------------------------------------
    def parse(
        self, instrument_id: str, payload: Any, source: str = "answers", sector: str | None = None
    ) -> AssessmentInput:
        """Check an answers object (contract §1) against the instrument."""
        return parse_assessment(payload, self.scoring_instrument(instrument_id, sector), source)

    def assess(
        self,
        instrument_id: str,
        payload: Mapping[str, Any] | AssessmentInput,
        *,
        sector: str | None = None,
        history: Sequence[Result] = (),
        source: str = "answers",
    ) -> Result:
        """Score, flag and recommend for one assessment. Bad answers or override: :class:`BadInput`."""
        instrument = self.scoring_instrument(instrument_id, sector)
        assessment = (
            payload if isinstance(payload, AssessmentInput) else parse_assessment(payload, instrument, source)
        )
        return self.evaluate(instrument, assessment, sector=sector, history=history, source=source)

    def evaluate(
        self,
        instrument: Instrument,
        assessment: AssessmentInput,
        *,
        sector: str | None = None,
        history: Sequence[Result] = (),
        source: str = "answers",
    ) -> Result:
        """The pipeline on an already checked :class:`AssessmentInput` (the store re-reads with this)."""
        errors_before = len(self.hook_errors)
        scored = self.call_first("csvc_score", instrument=instrument, assessment=assessment)
        if scored is None:
            raise BadInput(f"{instrument.id}: no plugin scores rule {instrument.rule.kind!r}")
        score: Score = scored[1]
        level = _final_level(instrument, score.level, assessment, source)
        level_row = instrument.level(level)
        missing = tuple(
            item.id
            for item in instrument.items
            if item.type != "text"
            and assessment.answers.get(item.id, UNKNOWN) == UNKNOWN
            and applies(item, assessment.answers)
        )
        result = Result(
            instrument=instrument,
            input=assessment,
            score=score.score,
            computed_level=score.level,
            level=level,
            compromission=level_row.compromission if level_row else None,
            complete=not missing,
            missing=missing,
            factors=score.factors,
            flags=(),
            actions=(),
            reassess_by=None,
            rule=score.rule or instrument.rule.kind,
        )
        flags = self._flags(result, history)
        incomplete = {rule.id for rule in instrument.flags if rule.incomplete}
        result = attrs.evolve(
            result, flags=flags, complete=result.complete and not incomplete.intersection(f.id for f in flags)
        )
        result = attrs.evolve(result, actions=self._actions(result, sector))
        plan = self.call_first("csvc_reassessment_plan", result=result)
        result = attrs.evolve(result, reassess_by=plan[1] if plan else None)
        if len(self.hook_errors) > errors_before:
            failed = tuple(sorted({error.split(":", 1)[0] for error in self.hook_errors[errors_before:]}))
            result = attrs.evolve(
                result, flags=(*result.flags, Flag(PLUGIN_ERROR_FLAG, items=failed, proposed_by=CORE_PLUGIN))
            )
        return result

    def _flags(self, result: Result, history: Sequence[Result]) -> tuple[Flag, ...]:
        flags: dict[str, Flag] = {}
        for plugin, raised in self.call_each("csvc_flags", result=result, history=history):
            if isinstance(raised, Exception):
                continue
            for flag in raised:
                flag = attrs.evolve(flag, proposed_by=plugin)
                if flag.id in flags:
                    known = flags[flag.id]
                    items = tuple(dict.fromkeys((*known.items, *flag.items)))
                    flag = attrs.evolve(known, items=items, proposed_by=f"{known.proposed_by}, {plugin}")
                flags[flag.id] = flag
        return tuple(sorted(flags.values(), key=lambda flag: flag.id))

    def _actions(self, result: Result, sector: str | None) -> tuple[Action, ...]:
        merged: dict[tuple[str, str], Action] = {}
        for plugin, proposed in self.call_each("csvc_recommend_actions", result=result, sector=sector):
            if isinstance(proposed, Exception):
                continue
            for action in proposed:
                action = attrs.evolve(action, proposed_by=plugin)
                key = (action.id, action.sector)
                if key in merged:
                    action = _merge_actions(merged[key], action)
                merged[key] = action
        return tuple(sorted(merged.values(), key=_action_order))


def _merge_actions(first: Action, second: Action) -> Action:
    """One action proposed twice: the earliest due date, mandatory if either says so, both proposers kept."""
    dues = [due for due in (first.due, second.due) if due is not None]
    return attrs.evolve(
        first,
        due=min(dues) if dues else None,
        mandatory=first.mandatory or second.mandatory,
        label=first.label or second.label,
        proposed_by=f"{first.proposed_by}, {second.proposed_by}",
    )


def _action_order(action: Action) -> tuple[bool, datetime | float, bool, str, str]:
    """Mandatory first, then the earliest due (undated last), then sector and id."""
    due: datetime | float = action.due if action.due is not None else float("inf")
    return (not action.mandatory, _sortable(due), action.due is None, action.sector, action.id)


def _sortable(due: datetime | float) -> Any:
    return due.timestamp() if isinstance(due, datetime) else due


def _final_level(
    instrument: Instrument, computed: str | None, assessment: AssessmentInput, source: str
) -> str:
    """The level after the professional's override, which the instrument's policy must allow."""
    override = assessment.override
    if override is None:
        if computed is None:
            raise BadInput(
                f"{source}: $.override: {instrument.id} computes no level; the professional chooses one "
                "(override with level, reason and by)"
            )
        return computed
    if computed is not None and instrument.override.direction == "up":
        chosen, proposed = instrument.level(override.level), instrument.level(computed)
        if chosen is not None and proposed is not None and chosen.rank < proposed.rank:
            raise BadInput(
                f"{source}: $.override.level: {override.level!r} is lower than the computed level "
                f"{computed!r}; {instrument.id} allows raising a level only"
            )
    return override.level


def _instrument_files(sources: Iterable[Path | str]) -> list[Path]:
    files: list[Path] = []
    for source in sources:
        path = Path(source)
        files.extend(sorted(path.glob("*.toml")) if path.is_dir() else [path])
    return files


def assess(instrument_id: str, payload: Mapping[str, Any], *, sector: str | None = None) -> Result:
    """Assess with the installed plugins: ``csvc_core.assess("csvc-grid", {"answers": {...}})``."""
    return Csvc.load().assess(instrument_id, payload, sector=sector)
