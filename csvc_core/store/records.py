"""What the store's service functions return: frozen records with a ``to_json()`` for the CLI and the TUI.

Datetimes are aware; JSON shows them in ISO 8601 with the local offset. A ``label`` or ``name`` is None
unless the caller asked to reveal it (each reveal is an audit entry). A record's JSON is its attributes in
order, through the one output converter (:mod:`csvc_core.output`), unless it writes its own ``to_json``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from csvc_core.compromission import CaseCompromission
from csvc_core.framework import HookError
from csvc_core.model import Result, Text
from csvc_core.output import JsonRecord, iso, json_names
from csvc_core.sharing.concertation import CarriedLevel

ACTION_STATUSES = ("open", "done", "impossible", "not_done")
EVENT_KINDS = ("new_incident", "separation", "partner_release", "breach_of_conditions")
#: what may happen after an assessment, from the least to the most severe, and who reported it.
OUTCOME_KINDS = (
    "threats",
    "stalking",
    "breach_of_conditions",
    "physical_violence",
    "sexual_violence",
    "homicide_attempt",
    "homicide",
)
OUTCOME_SOURCES = ("victim", "police_report", "court")


@attrs.frozen
class Organisation(JsonRecord):
    id: str
    name: str
    sector: str


@attrs.frozen
class UserInfo(JsonRecord):
    id: str
    name: str
    role: str
    organisation: str
    sector: str
    active: bool
    created_at: datetime


@attrs.frozen
class Contact(JsonRecord):
    """Safe-contact information of a protagonist (all of it encrypted in the store)."""

    phone: str | None = None
    address: str | None = None
    safe_times: str | None = None
    channels: tuple[str, ...] = ()
    notes: str | None = None


#: the fields of :class:`Contact`, each revealed on its own (see ``cases.reveal_protagonist``).
CONTACT_FIELDS = ("phone", "address", "safe_times", "channels", "notes")
#: what ``casefile.case_detail(reveal=...)`` may decrypt: the case label, people's names, their safe-contact
#: information, and the notes of events and actions (``reveal=True``: all four).
REVEAL_GROUPS = ("label", "names", "contacts", "notes")


@attrs.frozen
class Protagonist(JsonRecord):
    id: str
    role: str  # victim, child, close_one, partner
    name: str | None  # None unless revealed
    contact: Contact | None  # None unless revealed
    safe_to_call: bool | None
    partner_knows: bool | None  # does the partner know of the service contact?
    version: int


@attrs.frozen
class CaseSummary:
    id: str
    label: str | None  # None unless revealed
    status: str
    compromission: int | None
    reassess_by: datetime | None
    overdue: bool
    created_at: datetime
    version: int
    overdue_actions: int = 0  # open actions past their due date

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "status": self.status,
            "compromission": self.compromission,
            "reassess_by": iso(self.reassess_by),
            "overdue": self.overdue,
            "overdue_actions": self.overdue_actions,
            "created_at": iso(self.created_at),
            "version": self.version,
        }


@attrs.frozen
class AssessmentSummary:
    """A stored assessment (append-only); ``result`` is the result object as computed at confirmation."""

    id: str
    case_id: str
    instrument: str
    instrument_version: str
    protagonist: str
    sector: str
    level: str
    computed_level: str | None
    compromission: int | None
    overridden: bool
    assessed_at: datetime
    reassess_by: datetime | None
    by: str  # the professional who confirmed it
    confirmed_at: datetime
    standing: str  # "standing", "closed", "superseded" or "no_level" (see csvc_core.compromission)
    result: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "instrument": self.instrument,
            "instrument_version": self.instrument_version,
            "protagonist": self.protagonist,
            "sector": self.sector,
            "level": self.level,
            "computed_level": self.computed_level,
            "compromission": self.compromission,
            "overridden": self.overridden,
            "assessed_at": iso(self.assessed_at),
            "reassess_by": iso(self.reassess_by),
            "by": self.by,
            "confirmed_at": iso(self.confirmed_at),
            "standing": self.standing,
        }
        if self.result is not None:
            data["result"] = self.result
        return data


@attrs.frozen
class ActionChange(JsonRecord):
    at: datetime
    by: str
    status: str
    note: str | None
    #: the assessment that recommended the action (again) at this change, and the due date it then took.
    assessment: str | None = None
    due: datetime | None = None


@attrs.frozen
class ActionRecord:
    id: str
    case_id: str
    assessment_id: str | None
    action: str
    sector: str
    label: Text | None
    mandatory: bool
    due: datetime | None
    status: str
    overdue: bool
    proposed_by: str
    version: int
    history: tuple[ActionChange, ...] = ()
    due_now: bool = False  # due when it was saved, still within its grace: to do now, not overdue yet

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "case": self.case_id,
            "assessment": self.assessment_id,
            "action": self.action,
            "sector": self.sector,
            "label": {"fr": self.label.fr, "en": self.label.en} if self.label else None,
            "mandatory": self.mandatory,
            "due": iso(self.due),
            "status": self.status,
            "overdue": self.overdue,
            "due_now": self.due_now,
            "proposed_by": self.proposed_by,
            "version": self.version,
            "history": [change.to_json() for change in self.history],
        }


@attrs.frozen
class CaseEvent(JsonRecord):
    id: str
    kind: str
    occurred_at: datetime
    recorded_at: datetime
    by: str
    note: str | None  # None unless revealed
    open: bool  # no assessment confirmed since: a re-assessment is due


@attrs.frozen
class CaseOutcome(JsonRecord):
    """What happened after the assessments: an incident, when, reported by whom, recorded by whom."""

    id: str
    kind: str
    source: str
    occurred_at: datetime
    recorded_at: datetime
    by: str
    note: str | None  # None unless revealed


@attrs.frozen
class CaseDetail:
    """Everything about one case that its reader may see (``csvc case show``)."""

    summary: CaseSummary
    organisation: str
    level: CaseCompromission
    protagonists: tuple[Protagonist, ...]
    assessments: tuple[AssessmentSummary, ...]  # newest first
    actions: tuple[ActionRecord, ...]  # most urgent first
    events: tuple[CaseEvent, ...]  # newest first
    outcomes: tuple[CaseOutcome, ...] = ()  # latest incident first

    @property
    def id(self) -> str:
        return self.summary.id

    @property
    def compromission(self) -> int | None:
        return self.level.level

    def to_json(self) -> dict[str, Any]:
        level = self.level.to_json()
        return {
            **self.summary.to_json(),
            "organisation": self.organisation,
            "compromission": self.level.level,
            "compromission_holders": level["holders"],
            "standing": level["standing"],
            "set_aside": level["set_aside"],
            "protagonists": [p.to_json() for p in self.protagonists],
            "assessments": [a.to_json() for a in self.assessments],
            "actions": [a.to_json() for a in self.actions],
            "events": [e.to_json() for e in self.events],
            "outcomes": [o.to_json() for o in self.outcomes],
        }


@attrs.frozen
class StoredAssessment:
    """An assessment just confirmed: its id, the pipeline's result, its actions, and hook failures if any."""

    id: str
    case_id: str
    result: Result
    actions: tuple[ActionRecord, ...]
    hook_errors: tuple[HookError, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The result object (``actions``: what the instrument recommended) plus ``assessment_id`` and
        ``stored_actions``: the case's actions those recommendations map to, new or already there (their own
        ``assessment`` names the assessment that first recommended them)."""
        return {
            **self.result.to_json(),
            "assessment_id": self.id,
            "stored_actions": [action.to_json() for action in self.actions],
        }


@attrs.frozen
class FollowupItem(JsonRecord):
    """One case of the follow-up queue."""

    case: str
    reassess_by: datetime
    overdue: bool
    compromission: int | None
    overdue_actions: int = 0  # open actions past their due date


@json_names(cases="purged")
@attrs.frozen
class PurgeReport(JsonRecord):
    cases: tuple[str, ...]
    retention_days: int
    wal_truncated: bool


# -- concertation through the cell, emergency accesses, what partners shared, as their readers read them ---
#: the level a request carries, in JSON named as a case's level; the confirming professional by name.
json_names(level="compromission")(CarriedLevel)


@attrs.frozen
class StepRecord(JsonRecord):
    state: str
    at: datetime
    by: str  # by name
    role: str
    organisation: str  # by name
    note: str | None


@attrs.frozen
class DecisionRecord(JsonRecord):
    members: tuple[str, ...]
    concerted_action: bool
    reason: str | None
    at: datetime


@attrs.frozen
class AttendeeRecord(JsonRecord):
    name: str
    organisation: str


@attrs.frozen
class MeetingRecord(JsonRecord):
    id: str
    at: datetime
    kind: str
    chair: str
    attendees_by_sector: dict[str, tuple[AttendeeRecord, ...]]


@attrs.frozen
class PlanActionRecord(JsonRecord):
    id: str
    description: str
    owner_org: str  # by name
    owner_sector: str
    owner: str | None
    due: datetime
    meeting: str
    status: str
    note: str | None
    closed_at: datetime | None


@attrs.frozen
class ClosureRecord(JsonRecord):
    reason: str
    note: str | None
    at: datetime


@attrs.frozen
class ConcertationRecord(JsonRecord):
    """A request as much as its reader may read (``view``), and the steps she may take now."""

    id: str
    case: str
    organisation: str  # by name
    state: str
    compromission: int | None
    level: CarriedLevel | None
    criteria: tuple[str, ...]
    judgement: str | None
    steps: tuple[StepRecord, ...]
    decision: DecisionRecord | None
    meetings: tuple[MeetingRecord, ...]
    actions: tuple[PlanActionRecord, ...]
    closure: ClosureRecord | None
    view: str
    next_steps: tuple[str, ...]


@attrs.frozen
class ConcertationItem(JsonRecord):
    """A request in the list, no free text: what orders the list by urgency."""

    id: str
    case: str
    organisation: str | None  # by name
    state: str
    criteria: tuple[str, ...]
    view: str
    level: CarriedLevel | None
    requested_at: datetime
    compromission: int | None
    open_actions: int
    overdue_actions: int
    next_due: datetime | None


@attrs.frozen
class EmergencyAlert(JsonRecord):
    """An emergency access for a supervisor to review (people and organisations by name)."""

    id: str
    case: str
    user: str | None
    organisation: str | None
    owner: str | None
    at: datetime
    until: datetime
    active: bool
    reason: str
    reviewed_at: datetime | None
    reviewed_by: str | None


@attrs.frozen
class SharedCase(JsonRecord):
    """A case another organisation holds that the reader's organisation may read something of, and why."""

    case: str
    bases: tuple[str, ...]
    full: bool
    compromission: int | None


@json_names(case_id="case")
@attrs.frozen
class DisclosureItem(JsonRecord):
    """A disclosure made by or to the reader's organisation, codes and dates only."""

    id: str
    case_id: str
    disclosed_at: datetime
    direction: str  # made, received
    discloser_org: str | None
    recipient_category: str
    recipient_kind: str
    recipient_org: str | None
    fields: tuple[str, ...]
