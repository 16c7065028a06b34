from __future__ import annotations

from alembic import context

from datasources.migrations.environment import run
from datasources.models.ndnh import NdnhBase

run(context, NdnhBase.metadata, "alembic_version_ndnh")
