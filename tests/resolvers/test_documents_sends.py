"""Sending documents over real HTTP: every refusal is a user error that changes nothing."""

from __future__ import annotations

import base64
import uuid
from typing import Any

import httpx
import pytest

from tests.conftest import Hub
from tests.resolvers.documents_support import (
    EVENTS,
    MIB,
    REQUEST,
    gql,
    request_input,
    send,
    sent_document,
    stored,
    worker,
)

Refusal = tuple[dict[str, Any], list[str], str]
REFUSALS: dict[str, Refusal] = {
    "over 10 MiB": (
        {"contentBase64": base64.b64encode(b"\0" * (10 * MIB + 1)).decode()},
        ["input", "contentBase64"],
        "BAD_USER_INPUT",
    ),
    "unknown recipient": ({"recipient": "99"}, ["input", "recipient"], "NOT_FOUND"),
    "bad base64": ({"contentBase64": "not*base64!"}, ["input", "contentBase64"], "BAD_USER_INPUT"),
    "FTI without clearance": ({"containsFti": True}, ["input", "containsFti"], "FTI_RESTRICTED"),
    "unknown case": (
        {"caseId": base64.urlsafe_b64encode(b"Case:987654321").decode().rstrip("=")},
        ["input", "caseId"],
        "NOT_FOUND",
    ),
    "unknown form": ({"formType": "LOVE_LETTER"}, ["input", "formType"], "BAD_USER_INPUT"),
    "to itself": ({"recipient": "06"}, ["input", "recipient"], "BAD_USER_INPUT"),
}


@pytest.mark.parametrize("name", REFUSALS)
async def test_refused_sends_change_nothing(http: httpx.AsyncClient, hub: Hub, name: str):
    changes, field, code = REFUSALS[name]
    before = await stored(hub)
    payload = await send(http, worker(hub, "06"), **changes)
    assert payload["document"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)]
    assert await stored(hub) == before


async def test_exactly_10_mib_is_accepted(http: httpx.AsyncClient, hub: Hub):
    content = b"\1" * (10 * MIB)
    sent = await sent_document(
        http, worker(hub, "06"), contentBase64=base64.b64encode(content).decode()
    )
    assert sent["sizeBytes"] == 10 * MIB


@pytest.mark.parametrize("role", ["ocss_staff", "analyst", "employer", "international"])
async def test_only_caseworkers_send_and_request(http: httpx.AsyncClient, hub: Hub, role: str):
    headers = hub.headers(role, jurisdiction="FED", fti=True, fein="90-0000001")
    before = await stored(hub)
    sent = await send(http, headers)
    asked = await gql(http, headers, REQUEST, input=request_input())
    for payload in (sent, asked["data"]["requestDocument"]):
        assert payload["document"] is None
        assert [e["code"] for e in payload["userErrors"]] == ["FORBIDDEN"]
    assert await stored(hub) == before


async def test_every_send_is_audited_written_or_refused(http: httpx.AsyncClient, hub: Hub):
    subject = f"sender-{uuid.uuid4().hex[:8]}"
    headers = worker(hub, "06", subject=subject)
    sent = await sent_document(http, headers)
    await send(http, headers, recipient="99")
    events = await gql(http, hub.headers("auditor"), EVENTS, subject=subject)
    writes = [
        (e["node"]["operation"], e["node"]["action"], e["node"]["resource"], e["node"]["recordId"])
        for e in events["data"]["auditEvents"]["edges"]
    ]
    assert writes == [
        ("Send", "write", "Document", sent["id"]),
        ("Send", "write", "Document", None),
    ]
