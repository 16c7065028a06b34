"""One report per participant and misidentified SSN.

Revision ID: 0002_fcr
Revises: 0001_fcr
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002_fcr"
down_revision: str | Sequence[str] | None = "0001_fcr"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Make (participant_id, ssn) unique among misidentified SSNs."""
    op.create_index(
        "uq_misidentified_participant_ssn",
        "misidentified_ssns",
        ["participant_id", "ssn"],
        unique=True,
    )


def downgrade() -> None:
    """Allow the same report twice again."""
    op.drop_index("uq_misidentified_participant_ssn", table_name="misidentified_ssns")
