"""The case store: cases, assessments, follow-up, audit — on SQLite (default) or PostgreSQL.

    from csvc_core.framework import Csvc
    from csvc_core.store import casefile, cases, followup, open_store

    store = open_store(csvc=Csvc.load())         # --store / $CSVC_STORE / the default SQLite file
    session = store.unlock("alice", passphrase)  # StoreSession acting as alice (audited)
    case_id = session.run(cases.new_case, "Dossier 2026-014")   # a store function, in one transaction
    stored = session.assess(case_id, "csvc-grid", {"answers": {"separation": "yes"}})
    session.run(casefile.case_detail, case_id).compromission   # 3
    session.run(followup.followup)               # most urgent first
    session.lock()

See docs/store.md.
"""

from __future__ import annotations

from csvc_core.store.access import ROLES, AccessDenied, Actor
from csvc_core.store.audit import AuditReport
from csvc_core.store.cases import StaleRecord
from csvc_core.store.context import ReadOnlyStore
from csvc_core.store.crypto import KdfParams
from csvc_core.store.opening import Store, init_store, open_store
from csvc_core.store.people import LoginRefused
from csvc_core.store.records import (
    ACTION_STATUSES,
    EVENT_KINDS,
    ActionChange,
    ActionRecord,
    AssessmentSummary,
    CaseDetail,
    CaseEvent,
    CaseSummary,
    Contact,
    FollowupItem,
    Organisation,
    Protagonist,
    PurgeReport,
    StoredAssessment,
    UserInfo,
)
from csvc_core.store.session import StoreSession

__all__ = [
    "ACTION_STATUSES",
    "EVENT_KINDS",
    "ROLES",
    "AccessDenied",
    "ActionChange",
    "ActionRecord",
    "Actor",
    "AssessmentSummary",
    "AuditReport",
    "CaseDetail",
    "CaseEvent",
    "CaseSummary",
    "Contact",
    "FollowupItem",
    "KdfParams",
    "LoginRefused",
    "Organisation",
    "Protagonist",
    "PurgeReport",
    "ReadOnlyStore",
    "StaleRecord",
    "Store",
    "StoreSession",
    "StoredAssessment",
    "UserInfo",
    "init_store",
    "open_store",
]
