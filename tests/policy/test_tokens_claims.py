"""A role's token carries the claims its access rules follow, or it is refused."""

from __future__ import annotations

import json
import time

import httpx
import jwt
import pytest

from policy.tokens import (
    ORGANISATION_ROLES,
    ROLE_CLAIMS,
    ROLES,
    ClaimsRefused,
    TokenRefused,
    check_claims,
    issue_token,
    verify_token,
)
from settings import TokenSettings, load_settings
from tests.conftest import Hub
from tests.services.graphql_ws import subscriber

SETTINGS: TokenSettings = load_settings({"HUB_ENV": "development"}).token

# (role, claims the token carries) that must be refused, and the claim each lacks
LACKING: list[tuple[str, dict[str, object], str]] = [
    ("state_worker", {}, "jurisdiction"),
    ("state_worker", {"jurisdiction": ""}, "jurisdiction"),
    ("state_worker", {"jurisdiction": "6"}, "jurisdiction"),
    ("state_worker", {"jurisdiction": "006"}, "jurisdiction"),
    ("state_worker", {"jurisdiction": "T0001"}, "jurisdiction"),
    ("state_worker", {"jurisdiction": 6}, "jurisdiction"),
    ("state_worker", {"jurisdiction": "\u0660\u0666"}, "jurisdiction"),
    ("tribal_worker", {}, "jurisdiction"),
    ("tribal_worker", {"jurisdiction": "06"}, "jurisdiction"),
    ("tribal_worker", {"jurisdiction": "t0001"}, "jurisdiction"),
    ("employer", {}, "fein"),
    ("employer", {"fein": "900000001"}, "fein"),
    ("insurer", {"fein": "90-00000012"}, "fein"),
    ("financial_institution", {"jurisdiction": "06"}, "fein"),
]


def _signed(role: str, **claims: object) -> str:
    """A well-signed token with exactly these claims, minted around `issue_token`'s checks."""
    now = int(time.time())
    payload = {
        "sub": f"{role}-claims-test",
        "role": role,
        "iat": now,
        "exp": now + 600,
        "iss": SETTINGS.issuer,
        "aud": SETTINGS.audience,
        **claims,
    }
    return jwt.encode(payload, SETTINGS.secret, algorithm=SETTINGS.algorithm)


def test_every_role_has_a_claim_rule():
    assert set(ROLE_CLAIMS) == set(ROLES)
    assert ORGANISATION_ROLES == ("employer", "insurer", "financial_institution")


@pytest.mark.parametrize(("role", "claims", "claim"), LACKING)
def test_check_claims_refuses_and_names_the_claim_without_its_value(
    role: str, claims: dict[str, object], claim: str
):
    with pytest.raises(ClaimsRefused) as refused:
        check_claims(role, jurisdiction=claims.get("jurisdiction"), fein=claims.get("fein"))
    assert refused.value.claim == claim
    assert role in str(refused.value)
    assert claim in str(refused.value)
    for value in claims.values():
        if isinstance(value, str) and value:
            assert value not in str(refused.value).replace('"06"', "").replace('"T0001"', "")


def test_check_claims_refuses_an_unknown_role_without_echoing_it():
    with pytest.raises(ClaimsRefused) as refused:
        check_claims("root<script>", jurisdiction=None, fein=None)
    assert refused.value.claim == "role"
    assert "root" not in str(refused.value)


@pytest.mark.parametrize(("role", "claims", "claim"), LACKING)
def test_issue_token_mints_no_token_lacking_a_claim(
    role: str, claims: dict[str, object], claim: str
):
    with pytest.raises(ClaimsRefused):
        issue_token(SETTINGS, role=role, **claims)  # type: ignore[arg-type]


@pytest.mark.parametrize(("role", "claims", "claim"), LACKING)
def test_verify_refuses_a_token_lacking_a_claim(role: str, claims: dict[str, object], claim: str):
    with pytest.raises(TokenRefused) as refused:
        verify_token(_signed(role, **claims), SETTINGS)
    assert claim in str(refused.value)


@pytest.mark.parametrize(
    ("role", "claims"),
    [
        ("state_worker", {"jurisdiction": "06"}),
        ("tribal_worker", {"jurisdiction": "T0001"}),
        ("employer", {"fein": "90-0000001"}),
        ("insurer", {"fein": "12-3456789"}),
        ("ocss_staff", {}),
        ("ocss_staff", {"jurisdiction": "FED"}),
        ("analyst", {}),
        ("international", {"jurisdiction": "CA"}),
        ("auditor", {}),
    ],
)
def test_verify_accepts_a_token_with_the_claims_its_role_needs(
    role: str, claims: dict[str, object]
):
    viewer = verify_token(issue_token(SETTINGS, role=role, **claims), SETTINGS)  # type: ignore[arg-type]
    assert viewer.role == role
    assert viewer.jurisdiction == claims.get("jurisdiction")
    assert viewer.fein == claims.get("fein")


@pytest.mark.parametrize(
    ("role", "claims"),
    [("state_worker", {}), ("tribal_worker", {"jurisdiction": "06"}), ("employer", {})],
)
async def test_hub_answers_401_to_a_token_lacking_a_claim(
    http: httpx.AsyncClient, hub: Hub, role: str, claims: dict[str, object]
):
    # given a correctly signed token whose role lacks a claim it needs
    token = _signed(role, **claims)
    # when it is used over HTTP
    response = await http.post(
        "/graphql",
        json={"query": "{ viewer { role } }"},
        headers={"Authorization": f"Bearer {token}"},
    )
    # then it is refused as unauthenticated
    assert response.status_code == 401
    assert [e["extensions"]["code"] for e in response.json()["errors"]] == ["UNAUTHENTICATED"]


async def test_socket_closes_4401_on_a_token_lacking_a_claim(live_hub: str):
    async with subscriber(live_hub) as socket:
        payload = {"authorization": f"Bearer {_signed('state_worker')}"}
        await socket.socket.send(json.dumps({"type": "connection_init", "payload": payload}))
        assert await socket.closed_with() == 4401
