"""Integrity of the trail and of the rows that decide who sees what: per-organisation audit checkpoints,
and an integrity MAC on cases, users, assessments and disclosures.

Rows written before this revision get their MAC from ``csvc store upgrade`` (SQLite, with the audit key) or
from the server's triggers (PostgreSQL), in the same transaction.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

SEALED = ("cases", "users", "assessments", "disclosures")
#: the clear columns of a disclosure: none may change (its sealed texts are re-sealed by a key rotation);
#: its seal may be written once, and never changed after.
DISCLOSURE_COLUMNS = (
    "id, case_id, org_id, disclosed_at, disclosed_by, basis, recipient_kind, recipient_category, "
    "recipient_org_id, outside_quebec, harms, imminence, fields"
)
REFUSAL = "csvc: disclosures is a record of communications and cannot be edited"


def _disclosure_triggers(sealed: bool) -> None:
    """Disclosures' clear columns stay immutable; with ``sealed``, their seal may be written once."""
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.execute("DROP TRIGGER IF EXISTS disclosures_immutable" + (" ON disclosures" if postgresql else ""))
    op.execute("DROP TRIGGER IF EXISTS disclosures_sealed_once" + (" ON disclosures" if postgresql else ""))
    of = f" OF {DISCLOSURE_COLUMNS}"
    if postgresql:
        op.execute(
            f"CREATE TRIGGER disclosures_immutable BEFORE UPDATE{of} ON disclosures "
            "FOR EACH ROW EXECUTE FUNCTION csvc_refuse_update()"
        )
        if sealed:
            op.execute(
                "CREATE TRIGGER disclosures_sealed_once BEFORE UPDATE OF integrity ON disclosures "
                "FOR EACH ROW WHEN (OLD.integrity IS NOT NULL "
                "AND NEW.integrity IS DISTINCT FROM OLD.integrity) "
                "EXECUTE FUNCTION csvc_refuse_update()"
            )
        return
    op.execute(
        f"CREATE TRIGGER disclosures_immutable BEFORE UPDATE{of} ON disclosures BEGIN "
        f"SELECT RAISE(ABORT, '{REFUSAL}'); END"
    )
    if sealed:
        op.execute(
            "CREATE TRIGGER disclosures_sealed_once BEFORE UPDATE OF integrity ON disclosures "
            "WHEN OLD.integrity IS NOT NULL AND NEW.integrity IS NOT OLD.integrity "
            f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
        )


def upgrade() -> None:
    op.create_table(
        "audit_checkpoints",
        sa.Column("org_id", sa.String(32), nullable=False),  # "" for entries of no organisation
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("mac", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("org_id", name="pk_audit_checkpoints"),
    )
    for table in SEALED:
        op.add_column(table, sa.Column("integrity", sa.String(64), nullable=True))
    _disclosure_triggers(sealed=True)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        from csvc_core.store import pg_audit

        pg_audit.uninstall(op.get_bind())
    _disclosure_triggers(sealed=False)
    for table in reversed(SEALED):
        op.drop_column(table, "integrity")
    op.drop_table("audit_checkpoints")
