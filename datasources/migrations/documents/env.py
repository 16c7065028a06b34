from __future__ import annotations

from alembic import context

from datasources.migrations.environment import run
from datasources.models.documents import DocumentsBase

run(context, DocumentsBase.metadata, "alembic_version_documents")
