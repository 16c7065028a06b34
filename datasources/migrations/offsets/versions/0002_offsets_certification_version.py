"""A version number on each certification, so that concurrent updates cannot be lost.

Revision ID: 0002_offsets
Revises: 0001_offsets
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_offsets"
down_revision: str | Sequence[str] | None = "0001_offsets"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add offset_certifications.version, 1 for every existing row."""
    with op.batch_alter_table("offset_certifications") as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    """Drop offset_certifications.version."""
    with op.batch_alter_table("offset_certifications") as batch_op:
        batch_op.drop_column("version")
