"""What statistics may know of a case: sectors, levels, instruments and times; nothing that names anyone."""

from __future__ import annotations

from datetime import datetime

import attrs


@attrs.frozen
class AssessmentFacts:
    sector: str
    instrument: str
    protagonist: str
    compromission: int | None
    assessed_at: datetime
    confirmed_at: datetime
    reassess_by: datetime | None
    version: str = ""  # the instrument's version


@attrs.frozen
class ActionFacts:
    sector: str  # the owner sector
    created_at: datetime
    due: datetime | None
    assessment: int | None  # index of the assessment that proposed it in CaseFacts.assessments
    changes: tuple[tuple[datetime, str], ...]  # (when, new status), oldest first
    kind: str  # the instrument's action code (e.g. offer_shelter), never a note


@attrs.frozen
class OutcomeFacts:
    kind: str
    occurred_at: datetime


@attrs.frozen
class CaseFacts:
    assessments: tuple[AssessmentFacts, ...]
    actions: tuple[ActionFacts, ...]
    outcomes: tuple[OutcomeFacts, ...] = ()
