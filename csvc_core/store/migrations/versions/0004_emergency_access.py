"""Emergency (break-glass) access: who read a case without another basis, why, until when, reviewed by whom.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

ID = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "emergency_access",
        sa.Column("id", ID, nullable=False),
        sa.Column("case_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("org_id", ID, nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("until", sa.DateTime, nullable=False),
        sa.Column("reason_ct", sa.LargeBinary, nullable=False),
        sa.Column("reviewed_at", sa.DateTime, nullable=True),
        sa.Column("reviewed_by", ID, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_emergency_access"),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name="fk_emergency_access_case_id_cases", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_emergency_access_user_id_users"),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name="fk_emergency_access_org_id_organisations"
        ),
        sa.ForeignKeyConstraint(["reviewed_by"], ["users.id"], name="fk_emergency_access_reviewed_by_users"),
    )
    op.create_index("ix_emergency_access_case_id", "emergency_access", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_emergency_access_case_id", table_name="emergency_access")
    op.drop_table("emergency_access")
