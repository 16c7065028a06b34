"""The notices audit outbox: mutations' audit events, written in their change's transaction.

Revision ID: 0002_notices
Revises: 0001_notices
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_notices"
down_revision: str | Sequence[str] | None = "0001_notices"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create notices_audit_outbox."""
    op.create_table(
        "notices_audit_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("event", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )


def downgrade() -> None:
    """Drop notices_audit_outbox."""
    op.drop_table("notices_audit_outbox")
