"""Outcomes: what happened on a case after its assessments (kind, date, source, who recorded it, a sealed
note), the ground the validity report measures the instruments against.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

ID = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "case_outcomes",
        sa.Column("id", ID, nullable=False),
        sa.Column("case_id", ID, nullable=False),
        sa.Column("org_id", ID, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("occurred_at", sa.DateTime, nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.Column("recorded_by", ID, nullable=False),
        sa.Column("note_ct", sa.LargeBinary, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_case_outcomes"),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name="fk_case_outcomes_case_id_cases", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name="fk_case_outcomes_org_id_organisations"
        ),
        sa.ForeignKeyConstraint(["recorded_by"], ["users.id"], name="fk_case_outcomes_recorded_by_users"),
    )
    op.create_index("ix_case_outcomes_case_id", "case_outcomes", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_case_outcomes_case_id", table_name="case_outcomes")
    op.drop_table("case_outcomes")
