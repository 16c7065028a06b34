"""Reading, sending and requesting documents of the Electronic Document Exchange.

Reads are scoped at the source by policy (so `totalCount` counts only what the viewer
may see); every document still passes its item rule in the schema's guard. Writes
validate everything first (see `resolvers.document_input`), then store the content
and record the document; a failed insert removes the content it stored.
"""

from __future__ import annotations

import time
import uuid

from strawberry import Info

from datasources.audit import AuditEventDraft
from datasources.documents import DocumentDraft, DocumentRecord
from policy.download_links import sign_download
from policy.gate import Scope
from policy.vocabulary import Resource
from resolvers.context import Context
from resolvers.directory import resolve_jurisdiction
from resolvers.document_input import DocumentInput, Problems, check_request, check_send
from resolvers.errors import NotFound
from resolvers.ids import decode_int_id, encode_global_id
from resolvers.paging import (
    ConnectionView,
    asks_total,
    build_connection,
    empty_page,
    fetch_page,
    page_request,
)
from resolvers.views import (
    CaseView,
    DirectoryEntryView,
    DocumentPayloadView,
    DocumentView,
    case_view,
    document_view,
)
from resolvers.writes import audit_write, relay_written, target_id, written_event

LIST_NAME = "Document"
TYPE_NAME = "Document"


def document_id(record: DocumentRecord) -> str:
    return encode_global_id(TYPE_NAME, record.id)


async def resolve_document(info: Info[Context, None], id: str) -> DocumentView:
    """A document by id; unknown ids are NOT_FOUND, as are documents the viewer may not see."""
    found = await info.context.loaders.document_by_id.load(decode_int_id(id, TYPE_NAME))
    if found is None:
        raise NotFound("not found")
    return document_view(found)


def _scope(info: Info[Context, None], coordinate: str) -> tuple[Scope, str | None]:
    """All documents, those of the viewer's jurisdiction, or none: as the gate says."""
    viewer = info.context.viewer
    scope = info.context.gate.list_scope(viewer, coordinate).scope
    if scope is Scope.RELATED and viewer.jurisdiction is None:
        return Scope.NONE, None
    return scope, viewer.jurisdiction if scope is Scope.RELATED else None


async def resolve_documents(
    info: Info[Context, None],
    *,
    case_id: str | None,
    status: str | None,
    first: int | None,
    after: str | None,
) -> ConnectionView[DocumentView]:
    page = page_request(first, after, LIST_NAME, count=asks_total(info))
    scope, jurisdiction = _scope(info, "Query.documents")
    case_key = decode_int_id(case_id, "Case") if case_id is not None else None
    if scope is Scope.NONE:
        return build_connection(empty_page(), LIST_NAME, document_view)
    pending = info.context.sources.documents.list_for_jurisdiction(
        jurisdiction, case_id=case_key, status=status, page=page
    )
    return build_connection(await fetch_page(pending), LIST_NAME, document_view)


async def resolve_case_documents(info: Info[Context, None], case_id: int) -> list[DocumentRecord]:
    """The case's documents the viewer may see (the guard checks each one again)."""
    scope, jurisdiction = _scope(info, "Case.documents")
    if scope is Scope.NONE:
        return []
    records = await info.context.loaders.documents_by_case_id.load(case_id)
    if jurisdiction is None:
        return records
    return [r for r in records if jurisdiction in (r.sender, r.recipient)]


async def document_case(root: DocumentView, info: Info[Context, None]) -> CaseView | None:
    """`Document.case`: the FCR case the document is about, if any."""
    if root.case_id is None:
        return None
    found = await info.context.loaders.case_by_id.load(root.case_id)
    return case_view(found) if found else None


def document_sender(root: DocumentView, info: Info[Context, None]) -> DirectoryEntryView:
    return resolve_jurisdiction(info, root.sender_code)


def document_recipient(root: DocumentView, info: Info[Context, None]) -> DirectoryEntryView:
    return resolve_jurisdiction(info, root.recipient_code)


def download_url(root: DocumentView, info: Info[Context, None]) -> str | None:
    """A link valid for the configured TTL; None while the document has no content."""
    if not root.has_content:
        return None
    settings = info.context.settings
    expires_at = int(time.time()) + settings.download_url_ttl_seconds
    return sign_download(root.id, expires_at=expires_at, secret=settings.token.secret)


async def send_document(info: Info[Context, None], data: DocumentInput) -> DocumentPayloadView:
    """Validate, store the content, record the document; a refusal changes nothing."""
    checked = await check_send(info, data)
    if checked.problems:
        return _refused(info, data, checked.problems)
    blobs = info.context.sources.blobs
    key = f"documents/{uuid.uuid4().hex}"
    try:
        await blobs.put(key, checked.content)
        try:
            record = await info.context.sources.documents.create(
                checked.draft(blob_key=key), event=lambda document: _event(info, document)
            )
        except BaseException:
            await blobs.delete(key)
            raise
    except BaseException:
        audit_write(info, resource=Resource.DOCUMENT, record_id=_target(data), refused=True)
        raise
    await relay_written(info)
    return _written(record)


async def request_document(info: Info[Context, None], data: DocumentInput) -> DocumentPayloadView:
    """Record a request for a document; it carries no content."""
    checked = await check_request(info, data)
    if checked.problems:
        return _refused(info, data, checked.problems)
    draft: DocumentDraft = checked.draft(blob_key=None)
    try:
        record = await info.context.sources.documents.create(
            draft, event=lambda document: _event(info, document)
        )
    except BaseException:
        audit_write(info, resource=Resource.DOCUMENT, record_id=_target(data), refused=True)
        raise
    await relay_written(info)
    return _written(record)


def _refused(
    info: Info[Context, None], data: DocumentInput, problems: Problems
) -> DocumentPayloadView:
    audit_write(info, resource=Resource.DOCUMENT, record_id=_target(data), refused=True)
    return DocumentPayloadView(document=None, user_errors=problems)


def _target(data: DocumentInput) -> str | None:
    """The case a refused send or request was about, when its input named one."""
    return target_id(data.case_id, "Case")


def _event(info: Info[Context, None], record: DocumentRecord) -> AuditEventDraft:
    return written_event(info, resource=Resource.DOCUMENT, record_id=document_id(record))


def _written(record: DocumentRecord) -> DocumentPayloadView:
    return DocumentPayloadView(document=document_view(record), user_errors=[])
