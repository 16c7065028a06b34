"""The fcr audit outbox: mutations' audit events, written in their change's transaction.

Revision ID: 0003_fcr
Revises: 0002_fcr
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_fcr"
down_revision: str | Sequence[str] | None = "0002_fcr"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create fcr_audit_outbox."""
    op.create_table(
        "fcr_audit_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("event", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )


def downgrade() -> None:
    """Drop fcr_audit_outbox."""
    op.drop_table("fcr_audit_outbox")
