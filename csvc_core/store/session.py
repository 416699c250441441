"""The service API: a :class:`StoreSession` acts as one unlocked user; every method is one transaction.

Every method checks the user's rights (:mod:`csvc_core.store.access`), writes its audit entry in the same
transaction as its change, and raises :class:`~csvc_core.errors.BadInput` (exit 2) or
:class:`~csvc_core.errors.OperationFailed` (exit 1) with one clear line, leaving the store as it was.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Iterable, Mapping
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.exc import DBAPIError

from csvc_core.errors import OperationFailed
from csvc_core.events import CaseEvent, EventKind
from csvc_core.framework import Csvc, HookError
from csvc_core.model import Result
from csvc_core.sharing.consent import ShareDecision
from csvc_core.sharing.disclosure import Grounds, Recipient
from csvc_core.sharing.handover import Basis
from csvc_core.sharing.register import RegisterLine
from csvc_core.store import (
    assessing,
    casefile,
    cases,
    casetools,
    communications,
    concertation_reading,
    concertations,
    consents,
    disclosures,
    drafts,
    emergency,
    followup,
    handovers,
    outcomes,
    people,
    received,
    retention,
)
from csvc_core.store.access import Actor, readable_case, require
from csvc_core.store.audit import AuditReport
from csvc_core.store.casetools import ToolRecord
from csvc_core.store.context import Tx
from csvc_core.store.crypto import KdfParams
from csvc_core.store.engine import login_engine
from csvc_core.store.keyring import Keyring
from csvc_core.store.opening import Store, check_schema, first_line, login_refused
from csvc_core.store.pg_logins import database_password, role_name
from csvc_core.store.records import (
    ActionRecord,
    CaseDetail,
    CaseSummary,
    ConcertationItem,
    ConcertationRecord,
    Contact,
    DisclosureItem,
    EmergencyAlert,
    FollowupItem,
    Organisation,
    PurgeReport,
    SharedCase,
    StoredAssessment,
    UserInfo,
)
from csvc_core.store.schema import actions, organisations, users


def unlock(store: Store, user_name: str, passphrase: str) -> StoreSession:
    """Check the passphrase, unwrap her private key (and through it her organisation's, from its grant); a
    refusal is audited and changes nothing else. No other key is opened until it is needed.

    On PostgreSQL the session connects as the user's own login role: a wrong passphrase, an unknown or
    disabled user is refused by the server itself."""
    engine = None
    if store.location.kind == "postgresql":
        engine = _login(store, user_name, passphrase)
    try:
        with (engine or store.engine).connect() as connection:
            row = connection.execute(select(users).where(users.c.name == user_name)).first()
            org = (
                connection.execute(select(organisations).where(organisations.c.id == row.org_id)).first()
                if row is not None
                else None
            )
            connection.rollback()
        private = people.private_key_of(row, passphrase) if row is not None and row.active else None
        if row is None or org is None or private is None:
            store.record_failed_login(user_name, row.id if row else None, row.org_id if row else None)
            raise people.LoginRefused(key="error.store.login_refused", user=user_name)
        keys = Keyring(row.id, row.name, row.org_id, private)
        assert store.csvc is not None, "a store opened without a framework is not unlocked"
        session = StoreSession(store, people.actor_of(row, org), keys, store.csvc, engine=engine)
        with session._tx() as tx:
            if row.pending_key is not None:
                people.settle_pending(tx, row, passphrase, private)
            tx.keys.org_private(tx.connection)
            tx.audit("login")
    except BaseException:
        if engine is not None:
            engine.dispose()
        raise
    return session


def _login(store: Store, user_name: str, passphrase: str) -> Engine:
    """An engine connected as ``user_name``'s login role, checked by connecting (and, for a workstation's
    URL, the store's schema and settings read through it); a login the server refuses: LoginRefused."""
    location = store.location
    engine = login_engine(
        location,
        role_name("user", location.database, user_name),
        database_password(location.database, user_name, passphrase),
    )
    try:
        with engine.connect() as connection:
            if location.anonymous:
                check_schema(location, connection)
                store.read_meta(connection)
            connection.rollback()
    except DBAPIError as exc:
        engine.dispose()
        if login_refused(exc):
            store.record_failed_login(user_name, None, None)
            raise people.LoginRefused(key="error.store.login_refused", user=user_name) from None
        raise OperationFailed(
            key="error.store.cannot_open", store=location.display, problem=first_line(exc)
        ) from None
    except BaseException:
        engine.dispose()
        raise
    return engine


class SessionExpired(OperationFailed):
    """The session outlived :attr:`StoreSession.max_age`: the user unlocks again."""


class StoreSession:
    """An unlocked store, acting as one user. Use :meth:`lock` (or ``with``) to drop her keys from memory.

    A session ends after ``max_age`` (12 hours by default) whatever its activity; inactivity locking is the
    caller's (the TUI's) to decide, with :meth:`lock`.
    """

    MAX_AGE = timedelta(hours=12)

    def __init__(
        self,
        store: Store,
        actor: Actor,
        keys: Keyring,
        csvc: Csvc,
        *,
        engine: Engine | None = None,
    ) -> None:
        self.store = store
        #: where this session's transactions run: on PostgreSQL, its own login role's connections
        self.engine = engine or store.engine
        self.actor = actor
        self._keys = keys
        self.csvc = csvc
        self.max_age = self.MAX_AGE
        self._unlocked_at = time.monotonic()

    def _tx(self) -> AbstractContextManager[Tx]:
        if self._keys.locked:
            raise OperationFailed(key="error.store.locked")
        if time.monotonic() - self._unlocked_at > self.max_age.total_seconds():
            self.lock()
            raise SessionExpired(key="error.store.session_expired", user=self.actor.name)
        return self.store.transaction(self.actor, self._keys, self.engine)

    def transaction(self) -> AbstractContextManager[Tx]:
        """One transaction as this user, for a feature given the session rather than forwarded to by it
        (statistics, exchange): refused, like every call, once the session is locked or has expired."""
        return self._tx()

    def lock(self) -> None:
        """Forget her keys: every later call fails until the user unlocks again."""
        self._keys.lock()
        if self.engine is not self.store.engine:
            self.engine.dispose()

    @property
    def locked(self) -> bool:
        return self._keys.locked

    def __enter__(self) -> StoreSession:
        return self

    def __exit__(self, *_: object) -> None:
        self.lock()

    # -- cases ---------------------------------------------------------------------------------------------
    def new_case(self, label: str) -> str:
        """Open a case; ``label`` (a name or a file reference) is stored encrypted. Returns the case id."""
        with self._tx() as tx:
            return cases.new_case(tx, label)

    def list_cases(
        self, *, status: str | None = "open", limit: int = 50, offset: int = 0, reveal: bool = False
    ) -> list[CaseSummary]:
        """A page of the cases this user sees, newest first (labels only with ``reveal``)."""
        with self._tx() as tx:
            return cases.list_cases(tx, status=status, limit=limit, offset=offset, reveal=reveal)

    def case(
        self, case_id: str, *, reveal: bool | Collection[str] = False, results: bool = False
    ) -> CaseDetail:
        """One case in full (see :func:`csvc_core.store.casefile.case_detail`); ``reveal``: True, or the
        groups of :data:`~csvc_core.store.records.REVEAL_GROUPS` to decrypt."""
        with self._tx() as tx:
            return casefile.case_detail(tx, case_id, reveal=reveal, results=results)

    def relabel_case(self, case_id: str, label: str, expected_version: int) -> int:
        with self._tx() as tx:
            return cases.relabel_case(tx, case_id, label, expected_version)

    def close_case(self, case_id: str, reason: str, expected_version: int | None = None) -> None:
        with self._tx() as tx:
            cases.close_case(tx, case_id, reason, expected_version)

    def add_protagonist(
        self,
        case_id: str,
        role: str,
        *,
        name: str | None = None,
        contact: Contact | None = None,
        safe_to_call: bool | None = None,
        partner_knows: bool | None = None,
    ) -> str:
        with self._tx() as tx:
            return cases.add_protagonist(
                tx,
                case_id,
                role,
                name=name,
                contact=contact,
                safe_to_call=safe_to_call,
                partner_knows=partner_knows,
            )

    def update_protagonist(
        self,
        protagonist_id: str,
        expected_version: int,
        *,
        name: str | None = None,
        contact: Contact | None = None,
        safe_to_call: bool | None = None,
        partner_knows: bool | None = None,
        contact_changes: dict[str, Any] | None = None,
    ) -> int:
        """Change a person; ``contact_changes`` changes some safe-contact fields and keeps the others."""
        with self._tx() as tx:
            return cases.update_protagonist(
                tx,
                protagonist_id,
                expected_version,
                name=name,
                contact=contact,
                safe_to_call=safe_to_call,
                partner_knows=partner_knows,
                contact_changes=contact_changes,
            )

    def reveal_protagonist(self, protagonist_id: str, fields: Iterable[str]) -> dict[str, Any]:
        """Only the ``fields`` asked for of one person (``name``, ``phone``, ``address``, ``safe_times``,
        ``channels``, ``notes``), decrypted; the store audits which fields were revealed."""
        with self._tx() as tx:
            return cases.reveal_protagonist(tx, protagonist_id, fields)

    def record_event(
        self, case_id: str, kind: str, occurred_at: datetime | None = None, note: str | None = None
    ) -> str:
        """new_incident, separation, partner_release, breach_of_conditions: a re-assessment is due now."""
        with self._tx() as tx:
            event_id = cases.record_event(tx, case_id, kind, occurred_at, note)
        self._notify("case_event", event_id, kind, case_id)
        return event_id

    def _notify(self, kind: EventKind, subject: str, detail: str, case_id: str | None = None) -> None:
        """Tell the plugins (``csvc_case_event``) about a committed change; a failing plugin is reported
        (standard error, ``Csvc.hook_errors``) and never undoes it."""
        event = CaseEvent(
            kind=kind, subject=subject, detail=detail, at=datetime.now().astimezone(), case_id=case_id
        )
        self.csvc.call_each("csvc_case_event", event=event)

    def record_outcome(
        self,
        case_id: str,
        kind: str,
        source: str,
        occurred_at: datetime | None = None,
        note: str | None = None,
    ) -> str:
        """What happened after the assessments: an incident, when, reported by whom (audited)."""
        with self._tx() as tx:
            return outcomes.record_outcome(tx, case_id, kind, source, occurred_at, note)

    # -- assessments ---------------------------------------------------------------------------------------
    def assess(
        self, case_id: str, instrument_id: str, payload: Mapping[str, Any], source: str = "answers"
    ) -> StoredAssessment:
        """Score (the answers object), confirm as this user, store with its actions; then notify plugins."""
        with self._tx() as tx:
            assessment_id, result, action_ids = assessing.assess(
                tx, self.csvc, case_id, instrument_id, payload, source
            )
            rows = tx.connection.execute(
                select(actions).where(actions.c.id.in_(action_ids)).order_by(*followup.urgency_order())
            ).all()
            stored_actions = followup.action_records(tx, rows)
            summary = assessing.summary_of(tx, assessment_id)
        answers = self.csvc.call_each(
            "csvc_assessment_confirmed", assessment=summary, actions=tuple(stored_actions)
        )
        failures = tuple(
            HookError(plugin, "csvc_assessment_confirmed", f"{type(answer).__name__}: {answer}")
            for plugin, answer in answers
            if isinstance(answer, Exception)
        )
        return StoredAssessment(
            id=assessment_id,
            case_id=case_id,
            result=result,
            actions=tuple(stored_actions),
            hook_errors=failures,
        )

    def preview(
        self, case_id: str, instrument_id: str, payload: Mapping[str, Any], source: str = "answers"
    ) -> Result:
        """What :meth:`assess` would record now (same pipeline, sector, case history), recording nothing."""
        with self._tx() as tx:
            return assessing.preview(tx, self.csvc, case_id, instrument_id, payload, source)

    # -- case tools (a plugin's, e.g. the shelter's safety plan: sealed in the case, with history) ----------
    def case_tool(self, case_id: str, tool_id: str) -> ToolRecord:
        """The tool's current content in the case and who changed what when."""
        tool = self.csvc.case_tool(tool_id)
        with self._tx() as tx:
            return casetools.read_tool(tx, tool, case_id)

    def save_case_tool(self, case_id: str, tool_id: str, content: Any, *, expected: int | None = None) -> int:
        """Save the tool's content (checked against the tool); its new ``seq``."""
        tool = self.csvc.case_tool(tool_id)
        with self._tx() as tx:
            return casetools.save_tool(tx, tool, case_id, content, expected=expected)

    # -- drafts (encrypted, this user's own) ---------------------------------------------------------------
    def save_draft(self, case_id: str, key: str, content: dict[str, Any]) -> str:
        """Create or replace a draft (answers typed so far); returns its id."""
        with self._tx() as tx:
            return drafts.save_draft(tx, case_id, key, content)

    def draft(self, case_id: str, key: str) -> dict[str, Any] | None:
        with self._tx() as tx:
            return drafts.read_draft(tx, case_id, key)

    def drafts(self, case_id: str) -> list[dict[str, Any]]:
        with self._tx() as tx:
            return drafts.case_drafts(tx, case_id)

    def discard_draft(self, case_id: str, key: str) -> bool:
        with self._tx() as tx:
            return drafts.discard_draft(tx, case_id, key)

    def reread_assessment(self, assessment_id: str) -> Result:
        """A stored assessment evaluated again with the instrument definition it was made with."""
        with self._tx() as tx:
            row = assessing.assessment_row(tx, assessment_id)
            tx.audit("assessment.read", row.case_id, assessment=assessment_id)
            return assessing.reread(tx, self.csvc, row)

    def stored_result(self, assessment_id: str) -> dict[str, Any]:
        """The result object exactly as stored when the assessment was confirmed."""
        with self._tx() as tx:
            row = assessing.assessment_row(tx, assessment_id)
            tx.audit("assessment.read", row.case_id, assessment=assessment_id)
            return assessing.stored_result(tx, row)

    def close_assessment(self, assessment_id: str, reason: str) -> None:
        """Say explicitly that an assessment no longer stands (it stops counting for the case level)."""
        with self._tx() as tx:
            assessing.close_assessment(tx, assessment_id, reason)

    # -- follow-up -----------------------------------------------------------------------------------------
    def followup(self, *, limit: int | None = None, overdue_only: bool = False) -> list[FollowupItem]:
        """Cases to re-assess, most urgent first (``csvc followup``)."""
        with self._tx() as tx:
            return followup.followup(tx, limit=limit, overdue_only=overdue_only)

    def actions(
        self,
        *,
        case_id: str | None = None,
        sector: str | None = None,
        status: str | None = "open",
        due_before: datetime | None = None,
        overdue: bool = False,
        limit: int = 200,
    ) -> list[ActionRecord]:
        """Actions owed, most urgent first (mandatory, then earliest due)."""
        with self._tx() as tx:
            return followup.list_actions(
                tx,
                case_id=case_id,
                sector=sector,
                status=status,
                due_before=due_before,
                overdue=overdue,
                limit=limit,
            )

    def set_action_status(
        self, action_id: str, status: str, note: str | None = None, expected_version: int | None = None
    ) -> ActionRecord:
        with self._tx() as tx:
            record = followup.set_action_status(tx, action_id, status, note, expected_version)
        self._notify("action_status", action_id, status, record.case_id)
        return record

    # -- people --------------------------------------------------------------------------------------------
    def add_organisation(
        self, name: str, sector: str, *, admin: str, passphrase: str, kdf: KdfParams | None = None
    ) -> str:
        """A new organisation and its first user, its administrator ``admin`` with ``passphrase``."""
        with self._tx() as tx:
            return people.add_organisation(
                tx,
                name,
                sector,
                admin=admin,
                passphrase=passphrase,
                sectors=people.known_sectors(self.csvc),
                kdf=kdf,
            )

    def organisations(self) -> list[Organisation]:
        with self._tx() as tx:
            return people.list_organisations(tx)

    def add_user(
        self,
        name: str,
        role: str,
        passphrase: str,
        *,
        organisation: str | None = None,
        kdf: KdfParams | None = None,
    ) -> str:
        """A new user of this administrator's organisation; her passphrase wraps her own private key."""
        with self._tx() as tx:
            return people.add_user(tx, name, role, passphrase, organisation=organisation, kdf=kdf)

    def set_user_role(self, name: str, role: str) -> None:
        """Give a user of this administrator's organisation another role (``ROLE_CHOICES``)."""
        with self._tx() as tx:
            people.set_user_role(tx, name, role)

    def users(self) -> list[UserInfo]:
        """The people of the caller's organisation."""
        with self._tx() as tx:
            return people.list_users(tx)

    def set_user_active(
        self, name: str, active: bool, passphrase: str | None = None, kdf: KdfParams | None = None
    ) -> None:
        """Disable a user (her grants go), or enable her again with a new ``passphrase``."""
        with self._tx() as tx:
            people.set_user_active(tx, name, active, passphrase, kdf)

    def change_passphrase(self, old: str, new: str, kdf: KdfParams | None = None) -> None:
        with self._tx() as tx:
            people.change_passphrase(tx, old, new, kdf)
        if self.engine is not self.store.engine:  # the login role's password changed with the passphrase
            self.engine.dispose()
            self.engine = _login(self.store, self.actor.name, new)

    def rotate_org_key(self) -> dict[str, int]:
        """New keys for this administrator's organisation (run when someone leaves it): see rotation.py."""
        from csvc_core.store.rotation import rotate_org_key

        with self._tx() as tx:
            return rotate_org_key(tx)

    def confirm_passphrase(self, passphrase: str) -> None:
        """Step-up: the acting user types her passphrase again; a wrong one is refused and audited."""
        with self.engine.connect() as connection:
            row = connection.execute(select(users).where(users.c.id == self.actor.user_id)).one()
            connection.rollback()
        if people.private_key_of(row, passphrase) is None:
            self.store.record_failed_login(self.actor.name, row.id, row.org_id)
            raise people.LoginRefused(key="error.store.passphrase_wrong")

    # -- partnership: consents, shares, disclosures, referrals, transfers (see docs/partnership.md) ----------
    def give_consent(
        self,
        case_id: str,
        *,
        person: str,
        purpose: str,
        categories: Iterable[str],
        partner_sector: str,
        partner: str | None = None,
        expires_at: datetime,
        given_at: datetime | None = None,
    ) -> str:
        """Record a consent (one purpose, its categories, one partner organisation or sector, an expiry)."""
        with self._tx() as tx:
            return consents.give_consent(
                tx,
                case_id,
                person=person,
                purpose=purpose,
                categories=categories,
                partner_sector=partner_sector,
                partner=partner,
                expires_at=expires_at,
                given_at=given_at,
            )

    def withdraw_consent(self, consent_id: str) -> None:
        """Withdraw a consent now: nothing new is shared under it from this instant."""
        with self._tx() as tx:
            consents.withdraw_consent(tx, consent_id)

    def consents(self, case_id: str) -> list[consents.ConsentRecord]:
        with self._tx() as tx:
            return consents.list_consents(tx, case_id)

    def may_share(
        self, case_id: str, categories: Iterable[str], to: str, purpose: str | None = None
    ) -> ShareDecision:
        """Whether these categories may go to organisation ``to`` now, and why (or why not)."""
        with self._tx() as tx:
            return consents.may_share(tx, case_id, categories, to, purpose)

    def share(self, case_id: str, *, categories: Iterable[str], to: str, purpose: str) -> str:
        """Share categories of a case with a partner organisation under the consents in force."""
        with self._tx() as tx:
            return consents.share(tx, case_id, categories=categories, to=to, purpose=purpose)

    def disclosure_fields(self, case_id: str) -> dict[str, str]:
        """The fields a disclosure of this case may carry (name -> category); none is ticked."""
        with self._tx() as tx:
            return disclosures.offered_fields(tx, case_id)

    def disclose(
        self,
        case_id: str,
        *,
        recipient: Recipient,
        grounds: Grounds,
        fields: Iterable[str],
        recipient_org: str | None = None,
    ) -> str:
        """A disclosure to prevent violence (art. 60.4): every element, exactly the ticked fields."""
        with self._tx() as tx:
            return disclosures.disclose(
                tx, case_id, recipient=recipient, recipient_org=recipient_org, grounds=grounds, fields=fields
            )

    def disclosure(self, disclosure_id: str) -> disclosures.DisclosureRecord:
        with self._tx() as tx:
            return disclosures.read_disclosure(tx, disclosure_id)

    def annotate_disclosure(self, disclosure_id: str, text: str) -> str:
        with self._tx() as tx:
            return disclosures.annotate_disclosure(tx, disclosure_id, text)

    def disclosures(self, case_id: str | None = None) -> list[DisclosureItem]:
        with self._tx() as tx:
            return disclosures.list_disclosures(tx, case_id)

    def shared_with_me(self, case_id: str) -> dict[str, Any]:
        """What this user's organisation may read of a case it does not hold, and why."""
        with self._tx() as tx:
            return received.shared_with_me(tx, case_id)

    def shared_cases(self) -> list[SharedCase]:
        """Cases held elsewhere that this user's organisation may read something of, and on which basis."""
        with self._tx() as tx:
            return received.shared_cases(tx)

    def refer(self, case_id: str, *, to: str, why: str, basis: Basis) -> str:
        with self._tx() as tx:
            return handovers.refer(tx, case_id, to=to, why=why, basis=basis)

    def end_referral(self, referral_id: str) -> None:
        with self._tx() as tx:
            handovers.end_referral(tx, referral_id)

    def transfer(self, case_id: str, *, to: str, why: str, basis: Basis) -> str:
        with self._tx() as tx:
            return handovers.transfer(tx, case_id, to=to, why=why, basis=basis)

    def break_glass(self, case_id: str, reason: str, passphrase: str) -> dict[str, Any]:
        """Emergency access to a case one has no other access to: the passphrase again, a reason;
        the whole case to read for a few hours; audited ``break_glass``; the supervisors alerted."""
        self.confirm_passphrase(passphrase)
        with self._tx() as tx:
            return emergency.break_glass(tx, case_id, reason)

    def emergency_alerts(self, *, pending_only: bool = True) -> list[EmergencyAlert]:
        """Supervisors: the emergency accesses to review (to the organisation's cases, or by its users)."""
        with self._tx() as tx:
            return emergency.emergency_alerts(tx, pending_only=pending_only)

    def review_emergency(self, access_id: str) -> None:
        with self._tx() as tx:
            emergency.review_emergency(tx, access_id)

    def communications_register(
        self, start: datetime, end: datetime, case_id: str | None = None
    ) -> list[RegisterLine]:
        """This organisation's register of communications for ``start <= at < end`` (of one case, or all)."""
        with self._tx() as tx:
            return communications.communications_register(tx, start, end, case_id)

    # -- concertation through the rapid-intervention cell --------------------------------------------------
    def request_concertation(self, case_id: str, *, criteria: Iterable[str], judgement: str = "") -> str:
        with self._tx() as tx:
            concertation_id = concertations.request(tx, case_id, criteria=criteria, judgement=judgement)
        self._notify("concertation_step", concertation_id, "requested", case_id)
        return concertation_id

    def concertation(self, concertation_id: str) -> ConcertationRecord:
        with self._tx() as tx:
            return concertation_reading.record(tx, concertation_id)

    def concertations(self, *, state: str | None = None) -> list[ConcertationItem]:
        with self._tx() as tx:
            return concertation_reading.list_concertations(tx, state=state)

    def submit_concertation(self, concertation_id: str, note: str) -> None:
        with self._tx() as tx:
            concertations.submit(tx, concertation_id, note)
        self._notify("concertation_step", concertation_id, "submitted")

    def concertation_to_committee(self, concertation_id: str) -> None:
        with self._tx() as tx:
            concertations.to_committee(tx, concertation_id)
        self._notify("concertation_step", concertation_id, "to_committee")

    def decide_concertation(
        self, concertation_id: str, *, members: Iterable[str], concerted_action: bool, why: str
    ) -> None:
        with self._tx() as tx:
            concertations.decide(
                tx, concertation_id, members=members, concerted_action=concerted_action, why=why
            )
        self._notify("concertation_step", concertation_id, "decided")

    def hold_meeting(self, concertation_id: str, meeting: Mapping[str, Any], source: str = "meeting") -> None:
        """A meeting from its JSON object (see :func:`csvc_core.store.concertations.parse_meeting`)."""
        with self._tx() as tx:
            held, reviews, plan = concertations.parse_meeting(tx, meeting, source)
            concertations.hold_meeting(tx, concertation_id, held, reviews, plan)
        self._notify("concertation_step", concertation_id, "meeting")

    def report_action_done(self, concertation_id: str, action_id: str, note: str = "") -> None:
        with self._tx() as tx:
            concertations.report_done(tx, concertation_id, action_id, note)
        self._notify("concertation_step", concertation_id, "action_done")

    def close_concertation(self, concertation_id: str, why: str, note: str = "") -> None:
        with self._tx() as tx:
            concertations.close(tx, concertation_id, why, note)
        self._notify("concertation_step", concertation_id, "closed")

    # -- retention, backup, audit ------------------------------------------------------------------------
    def purge(self, now: datetime | None = None) -> PurgeReport:
        """Delete the closed cases past the retention period, then scrub the file (see retention.py)."""
        with self._tx() as tx:
            require(tx.actor, "store.purge")
            if now is not None:
                tx.now = now
            expired = retention.expired_cases(tx, self.store.retention_days)
            retention.purge_cases(tx, expired)
        truncated = True
        if expired:
            with self.engine.connect() as connection:
                connection = connection.execution_options(isolation_level="AUTOCOMMIT")
                truncated = retention.scrub(connection, self.store.location.kind)
        return PurgeReport(
            cases=tuple(expired), retention_days=self.store.retention_days, wal_truncated=truncated
        )

    def backup(self, destination: Path | str) -> Path:
        """A consistent copy of an SQLite store (``VACUUM INTO``), checked, with its own audit anchor."""
        if self.store.location.kind != "sqlite":
            raise OperationFailed(key="error.store.backup_postgresql")
        destination = retention.check_destination(Path(destination))
        with self._tx() as tx:
            require(tx.actor, "store.backup")
            tx.audit("store.backup", None)
        with self.store.engine.connect() as connection:
            retention.vacuum_into(connection.execution_options(isolation_level="AUTOCOMMIT"), destination)
        head = retention.check_backup(destination, self.store.audit_key)
        from csvc_core.store.audit import Anchor

        Anchor(destination.with_name(destination.name + ".audit-anchor"), self.store.audit_key).write(head)
        return destination

    def verify_audit(self) -> AuditReport:
        return self.store.verify_audit(self.engine)

    # -- reports, exchange and statistics (csvc_core.reports, csvc_core.exchange, csvc_core.stats) -------
    def record_print(self, case_id: str, *, kind: str, fmt: str, fields: list[str]) -> None:
        """Audit a printout of a case: which report, which format, which field groups (never a value)."""
        with self._tx() as tx:
            require(tx.actor, "case.read")
            readable_case(tx.connection, tx.actor, case_id)
            tx.audit("case.print", case_id, kind=kind, format=fmt, fields=fields)
