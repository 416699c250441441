"""A concertation request carries the case level its referring organisation confirmed at sign-off, and where
that level came from (assessment, instrument and version, professional, when), so that the cell reads the
urgency without reading the case.

Requests already signed off take, at the upgrade, the level their case has then (from its newest assessment
at that level that no professional closed), dated at the upgrade.

Revision ID: 0005
Revises: 0004
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ID = sa.String(32)
COLUMNS = (
    ("level", sa.Integer),
    ("level_assessment", ID),
    ("level_instrument", sa.String(100)),
    ("level_instrument_version", sa.String(32)),
    ("level_confirmed_by", ID),
    ("level_confirmed_at", sa.DateTime),
    ("level_carried_at", sa.DateTime),
    ("level_previous", sa.Integer),
)
#: the newest assessment of the request's case at the level it carries, not closed by a professional.
HOLDER = (
    "SELECT a.{column} FROM assessments a WHERE a.case_id = concertations.case_id"
    " AND a.compromission = concertations.level"
    " AND a.id NOT IN (SELECT assessment_id FROM assessment_closures)"
    " ORDER BY a.assessed_at DESC, a.id DESC LIMIT 1"
)


def upgrade() -> None:
    for name, kind in COLUMNS:
        op.add_column("concertations", sa.Column(name, kind, nullable=True))
    op.execute(
        "UPDATE concertations SET level ="
        " (SELECT compromission FROM cases WHERE cases.id = concertations.case_id)"
        " WHERE state <> 'requested'"
    )
    sources = {
        "level_assessment": "id",
        "level_instrument": "instrument_id",
        "level_instrument_version": "instrument_version",
        "level_confirmed_by": "confirmed_by",
        "level_confirmed_at": "confirmed_at",
    }
    assignments = ", ".join(
        f"{target} = ({HOLDER.format(column=source)})" for target, source in sources.items()
    )
    op.execute(f"UPDATE concertations SET {assignments} WHERE level IS NOT NULL")
    op.execute("UPDATE concertations SET level = NULL WHERE level_assessment IS NULL")
    op.get_bind().execute(
        sa.text("UPDATE concertations SET level_carried_at = :now WHERE level IS NOT NULL"),
        {"now": datetime.now(UTC).replace(tzinfo=None)},
    )


def downgrade() -> None:
    for name, _kind in reversed(COLUMNS):
        op.drop_column("concertations", name)
