"""Queries and helpers of the document exchange tests."""

from __future__ import annotations

import base64
from typing import Any

import httpx
from sqlalchemy import func, select

from datasources.engines import build_engine
from datasources.models.documents import DocumentsBase
from tests.conftest import Hub

MIB = 1024 * 1024
DOCUMENT_FIELDS = """
  id status formType title containsFti sizeBytes sha256 downloadUrl createdAt
  sender { code } recipient { code } case { id }
"""
SEND = f"""
mutation Send($input: SendDocumentInput!) {{ sendDocument(input: $input) {{
  document {{ {DOCUMENT_FIELDS} }} userErrors {{ field message code }} }} }}
"""
REQUEST = f"""
mutation Ask($input: RequestDocumentInput!) {{ requestDocument(input: $input) {{
  document {{ {DOCUMENT_FIELDS} }} userErrors {{ field message code }} }} }}
"""
ONE = f"query One($id: ID!) {{ document(id: $id) {{ {DOCUMENT_FIELDS} }} }}"
LIST = """
query List($caseId: ID, $after: String) {
  documents(caseId: $caseId, first: 100, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id } }
  }
}
"""
CASE_DOCUMENTS = "query C($id: ID!) { case(id: $id) { documents { id } } }"
EVENTS = """
query Events($subject: String) { auditEvents(subject: $subject, first: 100) {
  edges { node { subject operation action resource recordId } } } }
"""


def worker(hub: Hub, jurisdiction: str, *, fti: bool = False, subject: str | None = None):
    claims: dict[str, Any] = {"jurisdiction": jurisdiction, "fti": fti}
    if subject:
        claims["subject"] = subject
    return hub.headers("state_worker", **claims)


async def gql(http: httpx.AsyncClient, headers: dict[str, str], query: str, **variables: Any):
    response = await http.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()


def send_input(**changes: Any) -> dict[str, Any]:
    fields = {
        "recipient": "48",
        "formType": "GENERAL_TESTIMONY",
        "title": "Testimony of the obligee",
        "contentBase64": base64.b64encode(b"synthetic testimony " * 50).decode(),
    }
    return {**fields, **changes}


async def send(http: httpx.AsyncClient, headers: dict[str, str], **changes: Any):
    body = await gql(http, headers, SEND, input=send_input(**changes))
    assert "errors" not in body, body
    return body["data"]["sendDocument"]


async def sent_document(http: httpx.AsyncClient, headers: dict[str, str], **changes: Any):
    payload = await send(http, headers, **changes)
    assert payload["userErrors"] == []
    return payload["document"]


async def visible_ids(http: httpx.AsyncClient, headers: dict[str, str], **filters: Any):
    ids: list[str] = []
    after = None
    while True:
        body = await gql(http, headers, LIST, after=after, **filters)
        assert "errors" not in body, body
        page = body["data"]["documents"]
        ids += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            assert page["totalCount"] == len(ids)
            return ids
        after = page["pageInfo"]["endCursor"]


async def a_case_of(http: httpx.AsyncClient, hub: Hub, state: str) -> str:
    """A late case of `state` (the first cases of every list stay without documents)."""
    query = "query($s: String) { cases(state: $s, first: 100) { edges { node { id } } } }"
    body = await gql(http, hub.headers("ocss_staff", jurisdiction="FED"), query, s=state)
    case_id: str = body["data"]["cases"]["edges"][-1]["node"]["id"]
    return case_id


async def stored(hub: Hub) -> tuple[int, int]:
    """How many document rows, and how many files in the blob folder."""
    engine = build_engine(hub.settings.database_urls["documents"])
    try:
        async with engine.connect() as conn:
            table = DocumentsBase.metadata.tables["documents"]
            rows = await conn.scalar(select(func.count()).select_from(table))
    finally:
        await engine.dispose()
    root = hub.settings.blob_root
    files = [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
    return int(rows or 0), len(files)


def request_input(**changes: Any) -> dict[str, Any]:
    fields = {"recipient": "06", "formType": "PERSONAL_INFORMATION_FORM_311", "title": "Form 311"}
    return {**fields, **changes}
