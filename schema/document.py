"""Electronic Document Exchange between jurisdictions: documents, sending and requesting.

The `Document` type lives in `schema.case_graph` with the case it refers to.
"""

from __future__ import annotations

import strawberry

from resolvers import documents as resolve
from resolvers.context import Context
from resolvers.document_input import DocumentInput
from resolvers.paging import ConnectionView
from resolvers.views import DocumentPayloadView, DocumentView
from schema.case_graph import Document, DocumentStatus
from schema.mutations import UserError
from schema.relay import Connection

Info = strawberry.Info[Context, None]


@strawberry.type
class DocumentQuery:
    @strawberry.field(
        graphql_type=Document | None,
        description="One document by id; NOT_FOUND unless the viewer may see it.",
    )
    async def document(self, info: Info, id: strawberry.ID) -> DocumentView | None:
        return await resolve.resolve_document(info, id)

    @strawberry.field(
        graphql_type=Connection[Document],
        description="Documents the viewer's jurisdiction sent or received.",
    )
    async def documents(
        self,
        info: Info,
        case_id: strawberry.ID | None = None,
        status: DocumentStatus | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> ConnectionView[DocumentView]:
        return await resolve.resolve_documents(
            info,
            case_id=case_id,
            status=status.value if status else None,
            first=first,
            after=after,
        )


@strawberry.input
class SendDocumentInput:
    case_id: strawberry.ID | None
    recipient: str = strawberry.field(description="The recipient's directory code.")
    form_type: str
    title: str
    contains_fti: bool | None = False
    content_base64: str = strawberry.field(description="The content, base64; at most 10 MiB.")


@strawberry.input
class RequestDocumentInput:
    case_id: strawberry.ID | None
    recipient: str = strawberry.field(description="The directory code of the party asked.")
    form_type: str
    title: str


@strawberry.type
class DocumentPayload:
    document: Document | None
    user_errors: list[UserError]


@strawberry.type
class DocumentMutation:
    @strawberry.mutation(
        graphql_type=DocumentPayload,
        description="Send a document from the viewer's jurisdiction. A send from the party "
        "asked to the requester, of the same case and form, answers the open request.",
    )
    async def send_document(self, info: Info, input: SendDocumentInput) -> DocumentPayloadView:
        data = DocumentInput(
            case_id=input.case_id or None,
            recipient=input.recipient,
            form_type=input.form_type,
            title=input.title,
            contains_fti=bool(input.contains_fti),
            content_base64=input.content_base64,
        )
        return await resolve.send_document(info, data)

    @strawberry.mutation(
        graphql_type=DocumentPayload, description="Ask another jurisdiction for a document."
    )
    async def request_document(
        self, info: Info, input: RequestDocumentInput
    ) -> DocumentPayloadView:
        data = DocumentInput(
            case_id=input.case_id or None,
            recipient=input.recipient,
            form_type=input.form_type,
            title=input.title,
        )
        return await resolve.request_document(info, data)
