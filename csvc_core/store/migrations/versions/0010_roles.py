"""A person may work cases and administer her organisation: her stored role is then both, joined by "+"
("worker+admin"). The column already holds it; what changes is the PostgreSQL server's reading of it (her
working role for the sharing rules, administering for the management of people), which ``csvc store
upgrade`` installs along with this revision. SQLite stores have nothing to change.

Revision ID: 0010
Revises: 0009
"""

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing in the tables: the server's functions and policies come with the upgrade."""


def downgrade() -> None:
    """Nothing in the tables."""
