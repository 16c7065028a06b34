"""Electronic Document Exchange between jurisdictions: documents, sending and requesting."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from datasources.documents import DocumentRecord
from policy.relations import DocumentFacts
from resolvers import documents as resolve
from resolvers.cases import resolve_jurisdiction
from resolvers.context import Context
from resolvers.document_input import DocumentInput
from resolvers.writes import InputProblem
from schema.case import Case
from schema.directory import DirectoryEntry
from schema.mutations import UserError, user_errors
from schema.relay import Connection, Node, build_connection

Info = strawberry.Info[Context, None]


@strawberry.enum
class DocumentStatus(Enum):
    REQUESTED = "REQUESTED"
    SENT = "SENT"
    RECEIVED = "RECEIVED"
    DECLINED = "DECLINED"


@strawberry.type(description="A document exchanged between two jurisdictions.")
class Document(Node):
    record: strawberry.Private[DocumentRecord]
    facts: strawberry.Private[DocumentFacts]

    @strawberry.field(description="The FCR case the document is about, if any.")
    async def case(self, info: Info) -> Case | None:
        if self.record.case_id is None:
            return None
        found = await info.context.loaders.case_by_id.load(self.record.case_id)
        return Case.from_record(found) if found else None

    @strawberry.field(description='e.g. "UIFSA_TRANSMITTAL_1", "GENERAL_TESTIMONY".')
    def form_type(self) -> str:
        return self.record.form_type

    @strawberry.field
    def title(self) -> str:
        return self.record.title

    @strawberry.field
    def sender(self, info: Info) -> DirectoryEntry:
        return DirectoryEntry.from_record(resolve_jurisdiction(info, self.record.sender))

    @strawberry.field
    def recipient(self, info: Info) -> DirectoryEntry:
        return DirectoryEntry.from_record(resolve_jurisdiction(info, self.record.recipient))

    @strawberry.field
    def status(self) -> DocumentStatus:
        return DocumentStatus(self.record.status)

    @strawberry.field
    def contains_fti(self) -> bool:
        return self.record.contains_fti

    @strawberry.field
    def size_bytes(self) -> int | None:
        return self.record.size_bytes

    @strawberry.field
    def sha256(self) -> str | None:
        return self.record.sha256

    @strawberry.field
    def created_at(self) -> datetime:
        return self.record.created_at

    @strawberry.field(
        description="Short-lived, signed, and needs the bearer token; null until SENT."
    )
    def download_url(self, info: Info) -> str | None:
        return resolve.download_url(info, self.record)

    @classmethod
    def from_record(cls, record: DocumentRecord) -> Document:
        global_id = resolve.document_id(record)
        facts = DocumentFacts(global_id, record.sender, record.recipient, record.contains_fti)
        return cls(id=strawberry.ID(global_id), record=record, facts=facts)


@strawberry.type
class DocumentQuery:
    @strawberry.field(description="One document by id; NOT_FOUND unless the viewer may see it.")
    async def document(self, info: Info, id: strawberry.ID) -> Document | None:
        return Document.from_record(await resolve.resolve_document(info, id))

    @strawberry.field(description="Documents the viewer's jurisdiction sent or received.")
    async def documents(
        self,
        info: Info,
        case_id: strawberry.ID | None = None,
        status: DocumentStatus | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[Document]:
        page = await resolve.resolve_documents(
            info,
            case_id=case_id,
            status=status.value if status else None,
            first=first,
            after=after,
        )
        nodes = [Document.from_record(item) for item in page.items]
        return build_connection(page, resolve.LIST_NAME, nodes)


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


def _payload(record: DocumentRecord | None, problems: list[InputProblem]) -> DocumentPayload:
    document = Document.from_record(record) if record is not None else None
    return DocumentPayload(document=document, user_errors=user_errors(problems))


@strawberry.type
class DocumentMutation:
    @strawberry.mutation(
        description="Send a document from the viewer's jurisdiction. A send from the party "
        "asked to the requester, of the same case and form, answers the open request."
    )
    async def send_document(self, info: Info, input: SendDocumentInput) -> DocumentPayload:
        data = DocumentInput(
            case_id=input.case_id or None,
            recipient=input.recipient,
            form_type=input.form_type,
            title=input.title,
            contains_fti=bool(input.contains_fti),
            content_base64=input.content_base64,
        )
        return _payload(*await resolve.send_document(info, data))

    @strawberry.mutation(description="Ask another jurisdiction for a document.")
    async def request_document(self, info: Info, input: RequestDocumentInput) -> DocumentPayload:
        data = DocumentInput(
            case_id=input.case_id or None,
            recipient=input.recipient,
            form_type=input.form_type,
            title=input.title,
        )
        return _payload(*await resolve.request_document(info, data))
