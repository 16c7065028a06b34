from __future__ import annotations

from alembic import context

from datasources.migrations.environment import run
from datasources.models.audit import AuditBase

run(context, AuditBase.metadata, "alembic_version_audit")
