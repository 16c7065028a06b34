"""Electronic Document Exchange (EDE): what a document record holds, and the seam to its store.

A document travels from a sender jurisdiction to a recipient jurisdiction (both
directory codes). A REQUESTED document asks the recipient for a form and has no
content; a SENT document carries content, kept in the blob store under `blob_key`.
When the asked party sends the requester a document of the same case and form, the
request is answered: the new document names it in `request_id` and the request
becomes RECEIVED.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from datasources.audit import AuditEventDraft
from datasources.pages import Page, PageRequest

WITH_CONTENT: frozenset[str] = frozenset({"SENT", "RECEIVED"})
"""The statuses of a document whose content has been sent."""

FORM_TYPES: tuple[str, ...] = (
    "UIFSA_TRANSMITTAL_1",
    "UIFSA_TRANSMITTAL_1_ACK",
    "UIFSA_TRANSMITTAL_2",
    "UIFSA_TRANSMITTAL_3",
    "UNIFORM_SUPPORT_PETITION",
    "GENERAL_TESTIMONY",
    "CONFIDENTIAL_INFORMATION_FORM",
    "PERSONAL_INFORMATION_FORM_311",
    "DECLARATION_OF_PARENTAGE",
    "NOTICE_OF_CONTROLLING_ORDER",
    "REGISTRATION_STATEMENT",
    "LOCATE_DATA_SHEET",
)
"""The OMB-approved intergovernmental (UIFSA) forms EDE exchanges (programs.md §1.13)."""


@dataclass(frozen=True)
class DocumentRecord:
    id: int
    case_id: int | None
    form_type: str
    title: str
    sender: str
    recipient: str
    status: str
    contains_fti: bool
    size_bytes: int | None
    sha256: str | None
    blob_key: str | None
    created_at: datetime
    request_id: int | None

    @property
    def has_content(self) -> bool:
        """Whether the document was sent with content that can be downloaded."""
        return self.status in WITH_CONTENT and self.blob_key is not None


@dataclass(frozen=True)
class DocumentDraft:
    """A document to record: SENT with content already stored, or REQUESTED without."""

    case_id: int | None
    form_type: str
    title: str
    sender: str
    recipient: str
    status: str
    contains_fti: bool
    size_bytes: int | None = None
    sha256: str | None = None
    blob_key: str | None = None


class DocumentSource(Protocol):
    """Documents exchanged between jurisdictions.

    Batch methods answer in the order of the keys they were given: None for an
    unknown id, an empty list for a key with nothing under it. Lists are in id order.
    """

    async def get_many(self, ids: Sequence[int]) -> Sequence[DocumentRecord | None]:
        """Documents by id, aligned with `ids`."""
        ...

    async def list_for_jurisdiction(
        self,
        jurisdiction: str | None,
        *,
        case_id: int | None,
        status: str | None,
        page: PageRequest,
    ) -> Page[DocumentRecord]:
        """One page of the documents a jurisdiction sent or received.

        Args:
            jurisdiction: Keep documents whose sender or recipient is this code; None keeps all.
            case_id: Keep documents of this FCR case; None keeps all.
            status: Keep documents in this status; None keeps all.
            page: `first` documents after the one keyed `after` (the id as text).

        Returns:
            The page, keyed by id, with the count of every matching document.

        Raises:
            ValueError: If `page.after` is not a document key.
        """
        ...

    async def list_by_case(self, case_ids: Sequence[int]) -> Sequence[list[DocumentRecord]]:
        """Each case's documents, in id order, aligned with `case_ids`."""
        ...

    async def create(
        self, draft: DocumentDraft, *, event: Callable[[DocumentRecord], AuditEventDraft]
    ) -> DocumentRecord:
        """Record a document, created now, in one transaction, and answer it as stored.

        `event(document)` is stored in the audit outbox in that transaction.

        A SENT draft that answers an open request (a REQUESTED document from the
        draft's recipient to its sender, of the same case and form type) links the
        oldest such request in `request_id` and marks that request RECEIVED, in the
        same transaction. Raises when nothing could be stored; then nothing changed.
        """
        ...
