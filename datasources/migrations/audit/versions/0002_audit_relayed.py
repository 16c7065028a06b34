"""The keys of events relayed from the sources' audit outboxes, so each is appended once.

Revision ID: 0002_audit
Revises: 0001_audit
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_audit"
down_revision: str | Sequence[str] | None = "0001_audit"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create audit_relayed."""
    op.create_table(
        "audit_relayed",
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    """Drop audit_relayed."""
    op.drop_table("audit_relayed")
