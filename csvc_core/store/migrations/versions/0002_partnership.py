"""Partnership: consents, shares under consent, disclosures (art. 60.4) and their annotations, referrals,
transfers, concertation requests with their steps, meetings, attendees and plan actions.

Disclosures, their annotations and shares are records of communications: a trigger refuses any UPDATE of them
(on SQLite and PostgreSQL); they leave only with their case, at the end of its retention.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

IMMUTABLE = ("disclosures", "disclosure_annotations", "shares")
TABLES = (
    "plan_actions",
    "meeting_attendees",
    "meetings",
    "concertation_steps",
    "concertations",
    "transfers",
    "referrals",
    "disclosure_annotations",
    "disclosures",
    "shares",
    "consents",
)


def upgrade() -> None:
    op.create_table(
        "concertations",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.Column("criteria", sa.Text(), nullable=False),
        sa.Column("judgement_ct", sa.LargeBinary(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("committee", sa.Text(), nullable=True),
        sa.Column("concerted_action", sa.Boolean(), nullable=True),
        sa.Column("decision_ct", sa.LargeBinary(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("closure_reason", sa.String(length=32), nullable=True),
        sa.Column("closure_note_ct", sa.LargeBinary(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by", sa.String(length=32), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_concertations_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["closed_by"], ["users.id"], name=op.f("fk_concertations_closed_by_users")),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_concertations_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_concertations")),
    )
    op.create_index(op.f("ix_concertations_case_id"), "concertations", ["case_id"], unique=False)
    op.create_table(
        "consents",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.Column("person_ct", sa.LargeBinary(), nullable=False),
        sa.Column("purpose_ct", sa.LargeBinary(), nullable=False),
        sa.Column("categories", sa.Text(), nullable=False),
        sa.Column("partner_sector", sa.String(length=64), nullable=False),
        sa.Column("partner_org_id", sa.String(length=32), nullable=True),
        sa.Column("given_by", sa.String(length=32), nullable=False),
        sa.Column("given_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.Column("withdrawn_by", sa.String(length=32), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_consents_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["given_by"], ["users.id"], name=op.f("fk_consents_given_by_users")),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_consents_org_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["partner_org_id"], ["organisations.id"], name=op.f("fk_consents_partner_org_id_organisations")
        ),
        sa.ForeignKeyConstraint(["recorded_by"], ["users.id"], name=op.f("fk_consents_recorded_by_users")),
        sa.ForeignKeyConstraint(["withdrawn_by"], ["users.id"], name=op.f("fk_consents_withdrawn_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consents")),
    )
    op.create_index(op.f("ix_consents_case_id"), "consents", ["case_id"], unique=False)
    op.create_table(
        "disclosures",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.Column("disclosed_at", sa.DateTime(), nullable=False),
        sa.Column("disclosed_by", sa.String(length=32), nullable=False),
        sa.Column("basis", sa.String(length=32), nullable=False),
        sa.Column("recipient_name_ct", sa.LargeBinary(), nullable=False),
        sa.Column("recipient_kind", sa.String(length=64), nullable=False),
        sa.Column("recipient_category", sa.String(length=32), nullable=False),
        sa.Column("recipient_org_id", sa.String(length=32), nullable=True),
        sa.Column("outside_quebec", sa.Boolean(), nullable=False),
        sa.Column("reasonable_cause_ct", sa.LargeBinary(), nullable=False),
        sa.Column("harms", sa.Text(), nullable=False),
        sa.Column("exposed_ct", sa.LargeBinary(), nullable=False),
        sa.Column("violence_ct", sa.LargeBinary(), nullable=False),
        sa.Column("danger_ct", sa.LargeBinary(), nullable=False),
        sa.Column("urgency_ct", sa.LargeBinary(), nullable=False),
        sa.Column("imminence", sa.String(length=32), nullable=False),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("payload_ct", sa.LargeBinary(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_disclosures_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["disclosed_by"], ["users.id"], name=op.f("fk_disclosures_disclosed_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_disclosures_org_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["recipient_org_id"],
            ["organisations.id"],
            name=op.f("fk_disclosures_recipient_org_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosures")),
    )
    op.create_index(op.f("ix_disclosures_case_id"), "disclosures", ["case_id"], unique=False)
    op.create_index(
        op.f("ix_disclosures_recipient_org_id"), "disclosures", ["recipient_org_id"], unique=False
    )
    op.create_table(
        "referrals",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("from_org_id", sa.String(length=32), nullable=False),
        sa.Column("to_org_id", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("by", sa.String(length=32), nullable=False),
        sa.Column("reason_ct", sa.LargeBinary(), nullable=False),
        sa.Column("basis_kind", sa.String(length=16), nullable=False),
        sa.Column("basis_ref", sa.String(length=200), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("ended_by", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(["by"], ["users.id"], name=op.f("fk_referrals_by_users")),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_referrals_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["ended_by"], ["users.id"], name=op.f("fk_referrals_ended_by_users")),
        sa.ForeignKeyConstraint(
            ["from_org_id"], ["organisations.id"], name=op.f("fk_referrals_from_org_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["to_org_id"], ["organisations.id"], name=op.f("fk_referrals_to_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrals")),
    )
    op.create_index(op.f("ix_referrals_case_id"), "referrals", ["case_id"], unique=False)
    op.create_index(op.f("ix_referrals_to_org_id"), "referrals", ["to_org_id"], unique=False)
    op.create_table(
        "shares",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.Column("shared_at", sa.DateTime(), nullable=False),
        sa.Column("shared_by", sa.String(length=32), nullable=False),
        sa.Column("recipient_org_id", sa.String(length=32), nullable=False),
        sa.Column("categories", sa.Text(), nullable=False),
        sa.Column("purpose_ct", sa.LargeBinary(), nullable=False),
        sa.Column("consent_ids", sa.Text(), nullable=False),
        sa.Column("payload_ct", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_shares_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_shares_org_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["recipient_org_id"], ["organisations.id"], name=op.f("fk_shares_recipient_org_id_organisations")
        ),
        sa.ForeignKeyConstraint(["shared_by"], ["users.id"], name=op.f("fk_shares_shared_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shares")),
    )
    op.create_index(op.f("ix_shares_case_id"), "shares", ["case_id"], unique=False)
    op.create_index(op.f("ix_shares_recipient_org_id"), "shares", ["recipient_org_id"], unique=False)
    op.create_table(
        "transfers",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("from_org_id", sa.String(length=32), nullable=False),
        sa.Column("to_org_id", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("by", sa.String(length=32), nullable=False),
        sa.Column("reason_ct", sa.LargeBinary(), nullable=False),
        sa.Column("basis_kind", sa.String(length=16), nullable=False),
        sa.Column("basis_ref", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["by"], ["users.id"], name=op.f("fk_transfers_by_users")),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_transfers_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["from_org_id"], ["organisations.id"], name=op.f("fk_transfers_from_org_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["to_org_id"], ["organisations.id"], name=op.f("fk_transfers_to_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfers")),
    )
    op.create_index(op.f("ix_transfers_case_id"), "transfers", ["case_id"], unique=False)
    op.create_table(
        "concertation_steps",
        sa.Column("concertation_id", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("by", sa.String(length=32), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.String(length=32), nullable=False),
        sa.Column("note_ct", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(["by"], ["users.id"], name=op.f("fk_concertation_steps_by_users")),
        sa.ForeignKeyConstraint(
            ["concertation_id"],
            ["concertations.id"],
            name=op.f("fk_concertation_steps_concertation_id_concertations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name=op.f("fk_concertation_steps_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("concertation_id", "seq", name=op.f("pk_concertation_steps")),
    )
    op.create_table(
        "disclosure_annotations",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("disclosure_id", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("by", sa.String(length=32), nullable=False),
        sa.Column("text_ct", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["by"], ["users.id"], name=op.f("fk_disclosure_annotations_by_users")),
        sa.ForeignKeyConstraint(
            ["disclosure_id"],
            ["disclosures.id"],
            name=op.f("fk_disclosure_annotations_disclosure_id_disclosures"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosure_annotations")),
    )
    op.create_index(
        op.f("ix_disclosure_annotations_disclosure_id"),
        "disclosure_annotations",
        ["disclosure_id"],
        unique=False,
    )
    op.create_table(
        "meetings",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("concertation_id", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("chair", sa.String(length=200), nullable=False),
        sa.Column("recorded_by", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["concertation_id"],
            ["concertations.id"],
            name=op.f("fk_meetings_concertation_id_concertations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["recorded_by"], ["users.id"], name=op.f("fk_meetings_recorded_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
    )
    op.create_index(op.f("ix_meetings_concertation_id"), "meetings", ["concertation_id"], unique=False)
    op.create_table(
        "meeting_attendees",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("meeting_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("sector", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_attendees_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_attendees")),
    )
    op.create_index(
        op.f("ix_meeting_attendees_meeting_id"), "meeting_attendees", ["meeting_id"], unique=False
    )
    op.create_table(
        "plan_actions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("concertation_id", sa.String(length=32), nullable=False),
        sa.Column("meeting_id", sa.String(length=32), nullable=False),
        sa.Column("description_ct", sa.LargeBinary(), nullable=False),
        sa.Column("owner_org_id", sa.String(length=32), nullable=False),
        sa.Column("owner_sector", sa.String(length=64), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("due", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note_ct", sa.LargeBinary(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by", sa.String(length=200), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["concertation_id"],
            ["concertations.id"],
            name=op.f("fk_plan_actions_concertation_id_concertations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_plan_actions_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_org_id"], ["organisations.id"], name=op.f("fk_plan_actions_owner_org_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_actions")),
    )
    op.create_index(
        op.f("ix_plan_actions_concertation_id"), "plan_actions", ["concertation_id"], unique=False
    )

    _refuse_updates()


def _refuse_updates() -> None:
    """Records of communications are never edited: the database itself refuses an UPDATE."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION csvc_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION 'csvc: % is a record of communications and cannot be edited', TG_TABLE_NAME; "
            "END $$"
        )
        for table in IMMUTABLE:
            op.execute(
                f"CREATE TRIGGER {table}_immutable BEFORE UPDATE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION csvc_refuse_update()"
            )
        return
    for table in IMMUTABLE:
        op.execute(
            f"CREATE TRIGGER {table}_immutable BEFORE UPDATE ON {table} BEGIN "
            f"SELECT RAISE(ABORT, 'csvc: {table} is a record of communications and cannot be edited'); END"
        )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in IMMUTABLE:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_immutable" + (f" ON {table}" if postgresql else ""))
    if postgresql:
        op.execute("DROP FUNCTION IF EXISTS csvc_refuse_update()")
    for table in TABLES:
        op.drop_table(table)
