"""The first schema: organisations, users, cases, protagonists, assessments, actions, events, audit trail.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.String(32)


def _id() -> sa.Column:
    return sa.Column("id", ID, nullable=False)


def upgrade() -> None:
    op.create_table(
        "store_meta",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_store_meta"),
    )
    op.create_table(
        "organisations",
        _id(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("sector", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_organisations"),
        sa.UniqueConstraint("name", name="uq_organisations_name"),
    )
    op.create_table(
        "users",
        _id(),
        sa.Column("org_id", ID, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("passphrase_hash", sa.Text, nullable=False),
        sa.Column("kek_salt", sa.LargeBinary, nullable=False),
        sa.Column("kek_params", sa.Text, nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("created_by", ID, nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("name", name="uq_users_name"),
        sa.ForeignKeyConstraint(["org_id"], ["organisations.id"], name="fk_users_org_id_organisations"),
    )
    op.create_table(
        "cases",
        _id(),
        sa.Column("org_id", ID, nullable=False),
        sa.Column("label_ct", sa.LargeBinary, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("created_by", ID, nullable=False),
        sa.Column("closed_at", sa.DateTime, nullable=True),
        sa.Column("closed_by", ID, nullable=True),
        sa.Column("close_reason_ct", sa.LargeBinary, nullable=True),
        sa.Column("compromission", sa.Integer, nullable=True),
        sa.Column("reassess_by", sa.DateTime, nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_cases"),
        sa.ForeignKeyConstraint(["org_id"], ["organisations.id"], name="fk_cases_org_id_organisations"),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name="fk_cases_created_by_users"),
        sa.ForeignKeyConstraint(["closed_by"], ["users.id"], name="fk_cases_closed_by_users"),
    )
    op.create_index("ix_cases_org_created", "cases", ["org_id", "created_at"])
    op.create_index("ix_cases_org_reassess", "cases", ["org_id", "reassess_by"])
    op.create_table(
        "protagonists",
        _id(),
        sa.Column("case_id", ID, nullable=False),
        sa.Column("org_id", ID, nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("name_ct", sa.LargeBinary, nullable=True),
        sa.Column("contact_ct", sa.LargeBinary, nullable=True),
        sa.Column("safe_to_call", sa.Boolean, nullable=True),
        sa.Column("partner_knows", sa.Boolean, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("created_by", ID, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_protagonists"),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name="fk_protagonists_case_id_cases", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name="fk_protagonists_org_id_organisations"
        ),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name="fk_protagonists_created_by_users"),
    )
    op.create_index("ix_protagonists_case_id", "protagonists", ["case_id"])
    op.create_table(
        "instrument_snapshots",
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("instrument_id", sa.String(100), nullable=False),
        sa.Column("version", sa.String(32), nullable=False),
        sa.Column("definition", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("digest", name="pk_instrument_snapshots"),
    )
    op.create_table(
        "assessments",
        _id(),
        sa.Column("case_id", ID, nullable=False),
        sa.Column("org_id", ID, nullable=False),
        sa.Column("sector", sa.String(64), nullable=False),
        sa.Column("protagonist", sa.String(16), nullable=False),
        sa.Column("instrument_id", sa.String(100), nullable=False),
        sa.Column("instrument_version", sa.String(32), nullable=False),
        sa.Column("snapshot", sa.String(64), nullable=False),
        sa.Column("assessed_at", sa.DateTime, nullable=False),
        sa.Column("score", sa.Integer, nullable=True),
        sa.Column("computed_level", sa.String(64), nullable=True),
        sa.Column("level", sa.String(64), nullable=False),
        sa.Column("compromission", sa.Integer, nullable=True),
        sa.Column("overridden", sa.Boolean, nullable=False),
        sa.Column("complete", sa.Boolean, nullable=False),
        sa.Column("reassess_by", sa.DateTime, nullable=True),
        sa.Column("answers_ct", sa.LargeBinary, nullable=False),
        sa.Column("result_ct", sa.LargeBinary, nullable=False),
        sa.Column("confirmed_by", ID, nullable=False),
        sa.Column("confirmed_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_assessments"),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name="fk_assessments_case_id_cases", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["org_id"], ["organisations.id"], name="fk_assessments_org_id_organisations"),
        sa.ForeignKeyConstraint(
            ["snapshot"], ["instrument_snapshots.digest"], name="fk_assessments_snapshot_instrument_snapshots"
        ),
        sa.ForeignKeyConstraint(["confirmed_by"], ["users.id"], name="fk_assessments_confirmed_by_users"),
    )
    op.create_index("ix_assessments_case_assessed", "assessments", ["case_id", "assessed_at"])
    op.create_table(
        "assessment_closures",
        sa.Column("assessment_id", ID, nullable=False),
        sa.Column("closed_by", ID, nullable=False),
        sa.Column("closed_at", sa.DateTime, nullable=False),
        sa.Column("reason_ct", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("assessment_id", name="pk_assessment_closures"),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name="fk_assessment_closures_assessment_id_assessments",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["closed_by"], ["users.id"], name="fk_assessment_closures_closed_by_users"),
    )
    op.create_table(
        "actions",
        _id(),
        sa.Column("case_id", ID, nullable=False),
        sa.Column("org_id", ID, nullable=False),
        sa.Column("assessment_id", ID, nullable=True),
        sa.Column("action", sa.String(100), nullable=False),
        sa.Column("sector", sa.String(64), nullable=False),
        sa.Column("label", sa.Text, nullable=True),
        sa.Column("mandatory", sa.Boolean, nullable=False),
        sa.Column("due", sa.DateTime, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("proposed_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("updated_by", ID, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_actions"),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name="fk_actions_case_id_cases", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["org_id"], ["organisations.id"], name="fk_actions_org_id_organisations"),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name="fk_actions_assessment_id_assessments",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"], name="fk_actions_updated_by_users"),
    )
    op.create_index("ix_actions_case_id", "actions", ["case_id"])
    op.create_index("ix_actions_status_due", "actions", ["status", "due"])
    op.create_table(
        "action_history",
        _id(),
        sa.Column("action_id", ID, nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("by", ID, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("note_ct", sa.LargeBinary, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_action_history"),
        sa.ForeignKeyConstraint(
            ["action_id"], ["actions.id"], name="fk_action_history_action_id_actions", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["by"], ["users.id"], name="fk_action_history_by_users"),
    )
    op.create_index("ix_action_history_action_id", "action_history", ["action_id"])
    op.create_table(
        "case_events",
        _id(),
        sa.Column("case_id", ID, nullable=False),
        sa.Column("org_id", ID, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("occurred_at", sa.DateTime, nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.Column("recorded_by", ID, nullable=False),
        sa.Column("note_ct", sa.LargeBinary, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_case_events"),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name="fk_case_events_case_id_cases", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["org_id"], ["organisations.id"], name="fk_case_events_org_id_organisations"),
        sa.ForeignKeyConstraint(["recorded_by"], ["users.id"], name="fk_case_events_recorded_by_users"),
    )
    op.create_index("ix_case_events_case_id", "case_events", ["case_id"])
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer, autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("user_id", ID, nullable=True),
        sa.Column("org_id", ID, nullable=True),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("case_id", ID, nullable=True),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_log"),
    )


def downgrade() -> None:
    for table in (
        "audit_log",
        "case_events",
        "action_history",
        "actions",
        "assessment_closures",
        "assessments",
        "instrument_snapshots",
        "protagonists",
        "cases",
        "users",
        "organisations",
        "store_meta",
    ):
        op.drop_table(table)
