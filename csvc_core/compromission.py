"""A case's current *niveau de compromission de la sécurité* from every sector's assessments (pure).

The reading is safety first:

- The case level is the **highest level that still stands**, whichever sector, instrument or protagonist
  gave it.
- An assessment stands until one of two things happens:

  1. a **professional closes it** explicitly (:class:`Closure`: who, when, why), or
  2. it is **superseded by a re-assessment of the same kind**: a later assessment by the same sector (and
     the same organisation, when known), with the same instrument, for the same protagonist. That is the
     re-assessment the earlier one asked for, made by the partner who owns it. An *incomplete*
     re-assessment (unknown answers) that comes out *lower* supersedes nothing: unknowns never lower a level.

  A lower new assessment by *another* sector, with *another* instrument or for *another* protagonist never
  erases a higher one: the gap stays visible until a professional closes it.
- An assessment **past its re-assessment date still counts**: an expired high level is not a lower risk,
  only an older picture. It is marked ``overdue`` and the case shows that a re-assessment is due.

Every standing level and every factor keeps where it came from (sector, organisation, instrument and version,
assessment, date, protagonist), so a worker sees *why* the case stands where it does.

Nothing here reads a store or a clock: callers pass the records, the closures and ``now``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import attrs

from csvc_core.errors import BadInput
from csvc_core.model import Result


@attrs.frozen
class AssessmentRecord:
    """What the case level needs to know of one confirmed assessment (built by the store or by a caller)."""

    id: str
    sector: str
    instrument: str
    instrument_version: str
    level: str | None
    compromission: int | None
    assessed_at: datetime
    reassess_by: datetime | None = None
    protagonist: str = "victim"
    organisation: str | None = None
    factors: tuple[str, ...] = ()  # factor codes that drove the result
    by: str | None = None
    complete: bool = True  # False when answers were unknown or left out

    def supersedes(self, earlier: AssessmentRecord) -> bool:
        """Whether this later record replaces ``earlier``: same kind, and complete or not lower."""
        if not self.same_kind(earlier) or self.assessed_at <= earlier.assessed_at:
            return False
        return self.complete or (self.compromission or 0) >= (earlier.compromission or 0)

    def same_kind(self, other: AssessmentRecord) -> bool:
        """Whether ``other`` re-assesses the same thing (sector, organisation, instrument, protagonist)."""
        return (self.sector, self.organisation, self.instrument, self.protagonist) == (
            other.sector,
            other.organisation,
            other.instrument,
            other.protagonist,
        )


def record_from_result(
    result: Result, assessment_id: str, sector: str, organisation: str | None = None, by: str | None = None
) -> AssessmentRecord:
    """An :class:`AssessmentRecord` from a pipeline :class:`~csvc_core.model.Result`."""
    return AssessmentRecord(
        id=assessment_id,
        sector=sector,
        instrument=result.instrument.id,
        instrument_version=result.instrument.version,
        level=result.level,
        compromission=result.compromission,
        assessed_at=result.assessed_at,
        reassess_by=result.reassess_by,
        protagonist=result.input.protagonist,
        organisation=organisation,
        factors=tuple(dict.fromkeys(factor.factor for factor in result.factors)),
        by=by or (result.override.by if result.override else None),
        complete=result.complete,
    )


@attrs.frozen
class Closure:
    """A professional's explicit decision that an assessment no longer stands (the risk it showed changed)."""

    assessment_id: str
    by: str
    reason: str
    closed_at: datetime

    def __attrs_post_init__(self) -> None:
        if not self.by.strip():
            raise BadInput(key="error.case.closure_by", id=self.assessment_id)
        if not self.reason.strip():
            raise BadInput(key="error.case.closure_reason", id=self.assessment_id)


@attrs.frozen
class Standing:
    """An assessment that counts toward the case level; ``overdue`` once ``now`` is past its reassess_by."""

    record: AssessmentRecord
    overdue: bool


@attrs.frozen
class SetAside:
    """An assessment that does not count, and why: ``closed`` (with the closure), ``superseded`` (by which) or
    ``no_level`` (a judgement instrument whose level nobody chose yet)."""

    record: AssessmentRecord
    why: str
    closure: Closure | None = None
    superseded_by: str | None = None


@attrs.frozen
class FactorSource:
    """A risk factor of a standing assessment, with where it came from."""

    factor: str
    assessment: str
    sector: str
    instrument: str
    assessed_at: datetime
    protagonist: str


@attrs.frozen
class CaseCompromission:
    """The case's current level (1-4, or None before any assessment) and how it was reached."""

    level: int | None
    holders: tuple[AssessmentRecord, ...]  # the standing assessments at that level, newest first
    standing: tuple[Standing, ...]  # highest first, then newest first
    set_aside: tuple[SetAside, ...]
    by_protagonist: dict[str, int]
    factors: tuple[FactorSource, ...]
    reassess_by: datetime | None  # the earliest re-assessment date among standing assessments
    now: datetime

    @property
    def overdue(self) -> tuple[str, ...]:
        """Ids of the standing assessments past their re-assessment date."""
        return tuple(standing.record.id for standing in self.standing if standing.overdue)

    @property
    def reassessment_due(self) -> bool:
        return bool(self.overdue)

    def to_json(self) -> dict[str, Any]:
        return {
            "compromission": self.level,
            "holders": [record.id for record in self.holders],
            "reassess_by": _iso(self.reassess_by),
            "overdue": list(self.overdue),
            "by_protagonist": dict(sorted(self.by_protagonist.items())),
            "standing": [
                {**_record_json(standing.record), "overdue": standing.overdue} for standing in self.standing
            ],
            "set_aside": [
                {
                    **_record_json(aside.record),
                    "why": aside.why,
                    "superseded_by": aside.superseded_by,
                    "closure": (
                        {
                            "by": aside.closure.by,
                            "reason": aside.closure.reason,
                            "closed_at": aside.closure.closed_at.isoformat(),
                        }
                        if aside.closure
                        else None
                    ),
                }
                for aside in self.set_aside
            ],
            "factors": [
                {
                    "factor": source.factor,
                    "assessment": source.assessment,
                    "sector": source.sector,
                    "instrument": source.instrument,
                    "assessed_at": source.assessed_at.isoformat(),
                    "protagonist": source.protagonist,
                }
                for source in self.factors
            ],
        }


def case_compromission(
    records: Iterable[AssessmentRecord], now: datetime, closures: Sequence[Closure] = ()
) -> CaseCompromission:
    """The case's current compromission from its assessments (any order) and the closures, at ``now``.

    ``now`` only decides which standing assessments are overdue. A later assessment of the same kind
    supersedes an earlier one even when that later one was closed afterwards: a closure ends the thread.
    A closure naming an assessment that is not given is :class:`BadInput` (the caller mixed up cases).
    """
    if now.tzinfo is None:
        raise BadInput(key="error.case.now_offset", now=now.isoformat())
    given = list(records)
    ids = [record.id for record in given]
    if len(set(ids)) != len(ids):
        raise BadInput(key="error.case.twice")
    closed = {closure.assessment_id: closure for closure in closures}
    strangers = sorted(set(closed) - set(ids))
    if strangers:
        raise BadInput(key="error.case.closure_stranger", id=strangers[0])
    set_aside: list[SetAside] = [
        SetAside(record, "no_level") for record in given if record.compromission is None
    ]
    rows = [record for record in given if record.compromission is not None]
    newest_first = sorted(rows, key=lambda record: record.assessed_at, reverse=True)
    standing: list[Standing] = []
    for index, record in enumerate(newest_first):
        closure = closed.get(record.id)
        later = next((other for other in newest_first[:index] if other.supersedes(record)), None)
        if closure is not None:
            set_aside.append(SetAside(record, "closed", closure=closure))
        elif later is not None:
            set_aside.append(SetAside(record, "superseded", superseded_by=later.id))
        else:
            overdue = record.reassess_by is not None and record.reassess_by < now
            standing.append(Standing(record, overdue))
    standing.sort(key=lambda s: (-(s.record.compromission or 0), -s.record.assessed_at.timestamp()))
    level = standing[0].record.compromission if standing else None
    by_protagonist: dict[str, int] = {}
    for row in standing:
        value = row.record.compromission or 0
        by_protagonist[row.record.protagonist] = max(by_protagonist.get(row.record.protagonist, 0), value)
    dates = [row.record.reassess_by for row in standing if row.record.reassess_by is not None]
    return CaseCompromission(
        level=level,
        holders=tuple(row.record for row in standing if row.record.compromission == level),
        standing=tuple(standing),
        set_aside=tuple(set_aside),
        by_protagonist=by_protagonist,
        factors=tuple(
            FactorSource(
                factor=code,
                assessment=row.record.id,
                sector=row.record.sector,
                instrument=row.record.instrument,
                assessed_at=row.record.assessed_at,
                protagonist=row.record.protagonist,
            )
            for row in standing
            for code in row.record.factors
        ),
        reassess_by=min(dates) if dates else None,
        now=now,
    )


def answers_event(
    event_occurred_at: datetime, event_recorded_at: datetime, assessed_at: datetime, confirmed_at: datetime
) -> bool:
    """Whether an assessment answers a case event: confirmed once the event was recorded, and assessing the
    situation on or after the day it happened. An event no assessment answers stays open."""
    return confirmed_at >= event_recorded_at and assessed_at >= event_occurred_at


def case_due(level: CaseCompromission, open_events_recorded: Iterable[datetime]) -> datetime | None:
    """When the case is due for an assessment: the earliest re-assessment date of its standing assessments,
    or the day an event still open was recorded, whichever comes first (None: nothing asks for one)."""
    dates = [date for date in (level.reassess_by, *open_events_recorded) if date is not None]
    return min(dates) if dates else None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _record_json(record: AssessmentRecord) -> dict[str, Any]:
    return {
        "assessment": record.id,
        "sector": record.sector,
        "organisation": record.organisation,
        "instrument": {"id": record.instrument, "version": record.instrument_version},
        "level": record.level,
        "compromission": record.compromission,
        "assessed_at": record.assessed_at.isoformat(),
        "reassess_by": _iso(record.reassess_by),
        "protagonist": record.protagonist,
        "by": record.by,
        "complete": record.complete,
    }
