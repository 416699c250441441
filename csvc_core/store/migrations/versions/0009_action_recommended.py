"""An action's history says which assessment recommended it (again) and the due date it then took, so that a
re-assessment keeps an action already open (moving its due date earlier) instead of repeating it.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("action_history", sa.Column("assessment_id", sa.String(32), nullable=True))
    op.add_column("action_history", sa.Column("due", sa.DateTime, nullable=True))
    op.execute(
        "UPDATE action_history SET assessment_id ="
        " (SELECT actions.assessment_id FROM actions WHERE actions.id = action_history.action_id),"
        " due = (SELECT actions.due FROM actions WHERE actions.id = action_history.action_id)"
        " WHERE status = 'open' AND at ="
        " (SELECT MIN(h.at) FROM action_history h WHERE h.action_id = action_history.action_id)"
    )


def downgrade() -> None:
    op.drop_column("action_history", "due")
    op.drop_column("action_history", "assessment_id")
