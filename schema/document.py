"""Electronic Document Exchange between jurisdictions.

The exchange itself (storage, sending, requesting, downloads) arrives with its own
issue; until then the hub holds no documents and these lists answer empty.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from resolvers.context import Context
from resolvers.paging import empty_page, page_request
from schema.directory import DirectoryEntry
from schema.relay import Connection, Node, build_connection

if TYPE_CHECKING:
    from schema.case import Case

Info = strawberry.Info[Context, None]
LIST_NAME = "Document"


@strawberry.enum
class DocumentStatus(Enum):
    REQUESTED = "REQUESTED"
    SENT = "SENT"
    RECEIVED = "RECEIVED"
    DECLINED = "DECLINED"


@strawberry.type(description="A document exchanged between two jurisdictions.")
class Document(Node):
    case: Annotated[Case, strawberry.lazy("schema.case")] | None
    form_type: str = strawberry.field(description='e.g. "UIFSA_TRANSMITTAL_1".')
    title: str
    sender: DirectoryEntry
    recipient: DirectoryEntry
    status: DocumentStatus
    contains_fti: bool
    size_bytes: int | None
    sha256: str | None
    created_at: datetime
    download_url: str | None = strawberry.field(
        description="Short-lived and signed; null until SENT."
    )


@strawberry.type
class DocumentQuery:
    @strawberry.field(description="One document by id. No documents are exchanged yet.")
    def document(self, id: strawberry.ID) -> Document | None:
        return None

    @strawberry.field(description="Documents the viewer's jurisdiction sent or received.")
    def documents(
        self,
        case_id: strawberry.ID | None = None,
        status: DocumentStatus | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[Document]:
        page_request(first, after, LIST_NAME)
        return build_connection(empty_page(), LIST_NAME, [])
