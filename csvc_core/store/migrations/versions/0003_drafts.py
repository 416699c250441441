"""Drafts: the answers being typed, encrypted, one per user, case and key (nothing lost on lock).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ID = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "drafts",
        sa.Column("id", ID, nullable=False),
        sa.Column("case_id", ID, nullable=False),
        sa.Column("org_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("content_ct", sa.LargeBinary, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_drafts"),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name="fk_drafts_case_id_cases", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["org_id"], ["organisations.id"], name="fk_drafts_org_id_organisations"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_drafts_user_id_users"),
    )
    op.create_index("ix_drafts_user_case_key", "drafts", ["user_id", "case_id", "key"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_drafts_user_case_key", table_name="drafts")
    op.drop_table("drafts")
