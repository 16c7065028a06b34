"""The Electronic Document Exchange over real HTTP: who sees, who downloads, requests answered."""

from __future__ import annotations

import base64
import hashlib
import time
import uuid
from dataclasses import replace

import httpx
import pytest

from app import create_app
from datasources.engines import dispose_engines
from policy.download_links import sign_download
from tests.conftest import Hub
from tests.resolvers.documents_support import (
    CASE_DOCUMENTS,
    EVENTS,
    LIST,
    ONE,
    REQUEST,
    a_case_of,
    gql,
    request_input,
    sent_document,
    stored,
    visible_ids,
    worker,
)


async def test_a_sent_document_is_seen_by_both_parties_and_ocss_only(
    http: httpx.AsyncClient, hub: Hub
):
    # given a California worker sends Texas a document on a California case
    case_id = await a_case_of(http, hub, "06")
    document = await sent_document(http, worker(hub, "06"), caseId=case_id)
    assert document["status"] == "SENT"
    assert (document["sender"]["code"], document["recipient"]["code"]) == ("06", "48")
    assert document["case"] == {"id": case_id}
    # then California, Texas and OCSS see it, in the list, by id and on the case
    for headers in (worker(hub, "06"), worker(hub, "48"), hub.headers("ocss_staff")):
        assert document["id"] in await visible_ids(http, headers)
        one = await gql(http, headers, ONE, id=document["id"])
        assert one["data"]["document"]["id"] == document["id"]
        on_case = await gql(http, headers, CASE_DOCUMENTS, id=case_id)
        assert document["id"] in [d["id"] for d in on_case["data"]["case"]["documents"]]
    # and New York sees it nowhere: left out of lists (and their counts), NOT_FOUND by id
    new_york = worker(hub, "36")
    assert document["id"] not in await visible_ids(http, new_york)
    assert document["id"] not in await visible_ids(http, new_york, caseId=case_id)
    one = await gql(http, new_york, ONE, id=document["id"])
    assert one["data"]["document"] is None
    assert [e["extensions"]["code"] for e in one["errors"]] == ["NOT_FOUND"]
    on_case = await gql(http, new_york, CASE_DOCUMENTS, id=case_id)
    assert document["id"] not in [d["id"] for d in on_case["data"]["case"]["documents"]]


async def test_roles_outside_the_exchange_see_no_documents(http: httpx.AsyncClient, hub: Hub):
    for role in ("analyst", "employer", "auditor"):
        body = await gql(http, hub.headers(role, fein="90-0000001"), LIST)
        assert body["data"]["documents"] == {
            "totalCount": 0,
            "pageInfo": {"hasNextPage": False, "endCursor": None},
            "edges": [],
        }


async def test_both_parties_download_what_was_sent(http: httpx.AsyncClient, hub: Hub):
    # given a document sent by California to Texas
    content = bytes(range(256)) * 4096 + b"tail"
    sent = await sent_document(
        http, worker(hub, "06"), contentBase64=base64.b64encode(content).decode()
    )
    assert sent["sizeBytes"] == len(content)
    assert sent["sha256"] == hashlib.sha256(content).hexdigest()
    for jurisdiction in ("06", "48"):
        subject = f"downloader-{uuid.uuid4().hex[:8]}"
        headers = worker(hub, jurisdiction, subject=subject)
        # when each party asks for a link and follows it with its token
        link = (await gql(http, headers, ONE, id=sent["id"]))["data"]["document"]["downloadUrl"]
        response = await http.get(link, headers=headers)
        # then the bytes arrive as an attachment that is not cached
        assert response.status_code == 200
        assert hashlib.sha256(response.content).hexdigest() == sent["sha256"]
        assert response.content == content
        assert response.headers["content-type"] == "application/octet-stream"
        assert response.headers["content-disposition"].startswith("attachment")
        assert response.headers["cache-control"] == "no-store"
        # and the download is in the audit trail
        events = await gql(http, hub.headers("auditor"), EVENTS, subject=subject)
        downloads = [
            e["node"]
            for e in events["data"]["auditEvents"]["edges"]
            if e["node"]["resource"] == "Document.content"
        ]
        assert downloads == [
            {
                "subject": subject,
                "operation": "download",
                "action": "read",
                "resource": "Document.content",
                "recordId": sent["id"],
            }
        ]


async def test_expired_altered_and_foreign_links_are_refused(http: httpx.AsyncClient, hub: Hub):
    sent = await sent_document(http, worker(hub, "06"))
    texas = worker(hub, "48")
    secret = hub.settings.token.secret
    expired = sign_download(sent["id"], expires_at=int(time.time()) - 1, secret=secret)
    valid = sign_download(sent["id"], expires_at=int(time.time()) + 60, secret=secret)
    altered = valid[:-2] + ("AA" if not valid.endswith("AA") else "BB")
    longer = valid.replace("expires=", "expires=1")
    for link in (expired, altered, longer):
        response = await http.get(link, headers=texas)
        assert response.status_code == 403
        assert response.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert not response.content.startswith(b"synthetic")
    # a valid link still needs a token, and a viewer who may read the document
    no_token = await http.get(valid)
    assert no_token.status_code == 401
    assert no_token.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    new_york = await http.get(valid, headers=worker(hub, "36"))
    assert new_york.status_code == 404
    assert new_york.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert (await http.get(valid, headers=texas)).status_code == 200


async def test_fti_content_needs_clearance(http: httpx.AsyncClient, hub: Hub):
    # given a cleared California worker sends Texas a document holding FTI
    sent = await sent_document(http, worker(hub, "06", fti=True), containsFti=True)
    assert sent["containsFti"] is True
    assert sent["downloadUrl"]
    # then a Texas worker without clearance sees the document but no link
    plain = await gql(http, worker(hub, "48"), ONE, id=sent["id"])
    assert plain["data"]["document"]["id"] == sent["id"]
    assert plain["data"]["document"]["downloadUrl"] is None
    [error] = plain["errors"]
    assert error["extensions"]["code"] == "FTI_RESTRICTED"
    assert error["path"] == ["document", "downloadUrl"]
    # and a cleared one gets a link, which an uncleared token cannot follow
    cleared = await gql(http, worker(hub, "48", fti=True), ONE, id=sent["id"])
    link = cleared["data"]["document"]["downloadUrl"]
    refused = await http.get(link, headers=worker(hub, "48"))
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["extensions"]["code"] == "FTI_RESTRICTED"
    assert (await http.get(link, headers=worker(hub, "48", fti=True))).status_code == 200


async def test_a_request_is_answered_by_the_party_asked(http: httpx.AsyncClient, hub: Hub):
    # given Texas asks California for a form on a California case
    case_id = await a_case_of(http, hub, "06")
    texas, california = worker(hub, "48"), worker(hub, "06")
    before = await stored(hub)
    body = await gql(http, texas, REQUEST, input=request_input(caseId=case_id))
    request = body["data"]["requestDocument"]["document"]
    assert body["data"]["requestDocument"]["userErrors"] == []
    assert (request["status"], request["downloadUrl"], request["sizeBytes"]) == (
        "REQUESTED",
        None,
        None,
    )
    assert await stored(hub) == (before[0] + 1, before[1])
    # when California sends Texas that form on that case
    answer = await sent_document(
        http,
        california,
        caseId=case_id,
        recipient="48",
        formType="PERSONAL_INFORMATION_FORM_311",
        title="Form 311",
    )
    # then the request is RECEIVED and Texas can download the answer
    again = await gql(http, texas, ONE, id=request["id"])
    assert again["data"]["document"]["status"] == "RECEIVED"
    link = (await gql(http, texas, ONE, id=answer["id"]))["data"]["document"]["downloadUrl"]
    assert (await http.get(link, headers=texas)).status_code == 200


async def test_no_content_leaves_when_the_download_cannot_be_audited(
    http: httpx.AsyncClient, hub: Hub, tmp_path_factory: pytest.TempPathFactory
):
    # given a document, and a hub on the same data whose audit database was never migrated
    content = b"synthetic content that must not leave unaudited"
    sent = await sent_document(
        http, worker(hub, "06"), contentBase64=base64.b64encode(content).decode()
    )
    broken = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('broken-audit')}/audit.db"
    settings = replace(hub.settings, database_urls={**hub.settings.database_urls, "audit": broken})
    app = create_app(settings)
    link = sign_download(sent["id"], expires_at=int(time.time()) + 60, secret=settings.token.secret)
    # when the recipient follows a valid link
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://hub"
    ) as client:
        response = await client.get(link, headers=worker(hub, "48"))
    await dispose_engines(app.state.engines)
    # then the answer is an internal error, without the content
    assert response.status_code == 500
    assert response.json()["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert b"synthetic content" not in response.content
