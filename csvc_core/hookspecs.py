"""The hooks a csvc plugin may implement.

Every hook is prefixed ``csvc_``. Collecting hooks are called once per plugin by :mod:`csvc_core.framework`
(the core first, then the plugins by name), which checks each answer's type, records which plugin answered
what and sorts the answers itself: never rely on pluggy's call order. ``firstresult`` hooks have one owner:
the plugins are asked by name and the first answer wins, the core's default last. One rule for who wins: the
first by plugin name, the core set apart (first in a collected hook, the default in a first-result hook).
A plugin whose hook raises or answers the wrong type is recorded and skipped (``CSVC_STRICT_PLUGINS=1``
raises instead).
Each hook is documented in ``docs/hooks.md`` (a test keeps the two in step).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import click

    from csvc_core.casetools import CaseTool
    from csvc_core.events import CaseEvent
    from csvc_core.model import Action, Flag, Instrument, Result, Text
    from csvc_core.rules import ScoringRule
    from csvc_core.sectors import Adaptation, Sector
    from csvc_core.store.records import ActionRecord, AssessmentSummary

hookspec = pluggy.HookspecMarker("csvc")


@hookspec
def csvc_sectors() -> Iterable[Sector]:
    """Return the sectors this plugin serves (id, names fr/en, mandate).

    Collected: a list of :class:`~csvc_core.sectors.Sector`. A sector id declared twice keeps the first
    (the core's, then by plugin name).
    """


@hookspec
def csvc_instrument_sources() -> Iterable[Path]:
    """Return folders (every ``*.toml`` inside) or files of instrument definitions that this plugin ships.

    Collected: a list of paths. Each file is read and validated once; its problems are reported (``csvc
    plugins``, ``csvc instruments validate``), never raised. An instrument id defined twice is reported and
    the first kept (the core's, then by plugin name).
    """


@hookspec
def csvc_adapt_instrument(instrument: Instrument, sector: str) -> Adaptation | None:
    """Return how ``sector`` adapts ``instrument`` to its mandate, or None.

    An :class:`~csvc_core.sectors.Adaptation` may hide items the sector may not ask, reword items, add
    items and
    mark where the sector establishes an item (its ``sources``). Collected; only plugins that serve ``sector``
    should answer. Scoring stays the instrument's: a hidden item counts as unknown, never as no.
    """


@hookspec
def csvc_scoring_rules() -> Iterable[ScoringRule]:
    """Return named scoring strategies (objects with ``kind``, ``score()`` and ``validate()``).

    Collected. The core ships ``tiered``, ``count``, ``sum`` and ``judgement``; a kind offered twice is
    reported and the first kept (the core's). ``validate(instrument)`` returns ``$.path: reason`` lines.
    Keep the rule monotone: one more yes never lowers the level.
    """


@hookspec
def csvc_flags(result: Result, history: Sequence[Result]) -> Iterable[Flag]:
    """Return red flags and escalation criteria raised by ``result`` (before flags and actions are filled in).

    ``history`` holds earlier results for the same case, newest first (empty outside a store). Collected: a
    list of :class:`~csvc_core.model.Flag`; the framework sets each flag's ``proposed_by`` to the plugin that
    raised it, merges a flag raised by several plugins (items and proposers joined) and sorts flags by id.
    The core raises the instrument's declared flags and ``critical_item`` for a critical item answered yes.
    """


@hookspec
def csvc_recommend_actions(result: Result, sector: str | None) -> Iterable[Action]:
    """Return actions recommended after ``result`` (its ``flags`` filled in) for ``sector``.

    ``sector`` is the acting organisation's sector, or None when no organisation acts (the CLI's ``assess``):
    then each plugin proposes its own sector's actions. A plugin proposes actions of its own sector or of the
    partnership (``csvc``) only. Collected: a list of :class:`~csvc_core.model.Action` (``due`` with an
    offset, or None). The framework sets ``proposed_by``, merges an action (same id and sector) proposed
    twice (the earliest due, mandatory if either says so, both proposers kept) and orders actions: mandatory
    first, then by due date (undated last), sector and id. The core adds the instrument's default actions
    for the final level and flags.
    """


@hookspec(firstresult=True)
def csvc_reassessment_plan(result: Result) -> datetime | None:
    """Return when the situation must be re-assessed, or None for no date. First result wins.

    A datetime with an offset; anything else is refused and the next plugin asked. The core answers last:
    ``assessed_at`` plus the final level's ``reassess_after``, in the same offset.
    """


@hookspec
def csvc_assessment_confirmed(assessment: AssessmentSummary, actions: Sequence[ActionRecord]) -> None:
    """Called after the store committed a confirmed assessment and its actions (notification only).

    ``assessment`` is the store's :class:`~csvc_core.store.records.AssessmentSummary`, ``actions`` its
    :class:`~csvc_core.store.records.ActionRecord` list. Collected; the return value is ignored. A failure
    here is reported and never undoes the commit.
    """


@hookspec
def csvc_commands() -> Iterable[click.Command]:
    """Return click commands that this plugin adds to ``csvc``.

    Collected: a list of :class:`click.Command`. A name the core already uses, or that an earlier plugin
    (by name) took, is ignored.
    """


@hookspec
def csvc_case_tools() -> Iterable[CaseTool]:
    """Return the case tools this plugin adds to a case (the shelter's safety plan), as data.

    Collected: a list of :class:`~csvc_core.casetools.CaseTool` (sections of fields, statuses, wording fr/en).
    The store keeps each tool's content sealed in the case with its history; the TUI offers, edits and prints
    it; the plugin imports no Textual. A tool id given twice keeps the first (the core's, then by plugin
    name); a tool with a problem is reported and left out.
    """


# -- the shared vocabulary, extended by plugins -----------------------------------------------------------
@hookspec
def csvc_factors() -> Mapping[str, Text]:
    """Return risk-factor codes this plugin adds to the shared vocabulary: code -> wording ``Text(fr, en)``.

    Collected: a mapping. Its instruments (and any other plugin's) may then use these codes as an item's
    ``factor``. A code the shared vocabulary or an earlier plugin (by name) already has, a code that is not
    lowercase letters, digits and ``_``, or an empty wording is reported (``csvc plugins``, ``csvc instruments
    validate``) and the code left out.
    """


# -- events of a case, after the store committed them --------------------------------------------------------
@hookspec
def csvc_case_event(event: CaseEvent) -> None:
    """Called after the store committed a change to a case (notification only): an action's status, an event
    recorded on a case, a concertation step. ``event`` is a :class:`~csvc_core.events.CaseEvent`.

    Collected; the return value is ignored. A failure here is reported and never undoes the commit.
    """
