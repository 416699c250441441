"""The store's tables (SQLAlchemy Core). The Alembic migrations in ``migrations/`` create exactly these.

Conventions: ids are random hex strings (:func:`csvc_core.store.crypto.new_id`); times are UTC
(:class:`UTCDateTime`); columns ending in ``_ct`` hold AEAD ciphertext (:mod:`csvc_core.store.crypto`), never
plain text; editable records carry a ``version`` for optimistic concurrency; assessments, their closures,
action history, events and the audit log are append-only. Every case-bound row carries ``org_id``: the
owner, which :mod:`csvc_core.store.access` checks in one place.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect

ID = String(32)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime stored as naive UTC (the same on SQLite and PostgreSQL); read back aware, in UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the store keeps aware datetimes only")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # a raw SQLite value
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC)


def _id(**kwargs: Any) -> Column[str]:
    return Column("id", ID, primary_key=True, **kwargs)


store_meta = Table(
    "store_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

organisations = Table(
    "organisations",
    metadata,
    _id(),
    Column("name", String(200), nullable=False, unique=True),
    Column("sector", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False, default=1),
    Column("public_key", LargeBinary, nullable=True),  # X25519; its private key is granted to members
)

users = Table(
    "users",
    metadata,
    _id(),
    Column("org_id", ID, ForeignKey("organisations.id"), nullable=False),
    Column("name", String(200), nullable=False, unique=True),
    Column("role", String(32), nullable=False),
    Column("passphrase_hash", Text, nullable=False),  # argon2id PHC string
    Column("kek_salt", LargeBinary, nullable=False),
    Column("kek_params", Text, nullable=False),  # JSON: argon2id parameters of the key-encryption key
    # her X25519 private key wrapped under the key from her passphrase (before her first unlock after an
    # upgrade: the former store data key, with her private key in pending_key)
    Column("wrapped_key", LargeBinary, nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", ID, nullable=True),
    Column("version", Integer, nullable=False, default=1),
    Column("public_key", LargeBinary, nullable=True),
    Column("pending_key", LargeBinary, nullable=True),  # her private key under the former store data key
    Column("integrity", String(64), nullable=True),  # MAC of id, org_id, name, role, active (integrity.py)
)

#: who holds which key: ``scope`` (``org:ID``, ``case:ID``, ``concertation:ID``, ``plan_action:ID``) held by
#: ``holder`` (``user:ID`` or ``org:ID``), its key sealed to the holder's public key (see keyring.py).
key_grants = Table(
    "key_grants",
    metadata,
    Column("scope", String(64), primary_key=True),
    Column("holder", String(64), primary_key=True, index=True),
    Column("wrapped", LargeBinary, nullable=False),
    Column("basis", String(32), nullable=False),
    Column("granted_at", UTCDateTime, nullable=False),
    Column("granted_by", ID, nullable=True),
)

cases = Table(
    "cases",
    metadata,
    _id(),
    Column("org_id", ID, ForeignKey("organisations.id"), nullable=False),
    Column("label_ct", LargeBinary, nullable=False),
    Column("status", String(16), nullable=False, default="open"),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", ID, ForeignKey("users.id"), nullable=False),
    Column("closed_at", UTCDateTime, nullable=True),
    Column("closed_by", ID, ForeignKey("users.id"), nullable=True),
    Column("close_reason_ct", LargeBinary, nullable=True),
    # derived, refreshed in every transaction that changes what they follow from (see levels.py)
    Column("compromission", Integer, nullable=True),
    Column("reassess_by", UTCDateTime, nullable=True),
    Column("version", Integer, nullable=False, default=1),
    Column("integrity", String(64), nullable=True),  # MAC of id, org_id, status, compromission, reassess_by
    Index("ix_cases_org_created", "org_id", "created_at"),
    Index("ix_cases_org_reassess", "org_id", "reassess_by"),
)

protagonists = Table(
    "protagonists",
    metadata,
    _id(),
    Column("case_id", ID, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("org_id", ID, ForeignKey("organisations.id"), nullable=False),
    Column("role", String(16), nullable=False),  # victim, child, close_one, partner
    Column("name_ct", LargeBinary, nullable=True),
    Column("contact_ct", LargeBinary, nullable=True),  # JSON: phone, address, safe_times, channels, notes
    Column("safe_to_call", Boolean, nullable=True),
    Column("partner_knows", Boolean, nullable=True),  # does the partner know of the service contact?
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", ID, ForeignKey("users.id"), nullable=False),
    Column("version", Integer, nullable=False, default=1),
)

instrument_snapshots = Table(
    "instrument_snapshots",
    metadata,
    Column("digest", String(64), primary_key=True),  # sha256 of the canonical JSON definition
    Column("instrument_id", String(100), nullable=False),
    Column("version", String(32), nullable=False),
    Column("definition", Text, nullable=False),
)

assessments = Table(
    "assessments",
    metadata,
    _id(),
    Column("case_id", ID, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
    Column("org_id", ID, ForeignKey("organisations.id"), nullable=False),
    Column("sector", String(64), nullable=False),
    Column("protagonist", String(16), nullable=False),
    Column("instrument_id", String(100), nullable=False),
    Column("instrument_version", String(32), nullable=False),
    Column("snapshot", String(64), ForeignKey("instrument_snapshots.digest"), nullable=False),
    Column("assessed_at", UTCDateTime, nullable=False),
    Column("score", Integer, nullable=True),
    Column("computed_level", String(64), nullable=True),
    Column("level", String(64), nullable=False),
    Column("compromission", Integer, nullable=True),
    Column("overridden", Boolean, nullable=False),
    Column("complete", Boolean, nullable=False),
    Column("reassess_by", UTCDateTime, nullable=True),
    Column("answers_ct", LargeBinary, nullable=False),  # the answers object (notes, override reason inside)
    Column("result_ct", LargeBinary, nullable=False),  # the result object as computed at the time
    Column("confirmed_by", ID, ForeignKey("users.id"), nullable=False),
    Column("confirmed_at", UTCDateTime, nullable=False),
    Column("integrity", String(64), nullable=True),  # MAC of id, case_id, org_id, level, compromission
    Index("ix_assessments_case_assessed", "case_id", "assessed_at"),
)

assessment_closures = Table(
    "assessment_closures",
    metadata,
    Column("assessment_id", ID, ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True),
    Column("closed_by", ID, ForeignKey("users.id"), nullable=False),
    Column("closed_at", UTCDateTime, nullable=False),
    Column("reason_ct", LargeBinary, nullable=False),
)

actions = Table(
    "actions",
    metadata,
    _id(),
    Column("case_id", ID, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("org_id", ID, ForeignKey("organisations.id"), nullable=False),
    Column("assessment_id", ID, ForeignKey("assessments.id", ondelete="CASCADE"), nullable=True),
    Column("action", String(100), nullable=False),
    Column("sector", String(64), nullable=False),
    Column("label", Text, nullable=True),  # JSON {"fr", "en"}: the instrument's wording, not personal data
    Column("mandatory", Boolean, nullable=False),
    Column("due", UTCDateTime, nullable=True),
    Column("status", String(16), nullable=False),
    Column("proposed_by", String(200), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", ID, ForeignKey("users.id"), nullable=False),
    Column("version", Integer, nullable=False, default=1),
    Index("ix_actions_status_due", "status", "due"),
)

action_history = Table(
    "action_history",
    metadata,
    _id(),
    Column("action_id", ID, ForeignKey("actions.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("at", UTCDateTime, nullable=False),
    Column("by", ID, ForeignKey("users.id"), nullable=False),
    Column("status", String(16), nullable=False),
    Column("note_ct", LargeBinary, nullable=True),
    # the assessment that recommended the action (again) at this change, and the due date it then took
    Column("assessment_id", ID, nullable=True),
    Column("due", UTCDateTime, nullable=True),
)

case_events = Table(
    "case_events",
    metadata,
    _id(),
    Column("case_id", ID, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("org_id", ID, ForeignKey("organisations.id"), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("recorded_by", ID, ForeignKey("users.id"), nullable=False),
    Column("note_ct", LargeBinary, nullable=True),
)

case_tool_versions = Table(
    "case_tool_versions",
    metadata,
    _id(),
    Column("case_id", ID, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
    Column("org_id", ID, ForeignKey("organisations.id"), nullable=False),
    Column("tool", String(64), nullable=False),  # a plugin's case tool, e.g. "safety-plan"
    Column("seq", Integer, nullable=False),  # 1, 2, ... for each save of this tool in this case
    Column("saved_at", UTCDateTime, nullable=False),
    Column("saved_by", ID, ForeignKey("users.id"), nullable=False),
    Column("changed", Text, nullable=False),  # JSON list of "section.field" ids: what this save changed
    Column("content_ct", LargeBinary, nullable=False),  # the tool's content (JSON), sealed under the case key
    Index("ix_case_tool_versions_case_tool_seq", "case_id", "tool", "seq", unique=True),
)

#: what happened after the assessments: a new incident, its date and source, who recorded it (append-only)
case_outcomes = Table(
    "case_outcomes",
    metadata,
    _id(),
    Column("case_id", ID, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("org_id", ID, ForeignKey("organisations.id"), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("source", String(32), nullable=False),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("recorded_by", ID, ForeignKey("users.id"), nullable=False),
    Column("note_ct", LargeBinary, nullable=True),
)

drafts = Table(
    "drafts",
    metadata,
    _id(),
    Column("case_id", ID, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
    Column("org_id", ID, ForeignKey("organisations.id"), nullable=False),
    Column("user_id", ID, ForeignKey("users.id"), nullable=False),  # a draft is its author's own
    Column("key", String(200), nullable=False),  # e.g. "csvc-grid:victim"
    Column("content_ct", LargeBinary, nullable=False),  # the answers typed so far (JSON)
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_drafts_user_case_key", "user_id", "case_id", "key", unique=True),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", UTCDateTime, nullable=False),
    Column("user_id", ID, nullable=True),  # no foreign key: the trail outlives what it names
    Column("org_id", ID, nullable=True),
    Column("action", String(64), nullable=False),
    Column("case_id", ID, nullable=True),
    Column("detail", Text, nullable=False),  # JSON of ids and field-group names, never a sensitive value
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

#: each organisation's last chain head, under a MAC the database alone does not give (audit.py)
audit_checkpoints = Table(
    "audit_checkpoints",
    metadata,
    Column("org_id", String(32), primary_key=True),  # "" for entries of no organisation
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
    Column("mac", String(64), nullable=False),
)


# -- partnership (csvc_core.sharing): consents, shares, disclosures, referrals, transfers, concertation ---
# Lists of codes (categories, harms, fields, criteria) are JSON text; free text written by staff is sealed.
consents = Table(
    "consents",
    metadata,
    _id(),
    Column("case_id", ID, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("org_id", ID, ForeignKey("organisations.id"), nullable=False),  # the organisation that received it
    Column("person_ct", LargeBinary, nullable=False),  # who gave it (e.g. the victim)
    Column("purpose_ct", LargeBinary, nullable=False),
    Column("categories", Text, nullable=False),
    Column("partner_sector", String(64), nullable=False),
    Column("partner_org_id", ID, ForeignKey("organisations.id"), nullable=True),  # None: the whole sector
    Column("given_by", ID, ForeignKey("users.id"), nullable=False),
    Column("given_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("withdrawn_at", UTCDateTime, nullable=True),
    Column("withdrawn_by", ID, ForeignKey("users.id"), nullable=True),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("recorded_by", ID, ForeignKey("users.id"), nullable=False),
)

shares = Table(
    "shares",
    metadata,
    _id(),
    Column("case_id", ID, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("org_id", ID, ForeignKey("organisations.id"), nullable=False),
    Column("shared_at", UTCDateTime, nullable=False),
    Column("shared_by", ID, ForeignKey("users.id"), nullable=False),
    Column("recipient_org_id", ID, ForeignKey("organisations.id"), nullable=False, index=True),
    Column("categories", Text, nullable=False),
    Column("purpose_ct", LargeBinary, nullable=False),
    Column("consent_ids", Text, nullable=False),
    Column("payload_ct", LargeBinary, nullable=False),  # what was sent, category by category
    Column("recipient_ct", LargeBinary, nullable=True),  # the recipient's copy, sealed to its public key
)

disclosures = Table(
    "disclosures",
    metadata,
    _id(),
    Column("case_id", ID, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("org_id", ID, ForeignKey("organisations.id"), nullable=False),  # the discloser's organisation
    Column("disclosed_at", UTCDateTime, nullable=False),
    Column("disclosed_by", ID, ForeignKey("users.id"), nullable=False),
    Column("basis", String(32), nullable=False),
    Column("recipient_name_ct", LargeBinary, nullable=False),
    Column("recipient_kind", String(64), nullable=False),
    Column("recipient_category", String(32), nullable=False),
    Column("recipient_org_id", ID, ForeignKey("organisations.id"), nullable=True, index=True),
    Column("outside_quebec", Boolean, nullable=False),
    Column("reasonable_cause_ct", LargeBinary, nullable=False),
    Column("harms", Text, nullable=False),
    Column("exposed_ct", LargeBinary, nullable=False),
    Column("violence_ct", LargeBinary, nullable=False),
    Column("danger_ct", LargeBinary, nullable=False),
    Column("urgency_ct", LargeBinary, nullable=False),
    Column("imminence", String(32), nullable=False),
    Column("fields", Text, nullable=False),
    Column("payload_ct", LargeBinary, nullable=False),  # exactly the ticked fields' values, as sent
    Column("digest", String(64), nullable=False),  # sha256 of the row as written; also in its audit entry
    Column("recipient_ct", LargeBinary, nullable=True),  # the recipient organisation's copy
    Column("integrity", String(64), nullable=True),  # MAC of id, case_id, org_id, digest
)

disclosure_annotations = Table(
    "disclosure_annotations",
    metadata,
    _id(),
    Column("disclosure_id", ID, ForeignKey("disclosures.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("at", UTCDateTime, nullable=False),
    Column("by", ID, ForeignKey("users.id"), nullable=False),
    Column("text_ct", LargeBinary, nullable=False),
    Column("recipient_ct", LargeBinary, nullable=True),  # the recipient organisation's copy
)

referrals = Table(
    "referrals",
    metadata,
    _id(),
    Column("case_id", ID, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("from_org_id", ID, ForeignKey("organisations.id"), nullable=False),
    Column("to_org_id", ID, ForeignKey("organisations.id"), nullable=False, index=True),
    Column("at", UTCDateTime, nullable=False),
    Column("by", ID, ForeignKey("users.id"), nullable=False),
    Column("reason_ct", LargeBinary, nullable=False),
    Column("basis_kind", String(16), nullable=False),
    Column("basis_ref", String(200), nullable=False),
    Column("ended_at", UTCDateTime, nullable=True),
    Column("ended_by", ID, ForeignKey("users.id"), nullable=True),
)

emergency_access = Table(
    "emergency_access",
    metadata,
    _id(),
    Column("case_id", ID, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("user_id", ID, ForeignKey("users.id"), nullable=False),
    Column("org_id", ID, ForeignKey("organisations.id"), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("until", UTCDateTime, nullable=False),
    Column("reason_ct", LargeBinary, nullable=False),
    Column("reviewed_at", UTCDateTime, nullable=True),
    Column("reviewed_by", ID, ForeignKey("users.id"), nullable=True),
    Column("owner_ct", LargeBinary, nullable=True),  # the reason, sealed to the case owner's public key
)

transfers = Table(
    "transfers",
    metadata,
    _id(),
    Column("case_id", ID, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("from_org_id", ID, ForeignKey("organisations.id"), nullable=False),
    Column("to_org_id", ID, ForeignKey("organisations.id"), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("by", ID, ForeignKey("users.id"), nullable=False),
    Column("reason_ct", LargeBinary, nullable=False),
    Column("basis_kind", String(16), nullable=False),
    Column("basis_ref", String(200), nullable=False),
)

concertations = Table(
    "concertations",
    metadata,
    _id(),
    Column("case_id", ID, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("org_id", ID, ForeignKey("organisations.id"), nullable=False),  # the requesting organisation
    Column("criteria", Text, nullable=False),
    Column("judgement_ct", LargeBinary, nullable=True),
    Column("state", String(16), nullable=False),
    Column("committee", Text, nullable=True),  # JSON: the three members' names (staff, not clients)
    Column("concerted_action", Boolean, nullable=True),
    Column("decision_ct", LargeBinary, nullable=True),
    Column("decided_at", UTCDateTime, nullable=True),
    Column("closure_reason", String(32), nullable=True),
    Column("closure_note_ct", LargeBinary, nullable=True),
    Column("closed_at", UTCDateTime, nullable=True),
    Column("closed_by", ID, ForeignKey("users.id"), nullable=True),
    Column("version", Integer, nullable=False, default=1),
    # the level the referring organisation had confirmed at sign-off (or since), and where it came from
    Column("level", Integer, nullable=True),
    Column("level_assessment", ID, nullable=True),
    Column("level_instrument", String(100), nullable=True),
    Column("level_instrument_version", String(32), nullable=True),
    Column("level_confirmed_by", ID, nullable=True),
    Column("level_confirmed_at", UTCDateTime, nullable=True),
    Column("level_carried_at", UTCDateTime, nullable=True),
    Column("level_previous", Integer, nullable=True),
)

concertation_steps = Table(
    "concertation_steps",
    metadata,
    Column("concertation_id", ID, ForeignKey("concertations.id", ondelete="CASCADE"), primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("state", String(16), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("by", ID, ForeignKey("users.id"), nullable=False),
    Column("role", String(32), nullable=False),
    Column("org_id", ID, ForeignKey("organisations.id"), nullable=False),
    Column("note_ct", LargeBinary, nullable=True),
)

meetings = Table(
    "meetings",
    metadata,
    _id(),
    Column(
        "concertation_id", ID, ForeignKey("concertations.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column("at", UTCDateTime, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("chair", String(200), nullable=False),
    Column("recorded_by", ID, ForeignKey("users.id"), nullable=False),
)

meeting_attendees = Table(
    "meeting_attendees",
    metadata,
    _id(),
    Column("meeting_id", ID, ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", String(200), nullable=False),  # staff attending for their organisation
    Column("organisation", String(200), nullable=False),
    Column("sector", String(64), nullable=False),
)

plan_actions = Table(
    "plan_actions",
    metadata,
    _id(),
    Column(
        "concertation_id", ID, ForeignKey("concertations.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column("meeting_id", ID, ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False),
    Column("description_ct", LargeBinary, nullable=False),
    Column("owner_org_id", ID, ForeignKey("organisations.id"), nullable=False),
    Column("owner_sector", String(64), nullable=False),
    Column("owner", String(200), nullable=False),
    Column("due", UTCDateTime, nullable=False),
    Column("status", String(16), nullable=False),
    Column("note_ct", LargeBinary, nullable=True),
    Column("closed_at", UTCDateTime, nullable=True),
    Column("closed_by", String(200), nullable=True),
    Column("version", Integer, nullable=False, default=1),
)


def utcnow() -> datetime:
    """Now in UTC, to the microsecond."""
    return datetime.now(UTC)
