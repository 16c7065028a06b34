from __future__ import annotations

from alembic import context

from datasources.migrations.environment import run
from datasources.models.offsets import OffsetsBase

run(context, OffsetsBase.metadata, "alembic_version_offsets")
