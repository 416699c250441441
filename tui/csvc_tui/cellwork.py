"""What the concertation screens ask of the store, in one place (in the screens' thread workers).

The rules (which step comes next, who may take it, what it needs, how much of a request a user reads) are
the core's (:mod:`csvc_core.sharing.concertation`); the store lists the requests most urgent first by the
level each carries; here they are gathered for the screens, and each step is passed on unchanged.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs

from csvc_core.store import cases, concertation_reading, concertations, drafts, followup, people, received

if TYPE_CHECKING:
    from csvc_core.store.records import ConcertationItem, ConcertationRecord
    from csvc_core.store.session import StoreSession
    from csvc_tui.workspace import Workspace

#: the instrument actions that refer a case to intersectoral concertation.
REFERRAL_ACTIONS = ("emergency_concertation", "concertation", "concertation_referral")


@attrs.frozen
class Request:
    """A concertation request as the list shows it (no free text)."""

    id: str
    case: str
    name: str
    organisation: str
    state: str
    criteria: tuple[str, ...]
    compromission: int | None
    previous: int | None  # the level a changed carried level replaced
    requested_at: datetime | None
    open_actions: int
    overdue_actions: int
    next_due: datetime | None

    @property
    def closed(self) -> bool:
        return self.state == "closed"


@attrs.frozen
class ReferredCase:
    """A case to bring to concertation: recommended by an instrument, or referred to this organisation."""

    case: str
    name: str
    compromission: int | None
    why: str  # an action id (recommended) or "referral"


@attrs.frozen
class Desk:
    requests: tuple[Request, ...]
    recommended: tuple[ReferredCase, ...]
    referred: tuple[ReferredCase, ...]


def step_draft_key(concertation_id: str) -> str:
    """The key of the draft of a step of this request (the store lets whoever may read it keep one)."""
    from csvc_core.store.drafts import CONCERTATION_DRAFT

    return CONCERTATION_DRAFT + concertation_id


class CellWork:
    """The concertation calls of one workspace (its unlocked session)."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace

    @property
    def session(self) -> StoreSession:
        """The open session; locked meanwhile: one clear refusal (see ``Workspace.live``)."""
        return self.workspace.live

    @property
    def role(self) -> str:
        session = self.workspace.session
        return str(session.actor.role) if session is not None else ""

    def _names(self) -> dict[str, str]:
        """The labels of this organisation's cases (the store audits the reveal)."""
        listed = self.session.run(cases.list_cases, status=None, limit=1_000_000, reveal=True)
        return {case.id: case.label or case.id for case in listed}

    def desk(self) -> Desk:
        """The requests this user may read (most urgent first, as the store orders them), the cases an
        instrument refers to concertation without a request yet, and the cases other organisations referred
        to this one."""
        names = self._names()
        requests = tuple(
            Request(
                id=item.id,
                case=item.case,
                name=names.get(item.case, item.case),
                organisation=item.organisation or "",
                state=item.state,
                criteria=item.criteria,
                compromission=item.compromission,
                previous=item.level.previous if item.level is not None else None,
                requested_at=item.requested_at,
                open_actions=item.open_actions,
                overdue_actions=item.overdue_actions,
                next_due=item.next_due,
            )
            for item in self.session.run(concertation_reading.list_concertations)
        )
        asked = {r.case for r in requests if not r.closed}
        levels = {case.id: case.compromission for case in self.session.run(cases.list_cases, limit=1_000_000)}
        recommended: dict[str, ReferredCase] = {}
        for action in self.session.run(followup.list_actions, status="open", limit=100_000):
            if action.action in REFERRAL_ACTIONS and action.case_id not in asked:
                recommended.setdefault(
                    action.case_id,
                    ReferredCase(
                        action.case_id,
                        names.get(action.case_id, action.case_id),
                        levels.get(action.case_id),
                        action.action,
                    ),
                )
        referred = tuple(
            ReferredCase(item.case, item.case, item.compromission, "referral")
            for item in self.session.run(received.shared_cases)
            if "referral" in item.bases
        )
        by_level = sorted(recommended.values(), key=lambda c: -(c.compromission or 0))
        return Desk(requests, tuple(by_level), tuple(sorted(referred, key=lambda c: -(c.compromission or 0))))

    def case_requests(self, case_id: str) -> list[ConcertationItem]:
        """The requests on one case, newest first."""
        found = [
            item for item in self.session.run(concertation_reading.list_concertations) if item.case == case_id
        ]
        return sorted(found, key=lambda item: item.requested_at, reverse=True)

    def record(self, concertation_id: str) -> ConcertationRecord:
        """The request in full (steps, decision, meetings, plan) and the steps this user may take now."""
        record: ConcertationRecord = self.session.run(concertation_reading.record, concertation_id)
        return record

    def opened(self, concertation_id: str) -> tuple[ConcertationRecord, dict[str, Any] | None]:
        """The request, and the step this user was typing in it when the screen was locked (her draft)."""
        record = self.record(concertation_id)
        return record, self.session.run(drafts.read_draft, record.case, step_draft_key(concertation_id))

    def discard_step_draft(self, case_id: str, concertation_id: str) -> None:
        """The step was taken or left: its draft goes."""
        self.session.run(drafts.discard_draft, case_id, step_draft_key(concertation_id))

    def organisations(self) -> list[Any]:
        return list(self.session.run(people.list_organisations))

    # -- the steps (each refused by the core when out of order, by the wrong role, or incomplete) ----------
    def request(self, case_id: str, criteria: list[str], judgement: str) -> str:
        return str(self.session.run(concertations.request, case_id, criteria=criteria, judgement=judgement))

    def submit(self, concertation_id: str, note: str) -> None:
        self.session.run(concertations.submit, concertation_id, note)

    def to_committee(self, concertation_id: str) -> None:
        self.session.run(concertations.to_committee, concertation_id)

    def decide(self, concertation_id: str, members: list[str], concerted: bool, why: str) -> None:
        self.session.run(
            concertations.decide, concertation_id, members=members, concerted_action=concerted, why=why
        )

    def meeting(self, concertation_id: str, meeting: dict[str, Any]) -> None:
        self.session.run(concertations.hold_meeting, concertation_id, meeting, source="tui")

    def report_done(self, concertation_id: str, action_id: str, note: str) -> None:
        self.session.run(concertations.report_done, concertation_id, action_id, note)

    def close(self, concertation_id: str, why: str, note: str) -> None:
        self.session.run(concertations.close, concertation_id, why, note)
