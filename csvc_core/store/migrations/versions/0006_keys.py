"""Keys per organisation, per case and per request instead of one data key per store.

Every user and organisation gets a public key column; ``key_grants`` holds who holds which key; the copies
sent to a recipient organisation get their own column. The records of communications stay closed to edits,
except their sealed columns (and a disclosure's digest), so that a key rotation can re-seal them.

Re-sealing the values of an older store needs its data key, which only a user's passphrase opens: it is
done by ``csvc store upgrade`` (:mod:`csvc_core.store.upgrading`) in the transaction of this migration.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

ID = sa.String(32)
ADDED = (
    ("organisations", "public_key"),
    ("users", "public_key"),
    ("users", "pending_key"),
    ("shares", "recipient_ct"),
    ("disclosures", "recipient_ct"),
    ("disclosure_annotations", "recipient_ct"),
    ("emergency_access", "owner_ct"),
)
#: the columns of each record of communications that no UPDATE may touch (all but the sealed ones).
CLEAR = {
    "disclosures": (
        "id",
        "case_id",
        "org_id",
        "disclosed_at",
        "disclosed_by",
        "basis",
        "recipient_kind",
        "recipient_category",
        "recipient_org_id",
        "outside_quebec",
        "harms",
        "imminence",
        "fields",
    ),
    "disclosure_annotations": ("id", "disclosure_id", "at", "by"),
    "shares": (
        "id",
        "case_id",
        "org_id",
        "shared_at",
        "shared_by",
        "recipient_org_id",
        "categories",
        "consent_ids",
    ),
}
MESSAGE = "csvc: {} is a record of communications and cannot be edited"


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _drop_triggers() -> None:
    for table in CLEAR:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_immutable" + (f" ON {table}" if _postgresql() else ""))


def _create_triggers(columns: dict[str, tuple[str, ...]] | None) -> None:
    """Refuse an UPDATE of a record of communications (of ``columns`` only, when given)."""
    for table in CLEAR:
        of = f" OF {', '.join(columns[table])}" if columns is not None else ""
        if _postgresql():
            op.execute(
                f"CREATE TRIGGER {table}_immutable BEFORE UPDATE{of} ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION csvc_refuse_update()"
            )
        else:
            op.execute(
                f"CREATE TRIGGER {table}_immutable BEFORE UPDATE{of} ON {table} BEGIN "
                f"SELECT RAISE(ABORT, '{MESSAGE.format(table)}'); END"
            )


def upgrade() -> None:
    for table, column in ADDED:
        op.add_column(table, sa.Column(column, sa.LargeBinary(), nullable=True))
    op.create_table(
        "key_grants",
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.String(length=64), nullable=False),
        sa.Column("wrapped", sa.LargeBinary(), nullable=False),
        sa.Column("basis", sa.String(length=32), nullable=False),
        sa.Column("granted_at", sa.DateTime(), nullable=False),
        sa.Column("granted_by", ID, nullable=True),
        sa.PrimaryKeyConstraint("scope", "holder", name=op.f("pk_key_grants")),
    )
    op.create_index(op.f("ix_key_grants_holder"), "key_grants", ["holder"], unique=False)
    _drop_triggers()
    _create_triggers(CLEAR)


def downgrade() -> None:
    if _postgresql():  # the directory of users shows public keys; the security install makes it again
        op.execute("DROP VIEW IF EXISTS user_directory")
    _drop_triggers()
    _create_triggers(None)
    op.drop_index(op.f("ix_key_grants_holder"), table_name="key_grants")
    op.drop_table("key_grants")
    for table, column in reversed(ADDED):
        op.drop_column(table, column)
