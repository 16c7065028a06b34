from __future__ import annotations

from alembic import context

from datasources.migrations.environment import run
from datasources.models.notices import NoticesBase

run(context, NoticesBase.metadata, "alembic_version_notices")
