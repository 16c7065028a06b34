from __future__ import annotations

from alembic import context

from datasources.migrations.environment import run
from datasources.models.fcr import FcrBase

run(context, FcrBase.metadata, "alembic_version_fcr")
