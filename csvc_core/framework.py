"""The one pipeline every caller uses (CLI, TUI, store, integrators): load, check answers, score, flag, act.

>>> from csvc_core import Csvc
>>> csvc = Csvc.load()
>>> result = csvc.assess("csvc-grid", {"answers": {"homicide_plan": "yes"}})
>>> result.level
'imminent'
"""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from functools import cache, cached_property
from os import PathLike
from pathlib import Path
from typing import Any, NamedTuple, TypeVar, cast

import attrs
from pluggy import HookImpl

from csvc_core.casetools import CaseTool, tool_problems
from csvc_core.errors import BadInput, InstrumentInvalid, OperationFailed
from csvc_core.filecache import checked_instrument
from csvc_core.jsonio import parse_assessment, refuse_future
from csvc_core.mandate import action_problem, instrument_sector_problems
from csvc_core.model import UNKNOWN, Action, AssessmentInput, Flag, Instrument, Level, Result, Score, Text
from csvc_core.plugins import CORE_PLUGIN, CsvcPluginManager, new_plugin_manager, strict_plugins
from csvc_core.problems import Problem, ProblemLines, within
from csvc_core.rules import ScoringRule, applies
from csvc_core.sectors import PARTNERSHIP, Adaptation, Sector, apply_adaptations

T = TypeVar("T")
#: flag raised when a plugin's hook failed during an assessment: staff must know a part is missing.
PLUGIN_ERROR_FLAG = "plugin_error"


@attrs.frozen
class HookError:
    """One hook call that raised or answered the wrong type: which plugin, which hook, what went wrong."""

    plugin: str
    hook: str
    error: str  # "ExceptionType: message"

    def __str__(self) -> str:
        return f"{self.plugin}: {self.hook} failed: {self.error}"


class Catalogue(NamedTuple):
    """The instruments found through ``csvc_instrument_sources``, and the problems met reading them."""

    instruments: dict[str, Instrument]
    problems: tuple[str, ...]
    owners: dict[str, str]  # instrument id -> plugin name


class Csvc:
    """The framework: a plugin manager, the instrument catalogue and the assessment pipeline.

    ``Csvc.load()`` gives the process-wide framework; ``Csvc(manager)`` one over a given plugin manager.
    Plugins are called one by one: a plugin whose hook raises or answers the wrong type is recorded (in
    ``hook_errors`` and, during an assessment, as the ``plugin_error`` flag) and the others go on.
    """

    def __init__(
        self, plugin_manager: CsvcPluginManager | None = None, known_sectors: Iterable[Sector] = ()
    ) -> None:
        self.pm = plugin_manager if plugin_manager is not None else new_plugin_manager()
        #: sectors declared outside this manager (the installed plugins', for a plugin tested alone).
        self._known_sectors = tuple(known_sectors)
        #: the latest hook failures (bounded: a long-running process keeps the recent ones).
        self.hook_errors: deque[HookError] = deque(maxlen=200)
        self._registry_problems: list[str] = []
        self._rule_owners: dict[str, str] = {}  # scoring rule kind -> the plugin that offered it
        self._adaptations: dict[tuple[str, str], tuple[Adaptation, ...]] = {}
        self._loaded: dict[str, Instrument] = {}  # instruments read one by one, by file path
        self._by_id: dict[str, Instrument] = {}
        self._impl_cache: dict[tuple[str, bool], tuple[int | None, list[HookImpl]]] = {}

    @classmethod
    def load(cls) -> Csvc:
        """The framework with the core defaults and every installed plugin (shared in this process)."""
        return _shared()

    # -- calling hooks, one plugin at a time ---------------------------------------------------------
    def _impls(self, hook_name: str, default_last: bool = False) -> list[HookImpl]:
        """A hook's implementations in the one order csvc uses: the plugins by name, the core first for a
        collected hook, last (``default_last``: its answer is the default) for a first-result hook. Cached
        until a plugin is registered or unregistered."""
        generation = getattr(self.pm, "generation", None)
        key = (hook_name, default_last)
        cached = self._impl_cache.get(key)
        if cached is not None and generation is not None and cached[0] == generation:
            return cached[1]
        impls: list[HookImpl] = getattr(self.pm.hook, hook_name).get_hookimpls()
        impls = sorted(
            impls, key=lambda impl: ((impl.plugin_name == CORE_PLUGIN) == default_last, impl.plugin_name)
        )
        self._impl_cache[key] = (generation, impls)
        return impls

    def call_each(self, hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call a collecting hook plugin by plugin: the core first, then by plugin name (never pluggy's
        order). Returns ``(plugin, answer)`` pairs; a plugin that raised gives its exception, recorded."""
        return self._call_each(hook_name, kwargs, None)

    def call_first(self, hook_name: str, **kwargs: Any) -> tuple[str, Any] | None:
        """Call a ``firstresult`` hook: the plugins by name, the core's default last; the first answer other
        than None wins. A failing plugin is recorded, the next one asked."""
        return self._call_first(hook_name, kwargs, None, None)

    def _call_each(
        self, hook_name: str, kwargs: Mapping[str, Any], failed: list[str] | None
    ) -> list[tuple[str, Any]]:
        answers: list[tuple[str, Any]] = []
        for impl in self._impls(hook_name):
            try:
                value = impl.function(*(kwargs[name] for name in impl.argnames))
            except Exception as exc:
                self._hook_failed(hook_name, impl.plugin_name, exc, failed)
                answers.append((impl.plugin_name, exc))
                continue
            if value is not None:
                answers.append((impl.plugin_name, value))
        return answers

    def _call_first(
        self,
        hook_name: str,
        kwargs: Mapping[str, Any],
        check: Callable[[Any], str | None] | None,
        failed: list[str] | None,
    ) -> tuple[str, Any] | None:
        for impl in self._impls(hook_name, default_last=True):
            try:
                value = impl.function(*(kwargs[name] for name in impl.argnames))
                problem = check(value) if check is not None and value is not None else None
                if problem is not None:
                    raise TypeError(problem)
            except Exception as exc:
                self._hook_failed(hook_name, impl.plugin_name, exc, failed)
                continue
            if value is not None:
                return impl.plugin_name, value
        return None

    def _collect(
        self, hook_name: str, kind: type[T], kwargs: Mapping[str, Any], failed: list[str] | None
    ) -> list[tuple[str, T]]:
        """Every object of type ``kind`` that the plugins return in lists; a wrong answer is a failure."""
        found: list[tuple[str, T]] = []
        for plugin, answer in self._call_each(hook_name, kwargs, failed):
            if isinstance(answer, Exception):
                continue
            if isinstance(answer, str | bytes | Mapping) or not isinstance(answer, Iterable):
                problem = f"returned {type(answer).__name__}, expected a list of {kind.__name__}"
                self._hook_failed(hook_name, plugin, TypeError(problem), failed)
                continue
            values = list(answer)
            wrong = next((value for value in values if not isinstance(value, kind)), None)
            if wrong is not None:
                problem = f"returned a {type(wrong).__name__} among its answers, expected {kind.__name__}"
                self._hook_failed(hook_name, plugin, TypeError(problem), failed)
                continue
            found.extend((plugin, value) for value in values)
        return found

    def _hook_failed(self, hook_name: str, plugin: str, exc: Exception, failed: list[str] | None) -> None:
        if strict_plugins():
            raise exc
        error = HookError(plugin, hook_name, f"{type(exc).__name__}: {exc}")
        self.hook_errors.append(error)
        if failed is not None:
            failed.append(plugin)
        print(f"csvc: {error}", file=sys.stderr)

    # -- what the plugins provide ----------------------------------------------------------------------
    @cached_property
    def rules(self) -> dict[str, ScoringRule]:
        """Scoring strategies by kind: the core's first; a kind offered twice keeps the first."""
        found: dict[str, ScoringRule] = {}
        owners: dict[str, str] = {}
        self._rule_owners = owners
        for plugin, rule in self._collect("csvc_scoring_rules", object, {}, None):
            kind = getattr(rule, "kind", None)
            if not isinstance(kind, str) or not callable(getattr(rule, "score", None)):
                self._registry_problems.append(
                    Problem(f"{plugin}: csvc_scoring_rules", "author.rule_no_kind", rule=repr(rule))
                )
            elif kind in found:
                self._registry_problems.append(
                    Problem(
                        f"{plugin}: csvc_scoring_rules", "author.rule_taken", kind=kind, owner=owners[kind]
                    )
                )
            else:
                found[kind], owners[kind] = cast(ScoringRule, rule), plugin
        return found

    @cached_property
    def declared_sectors(self) -> list[tuple[str, Sector]]:
        """``(plugin, sector)`` for every sector a plugin declares, the core's first, then by plugin name."""
        return self._collect("csvc_sectors", Sector, {}, None)

    @cached_property
    def sectors(self) -> dict[str, Sector]:
        """Sectors by id: the core's first; an id declared twice keeps the first."""
        found: dict[str, Sector] = {}
        for _, sector in self.declared_sectors:
            found.setdefault(sector.id, sector)
        for sector in self._known_sectors:
            found.setdefault(sector.id, sector)
        return found

    def check_sector(self, sector: str) -> None:
        """:class:`BadInput` unless a plugin declares ``sector`` (``csvc assess --sector``). The store
        assesses for any organisation, whose sector may have no plugin: it does not call this."""
        if sector not in self.sectors:
            known = ", ".join(sorted(self.sectors))
            raise BadInput(key="error.input.unknown_sector", sector=sector, known=known)

    def mandate(self, plugin: str, instrument: Instrument) -> frozenset[str]:
        """The sectors whose actions ``plugin`` may propose after an assessment with ``instrument``
        (see :mod:`csvc_core.mandate`); the core proposes the instrument's own actions."""
        if plugin == CORE_PLUGIN:
            return frozenset(instrument.sectors)
        declared = frozenset(sector.id for owner, sector in self.declared_sectors if owner == plugin)
        if declared:
            return declared
        catalogue = self.catalogue
        return frozenset(
            sector
            for instrument_id, owner in catalogue.owners.items()
            if owner == plugin
            for sector in catalogue.instruments[instrument_id].sectors
        )

    @cached_property
    def case_tools(self) -> dict[str, CaseTool]:
        """Case tools by id, the core's first: an id given twice keeps the first; a broken tool is out."""
        found: dict[str, CaseTool] = {}
        for plugin, tool in self._collect("csvc_case_tools", CaseTool, {}, None):
            problems = tool_problems(tool)
            if problems or tool.id in found:
                problem = problems[0] if problems else Problem("", "author.tool_taken")
                self._registry_problems.append(within(f"{plugin}: csvc_case_tools: {tool.id!r}", problem))
            else:
                found[tool.id] = tool
        return found

    def case_tool(self, tool_id: str) -> CaseTool:
        """The case tool ``tool_id``; :class:`BadInput` naming those there are."""
        tool = self.case_tools.get(tool_id)
        if tool is None:
            raise BadInput(key="error.tool.unknown", tool=tool_id, known=", ".join(self.case_tools) or "—")
        return tool

    @cached_property
    def vocabulary(self) -> dict[str, Text]:
        """Factor code -> wording: the shared vocabulary, then the codes plugins add (``csvc_factors``)."""
        from csvc_core.vocabulary import added_factor_problems, load_vocabulary

        found = dict(load_vocabulary())
        owners: dict[str, str] = {}
        for plugin, answer in self._call_each("csvc_factors", {}, None):
            if isinstance(answer, Exception):
                continue
            if not isinstance(answer, Mapping):
                problem = f"returned {type(answer).__name__}, expected a mapping of code to Text"
                self._hook_failed("csvc_factors", plugin, TypeError(problem), None)
                continue
            for code, wording in answer.items():
                problems = added_factor_problems(code, wording, found, owners)
                self._registry_problems.extend(
                    within(f"{plugin}: csvc_factors", problem) for problem in problems
                )
                if not problems:
                    found[code], owners[code] = wording, plugin
        return found

    @cached_property
    def _sources(self) -> list[tuple[str, Path]]:
        """``(plugin, folder or file)`` of every instrument source, the core's first, then by plugin name."""
        found: list[tuple[str, Path]] = []
        failed: list[str] = []
        sources = self._collect("csvc_instrument_sources", object, {}, failed)
        self._registry_problems.extend(Problem(plugin, "author.sources_failed") for plugin in failed)
        for plugin, source in sources:
            if isinstance(source, str | PathLike):
                found.append((plugin, Path(source)))
            else:
                self._registry_problems.append(
                    Problem(f"{plugin}: csvc_instrument_sources", "author.not_a_path", source=repr(source))
                )
        return found

    @cached_property
    def catalogue(self) -> Catalogue:
        """Every instrument the plugins ship (the core's first), read and checked once; its problems also
        list the plugins' broken case tools."""
        instruments: dict[str, Instrument] = {}
        owners: dict[str, str] = {}
        problems: list[str] = []
        rules, factors, _ = self.rules, frozenset(self.vocabulary), self.case_tools
        for plugin, source in self._sources:
            for path in _instrument_files([source]):
                try:
                    instrument = self._loaded.get(str(path)) or checked_instrument(path, factors, rules)
                except InstrumentInvalid as exc:
                    problems.extend(within(plugin, problem) for problem in exc.problems)
                    continue
                if instrument.id in instruments:
                    problems.append(
                        Problem(
                            f"{plugin}: {path}",
                            "author.already_defined_by",
                            id=instrument.id,
                            owner=owners[instrument.id],
                        )
                    )
                    continue
                instruments[instrument.id] = instrument
                owners[instrument.id] = plugin
                problems.extend(
                    within(plugin, problem)
                    for problem in instrument_sector_problems(instrument, self.sectors)
                )
        problems = [*self._registry_problems, *problems]
        return Catalogue(instruments=instruments, problems=tuple(problems), owners=owners)

    def _lookup(self, instrument_id: str) -> Instrument | None:
        """One instrument, reading only its own file ``<id>.toml`` while the catalogue is not needed.

        The first source holding that file gives it, as in the catalogue (where a file's id must match its
        name). Anything unexpected falls back to the whole catalogue.
        """
        if instrument_id in self._by_id:
            return self._by_id[instrument_id]
        if "catalogue" not in self.__dict__:
            for _, source in self._sources:
                path = source / f"{instrument_id}.toml" if source.is_dir() else source
                if path.name != f"{instrument_id}.toml" or not path.is_file():
                    continue
                if str(path) not in self._loaded:
                    try:
                        self._loaded[str(path)] = checked_instrument(
                            path, frozenset(self.vocabulary), self.rules
                        )
                    except InstrumentInvalid:
                        break
                self._by_id[instrument_id] = self._loaded[str(path)]
                return self._by_id[instrument_id]
        found = self.catalogue.instruments.get(instrument_id)
        if found is not None:
            self._by_id[instrument_id] = found
        return found

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
        instrument = self._lookup(instrument_id)
        if instrument is None:
            known = ", ".join(sorted(self.catalogue.instruments))
            broken = self.broken_plugins(instrument_id)
            if broken:
                raise BadInput(
                    key="error.input.unknown_instrument_broken",
                    instrument=instrument_id,
                    known=known,
                    broken=ProblemLines(broken),
                )
            raise BadInput(key="error.input.unknown_instrument", instrument=instrument_id, known=known)
        if sector is None:
            return instrument
        return attrs.evolve(
            instrument, items=apply_adaptations(instrument.items, list(self.adaptations(instrument, sector)))
        )

    def broken_plugins(self, instrument_id: str | None = None) -> list[str]:
        """One line per plugin that failed to load (its name and why) and, with ``instrument_id``, per
        problem of that instrument's file: what may hide an instrument."""
        lines = [f"{failure.name}: {failure.error}" for failure in self.pm.failures]
        if instrument_id is not None:
            lines += [p for p in self.catalogue.problems if f"/{instrument_id}.toml:" in p]
        return lines

    def adaptations(self, instrument: Instrument, sector: str) -> tuple[Adaptation, ...]:
        """How ``sector`` adapts ``instrument`` (asked once per instrument and sector)."""
        key = (instrument.id, sector)
        if key not in self._adaptations:
            self._adaptations[key] = tuple(
                value
                for _, value in self.call_each("csvc_adapt_instrument", instrument=instrument, sector=sector)
                if isinstance(value, Adaptation)
            )
        return self._adaptations[key]

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
        """Check an answers object (``docs/integrators.md``) against the instrument."""
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
        """Score, flag and recommend for one assessment (the answers object of ``docs/integrators.md``).

        Bad answers, an unknown instrument, a refused override or an ``assessed_at`` in the future (beyond
        :data:`~csvc_core.jsonio.CLOCK_SKEW`): :class:`BadInput`, one line naming the source, the ``$.path``
        and the value. ``result.to_json()`` is the object that ``csvc assess --json`` prints.
        """
        instrument = self.scoring_instrument(instrument_id, sector)
        assessment = (
            payload if isinstance(payload, AssessmentInput) else parse_assessment(payload, instrument, source)
        )
        refuse_future(assessment.assessed_at, f"{source}: $.assessed_at", "error.input.assessed_in_future")
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
        failed: list[str] = []
        score = self._score(instrument, assessment)
        level = _final_level(instrument, score.level, assessment, source)
        level_row = instrument.level(level)
        answers = assessment.answers
        missing = tuple(
            item.id
            for item in instrument.items
            if item.type != "text" and answers.get(item.id, UNKNOWN) == UNKNOWN and applies(item, answers)
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
        flags = self._flags(result, history, failed)
        incomplete = {rule.id for rule in instrument.flags if rule.incomplete}
        complete = result.complete and not any(flag.id in incomplete for flag in flags)
        result = attrs.evolve(result, flags=flags, complete=complete)
        result = attrs.evolve(result, actions=self._actions(result, sector, failed))
        plan = self._call_first("csvc_reassessment_plan", {"result": result}, _plan_problem, failed)
        reassess_by = plan[1] if plan else None
        if failed:
            error = Flag(PLUGIN_ERROR_FLAG, items=tuple(sorted(set(failed))), proposed_by=CORE_PLUGIN)
            flags = tuple(sorted((*result.flags, error), key=lambda flag: flag.id))
            return attrs.evolve(result, flags=flags, reassess_by=reassess_by)
        return attrs.evolve(result, reassess_by=reassess_by)

    def _score(self, instrument: Instrument, assessment: AssessmentInput) -> Score:
        """The score of the strategy the instrument names; a strategy that raises or answers a level the
        instrument lacks is recorded against the plugin that offered it, and nothing is scored."""
        kind = instrument.rule.kind
        rule = self.rules.get(kind)
        if rule is not None:
            try:
                score = rule.score(instrument, assessment.answers)
                problem = _score_problem(instrument, score)
                if problem is not None:
                    raise TypeError(problem)
                return score
            except Exception as exc:
                self._hook_failed("csvc_scoring_rules", self._rule_owners[kind], exc, None)
        raise OperationFailed(key="error.input.no_scorer", instrument=instrument.id, rule=kind)

    def _flags(self, result: Result, history: Sequence[Result], failed: list[str]) -> tuple[Flag, ...]:
        flags: dict[str, Flag] = {}
        for plugin, flag in self._collect("csvc_flags", Flag, {"result": result, "history": history}, failed):
            if flag.id in flags:
                known = flags[flag.id]
                items = tuple(dict.fromkeys((*known.items, *flag.items)))
                proposers = known.proposed_by.split(", ")
                proposed_by = known.proposed_by if plugin in proposers else f"{known.proposed_by}, {plugin}"
                flag = attrs.evolve(known, items=items, proposed_by=proposed_by)
            elif flag.proposed_by != plugin:
                flag = attrs.evolve(flag, proposed_by=plugin)
            flags[flag.id] = flag
        return tuple(sorted(flags.values(), key=lambda flag: flag.id))

    def _actions(self, result: Result, sector: str | None, failed: list[str]) -> tuple[Action, ...]:
        merged: dict[tuple[str, str], Action] = {}
        kwargs = {"result": result, "sector": sector}
        known = self.sectors
        for plugin, action in self._collect("csvc_recommend_actions", Action, kwargs, failed):
            refused: Exception | None = None
            problem = action_problem(action, self.mandate(plugin, result.instrument), sector, known)
            if problem is not None:
                refused = ValueError(problem)
            elif action.due is not None and action.due.tzinfo is None:
                refused = TypeError(f"action {action.id!r}: due has no offset")
            if refused is not None:
                self._hook_failed("csvc_recommend_actions", plugin, refused, failed)
                continue
            if action.proposed_by != plugin:
                action = attrs.evolve(action, proposed_by=plugin)
            key = (action.id, action.sector)
            if key in merged:
                action = _merge_actions(merged[key], action)
            merged[key] = action
        return tuple(sorted(merged.values(), key=_action_order))


def _score_problem(instrument: Instrument, score: Any) -> str | None:
    """Why a scoring strategy's answer cannot be used, or None."""
    if not isinstance(score, Score):
        return f"returned {type(score).__name__}, expected a Score"
    if score.level is not None and instrument.level(score.level) is None:
        return f"returned level {score.level!r}, not a level of {instrument.id}"
    return None


def _plan_problem(when: Any) -> str | None:
    if not isinstance(when, datetime) or when.tzinfo is None:
        return f"returned {when!r}, expected a datetime with an offset"
    return None


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


def allowed_levels(instrument: Instrument, computed: str | None) -> tuple[Level, ...]:
    """The levels a professional may choose, lowest first: every level when the instrument lets her lower
    the computed one (or computes none), else the computed level and the levels above it."""
    levels = tuple(sorted(instrument.levels, key=lambda level: level.rank))
    proposed = instrument.level(computed) if computed is not None else None
    if proposed is None or instrument.override.direction != "up":
        return levels
    return tuple(level for level in levels if level.rank >= proposed.rank)


def _final_level(
    instrument: Instrument, computed: str | None, assessment: AssessmentInput, source: str
) -> str:
    """The level after the professional's override, which the instrument's policy must allow."""
    override = assessment.override
    if override is None:
        if computed is None:
            raise BadInput(
                key="error.input.level_needed", where=f"{source}: $.override", instrument=instrument.id
            )
        return computed
    chosen = instrument.level(override.level)
    if chosen is not None and chosen not in allowed_levels(instrument, computed):
        raise BadInput(
            key="error.input.override_lower",
            where=f"{source}: $.override.level",
            level=override.level,
            computed=computed,
            instrument=instrument.id,
        )
    return override.level


def _instrument_files(sources: Iterable[Path | str]) -> list[Path]:
    files: list[Path] = []
    for source in sources:
        path = Path(source)
        files.extend(sorted(path.glob("*.toml")) if path.is_dir() else [path])
    return files


@cache
def _shared() -> Csvc:
    from csvc_core.plugins import get_plugin_manager

    return Csvc(get_plugin_manager())


def assess(instrument_id: str, payload: Mapping[str, Any], *, sector: str | None = None) -> Result:
    """Assess with the installed plugins: ``csvc_core.assess("csvc-grid", {"answers": {...}})``."""
    return Csvc.load().assess(instrument_id, payload, sector=sector)
