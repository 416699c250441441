"""Case tools: each save of a plugin's case tool (the shelter's safety plan), sealed under the case key.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

ID = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "case_tool_versions",
        sa.Column("id", ID, nullable=False),
        sa.Column("case_id", ID, nullable=False),
        sa.Column("org_id", ID, nullable=False),
        sa.Column("tool", sa.String(64), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("saved_at", sa.DateTime, nullable=False),
        sa.Column("saved_by", ID, nullable=False),
        sa.Column("changed", sa.Text, nullable=False),
        sa.Column("content_ct", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_case_tool_versions"),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name="fk_case_tool_versions_case_id_cases", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organisations.id"], name="fk_case_tool_versions_org_id_organisations"
        ),
        sa.ForeignKeyConstraint(["saved_by"], ["users.id"], name="fk_case_tool_versions_saved_by_users"),
    )
    op.create_index(
        "ix_case_tool_versions_case_tool_seq", "case_tool_versions", ["case_id", "tool", "seq"], unique=True
    )


def downgrade() -> None:
    op.drop_index("ix_case_tool_versions_case_tool_seq", table_name="case_tool_versions")
    op.drop_table("case_tool_versions")
