"""The documents source on SQLite and PostgreSQL: batches, scoped lists, requests answered."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from datasources.audit import AuditEventDraft
from datasources.documents import DocumentDraft, DocumentRecord
from datasources.engines import build_engine
from datasources.keyset import BadPageKey
from datasources.pages import PageRequest
from datasources.sql_documents import SqlDocumentSource
from tests.conftest import Hub

CASE = 987_000_001  # no seeded case has so high an id


def _code() -> str:
    """A jurisdiction code of this test alone (the source does not check the directory)."""
    return "Z" + uuid.uuid4().hex[:6]


def _draft(sender: str, recipient: str, **changes: object) -> DocumentDraft:
    draft = DocumentDraft(
        case_id=None,
        form_type="GENERAL_TESTIMONY",
        title="Testimony",
        sender=sender,
        recipient=recipient,
        status="SENT",
        contains_fti=False,
        size_bytes=5,
        sha256="0" * 64,
        blob_key=f"documents/{uuid.uuid4().hex}",
    )
    return replace(draft, **changes)  # type: ignore[arg-type]


def _event(document: DocumentRecord) -> AuditEventDraft:
    return AuditEventDraft(
        subject="test",
        role="caseworker",
        jurisdiction=document.sender,
        operation="SendDocument",
        action="write",
        resource="Document",
        record_id=str(document.id),
        purpose=None,
        outcome="written",
    )


async def _create(source: SqlDocumentSource, draft: DocumentDraft) -> DocumentRecord:
    """Record a document as a mutation does: with its event, in the same transaction."""
    return await source.create(draft, event=_event)


@pytest.fixture
async def engine(hub: Hub) -> AsyncIterator[AsyncEngine]:
    built = build_engine(hub.settings.database_urls["documents"])
    yield built
    await built.dispose()


@pytest.fixture
def source(engine: AsyncEngine) -> SqlDocumentSource:
    return SqlDocumentSource(engine)


async def test_create_answers_the_stored_document(source: SqlDocumentSource):
    sender, recipient = _code(), _code()
    created = await _create(source, _draft(sender, recipient, case_id=CASE, contains_fti=True))
    assert created.id > 0
    assert (created.sender, created.recipient, created.status) == (sender, recipient, "SENT")
    assert created.contains_fti
    assert created.case_id == CASE
    assert created.created_at.tzinfo is not None
    assert created.request_id is None
    assert created.has_content
    (again,) = await source.get_many([created.id])
    assert again == created


async def test_get_many_is_aligned_with_the_ids(source: SqlDocumentSource):
    one = await _create(source, _draft(_code(), _code()))
    two = await _create(source, _draft(_code(), _code()))
    found = await source.get_many([two.id, 999_999_999, one.id, two.id])
    assert [d.id if d else None for d in found] == [two.id, None, one.id, two.id]


async def test_list_for_jurisdiction_keeps_sent_and_received(source: SqlDocumentSource):
    # given documents sent by, sent to, and not touching jurisdiction `mine`
    mine, other = _code(), _code()
    sent = await _create(source, _draft(mine, other, case_id=CASE))
    received = await _create(source, _draft(other, mine))
    await _create(source, _draft(other, _code()))
    asked = await _create(
        source, _draft(other, mine, status="REQUESTED", size_bytes=None, sha256=None, blob_key=None)
    )
    # when its documents are listed, in pages of two
    first = await source.list_for_jurisdiction(mine, case_id=None, status=None, page=PageRequest(2))
    rest = await source.list_for_jurisdiction(
        mine, case_id=None, status=None, page=PageRequest(2, first.keys[-1])
    )
    # then both directions are there, in id order, counted in full on every page
    assert [d.id for d in [*first.items, *rest.items]] == [sent.id, received.id, asked.id]
    assert first.total == rest.total == 3
    assert first.has_next
    assert not rest.has_next
    # and the filters narrow the list
    on_case = await source.list_for_jurisdiction(
        mine, case_id=CASE, status=None, page=PageRequest(10)
    )
    requested = await source.list_for_jurisdiction(
        mine, case_id=None, status="REQUESTED", page=PageRequest(10)
    )
    assert [d.id for d in on_case.items] == [sent.id]
    assert [d.id for d in requested.items] == [asked.id]
    assert requested.total == 1


async def test_list_of_every_jurisdiction_counts_all(source: SqlDocumentSource):
    everyone = await source.list_for_jurisdiction(
        None, case_id=None, status=None, page=PageRequest(1)
    )
    created = await _create(source, _draft(_code(), _code()))
    after = await source.list_for_jurisdiction(None, case_id=None, status=None, page=PageRequest(1))
    assert everyone.total is not None
    assert after.total == everyone.total + 1
    (found,) = await source.get_many([created.id])
    assert found is not None


async def test_a_bad_page_key_is_refused(source: SqlDocumentSource):
    with pytest.raises(BadPageKey):
        await source.list_for_jurisdiction(
            None, case_id=None, status=None, page=PageRequest(1, "not-a-key")
        )


async def test_list_by_case_is_aligned_with_the_cases(source: SqlDocumentSource):
    case_a, case_b = CASE + 10, CASE + 11
    a1 = await _create(source, _draft(_code(), _code(), case_id=case_a))
    b1 = await _create(source, _draft(_code(), _code(), case_id=case_b))
    a2 = await _create(source, _draft(_code(), _code(), case_id=case_a))
    found = await source.list_by_case([case_b, CASE + 12, case_a])
    assert [[d.id for d in group] for group in found] == [[b1.id], [], [a1.id, a2.id]]


async def test_a_send_answers_the_open_request(source: SqlDocumentSource):
    # given `asker` requested a form of `asked`, twice, and once another form
    asker, asked = _code(), _code()
    no_content = {"status": "REQUESTED", "size_bytes": None, "sha256": None, "blob_key": None}
    first = await _create(source, _draft(asker, asked, case_id=CASE, **no_content))
    second = await _create(source, _draft(asker, asked, case_id=CASE, **no_content))
    other_form = await _create(
        source, _draft(asker, asked, case_id=CASE, form_type="LOCATE_DATA_SHEET", **no_content)
    )
    # when the asked party sends that form on that case, to the asker
    answer = await _create(source, _draft(asked, asker, case_id=CASE))
    # then the oldest request is answered and RECEIVED, the others stay open
    assert answer.request_id == first.id
    statuses = {
        d.id: d.status for d in await source.get_many([first.id, second.id, other_form.id]) if d
    }
    assert statuses == {first.id: "RECEIVED", second.id: "REQUESTED", other_form.id: "REQUESTED"}
    # and a send the other way round, or on another case, answers nothing
    unrelated = await _create(source, _draft(asker, asked, case_id=CASE))
    elsewhere = await _create(source, _draft(asked, asker, case_id=CASE + 1))
    assert unrelated.request_id is None
    assert elsewhere.request_id is None
