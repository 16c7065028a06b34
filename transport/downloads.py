"""`GET /documents/{id}/content`: a document's content, by signed link and bearer token.

The link (see `policy.download_links`) proves the hub offered this download
recently; the bearer token proves who is downloading, and the policy decides
again whether that viewer may still read the document (and its FTI). The download
is written to the audit trail before the first byte leaves
(`policy.audit.write_before_answer`); if it cannot be written, nothing is sent. The
viewer is the one `transport.bearer.BearerAuthentication` found for the request;
every refusal has the body of `transport.error_body`.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncIterator

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from datasources.blobs import BlobNotFound, BlobStoreError
from datasources.documents import DocumentRecord
from datasources.sources import Sources
from policy.audit import AuditLog, write_before_answer
from policy.download_links import PATH_TEMPLATE, DownloadRefused, verify_download
from policy.gate import Gate, Trail
from policy.refusals import Refused
from policy.tokens import TokenRefused, Viewer
from resolvers.context import PURPOSE_HEADER
from resolvers.errors import BadUserInput
from resolvers.facts import document_facts
from resolvers.ids import decode_int_id, encode_global_id
from settings import Settings
from transport.bearer import request_viewer
from transport.error_body import BEARER_CHALLENGE, error_response

logger = logging.getLogger("hub.downloads")

AUDIT_RESOURCE = "Document.content"
OPERATION = "download"
CHUNK_BYTES = 64 * 1024
# every method reaches `respond`, so that a wrong one gets a coded answer, not plain text
_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
_WRONG_METHOD = "A document's content is downloaded with GET."
_STATUS = {"UNAUTHENTICATED": 401, "NOT_FOUND": 404, "INTERNAL_SERVER_ERROR": 500}
_MESSAGES = {
    "NOT_FOUND": "not found",
    "FTI_RESTRICTED": "Federal Tax Information needs FTI clearance",
    "INTERNAL_SERVER_ERROR": "internal server error",
}


class _Stop(Exception):
    """Answer the request with this error instead of the content."""

    def __init__(self, code: str, message: str | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.message = message or _MESSAGES.get(code, "not allowed for this viewer")


def _error(stop: _Stop) -> Response:
    headers = {"Cache-Control": "no-store"}
    if stop.code == "UNAUTHENTICATED":
        headers["WWW-Authenticate"] = BEARER_CHALLENGE
    return error_response(_STATUS.get(stop.code, 403), stop.message, stop.code, headers=headers)


class DocumentDownload:
    """The download endpoint, over the hub's sources, settings and policy."""

    def __init__(self, sources: Sources, settings: Settings, gate: Gate) -> None:
        self.sources = sources
        self.settings = settings
        self.gate = gate

    async def respond(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            allow = {"Allow": "GET, HEAD"}
            return error_response(405, _WRONG_METHOD, "BAD_USER_INPUT", headers=allow)
        try:
            viewer = self._viewer(request)
        except _Stop as stop:
            return _error(stop)
        audit = AuditLog.for_request(viewer, request.headers.get(PURPOSE_HEADER))
        try:
            record = await self._allowed_record(request, viewer, audit)
            content = await self._content(record)
        except _Stop as stop:
            return await self._refuse(stop, audit)
        self.gate.record_download(self._trail(audit, record.id), released=True)
        if not await self._write_audit(audit):
            return _error(_Stop("INTERNAL_SERVER_ERROR"))
        return _attachment(record, content)

    def _viewer(self, request: Request) -> Viewer:
        """The viewer the bearer middleware decided on (after the method check, as before)."""
        try:
            return request_viewer(request.scope)
        except TokenRefused as refused:
            raise _Stop("UNAUTHENTICATED", str(refused)) from refused

    async def _allowed_record(
        self, request: Request, viewer: Viewer, audit: AuditLog
    ) -> DocumentRecord:
        document_id = request.path_params["id"]
        try:
            key = decode_int_id(document_id, "Document")
            verify_download(
                document_id,
                expires=request.query_params.get("expires"),
                signature=request.query_params.get("signature"),
                secret=self.settings.token.secret,
            )
        except (BadUserInput, DownloadRefused) as refused:
            self.gate.record_download(self._trail(audit, None), released=False)
            raise _Stop("FORBIDDEN", "not a valid download link") from refused
        (record,) = await self.sources.documents.get_many([key])
        if record is None:
            raise _Stop("NOT_FOUND")
        self._decide(viewer, record, audit)
        return record

    def _decide(self, viewer: Viewer, record: DocumentRecord, audit: AuditLog) -> None:
        """The gate's download rules: the document's item rule and its FTI content's."""
        facts = document_facts(record)
        trail = Trail(audit, OPERATION, AUDIT_RESOURCE, facts.record_id)
        try:
            self.gate.download(viewer, AUDIT_RESOURCE, facts, trail)
        except Refused as refused:
            raise _Stop(refused.code) from refused

    async def _content(self, record: DocumentRecord) -> bytes:
        if not record.has_content or record.blob_key is None:
            raise _Stop("NOT_FOUND")
        try:
            content = await self.sources.blobs.get(record.blob_key)
        except (BlobNotFound, BlobStoreError) as error:
            logger.error("document content unavailable (%s)", type(error).__name__)
            raise _Stop("INTERNAL_SERVER_ERROR") from error
        if record.sha256 is not None and hashlib.sha256(content).hexdigest() != record.sha256:
            logger.error("document content does not match its recorded digest")
            raise _Stop("INTERNAL_SERVER_ERROR")
        return content

    def _trail(self, audit: AuditLog, record_id: int | None) -> Trail:
        return Trail(
            audit, OPERATION, AUDIT_RESOURCE, None if record_id is None else _global_id(record_id)
        )

    async def _refuse(self, stop: _Stop, audit: AuditLog) -> Response:
        if not await self._write_audit(audit):
            return _error(_Stop("INTERNAL_SERVER_ERROR"))
        return _error(stop)

    async def _write_audit(self, audit: AuditLog) -> bool:
        """Write the download's events before anything leaves; False withholds it."""
        return await write_before_answer(self.sources.audit, audit, withheld="download")


def _global_id(record_id: int) -> str:
    return encode_global_id("Document", record_id)


def _attachment(record: DocumentRecord, content: bytes) -> StreamingResponse:
    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(content), CHUNK_BYTES):
            yield content[start : start + CHUNK_BYTES]

    headers = {
        "Content-Disposition": f'attachment; filename="document-{record.id}"',
        "Cache-Control": "no-store",
        "Content-Length": str(len(content)),
        "X-Content-Type-Options": "nosniff",
    }
    return StreamingResponse(chunks(), media_type="application/octet-stream", headers=headers)


def build_download_routes(*, sources: Sources, settings: Settings, gate: Gate) -> list[Route]:
    """The download route; mount it beside /graphql."""
    download = DocumentDownload(sources, settings, gate)
    return [Route(PATH_TEMPLATE, download.respond, methods=_METHODS)]
