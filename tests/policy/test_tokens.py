"""policy/tokens.py in process: the claims a token carries, the roles, the round trip, each refusal.

The claim rules of each role (which jurisdiction or FEIN shape it needs) are tested in
tests/policy/test_tokens_claims.py; the transports' handling of a refused token in
tests/transport/.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

import jwt
import pytest

from policy.tokens import (
    ROLE_CLAIMS,
    ROLES,
    TokenRefused,
    Viewer,
    authenticate,
    bearer_token,
    issue_token,
    verify_token,
)
from settings import TokenSettings, load_settings

SETTINGS: TokenSettings = load_settings({"HUB_ENV": "development"}).token
NOW = 1_900_000_000
"""A fixed issue time (2030), so that expiry is computed, not waited for."""


def _claims(token: str) -> dict[str, object]:
    """The claims of a token, read without verifying it (to see what was minted)."""
    claims: dict[str, object] = jwt.decode(token, options={"verify_signature": False})
    return claims


def _signed(settings: TokenSettings = SETTINGS, **claims: object) -> str:
    """A token with exactly the given claims over a valid analyst's, None values dropped."""
    now = int(time.time())
    payload: dict[str, object] = {
        "sub": "analyst-tokens-test",
        "role": "analyst",
        "iat": now,
        "exp": now + 600,
        "iss": settings.issuer,
        "aud": settings.audience,
    }
    payload.update(claims)
    payload = {name: value for name, value in payload.items() if value is not None}
    return jwt.encode(payload, settings.secret, algorithm=settings.algorithm)


def test_roles_are_the_nine_of_the_access_rules():
    assert ROLES == (
        "state_worker",
        "tribal_worker",
        "employer",
        "insurer",
        "financial_institution",
        "ocss_staff",
        "analyst",
        "international",
        "auditor",
    )
    fti_roles = {role for role, rules in ROLE_CLAIMS.items() if rules.fti_clearable}
    assert fti_roles == {"state_worker", "tribal_worker", "ocss_staff"}


def test_role_claims_say_which_claim_a_role_needs():
    assert ROLE_CLAIMS["state_worker"].needs("jurisdiction")
    assert not ROLE_CLAIMS["state_worker"].needs("fein")
    assert ROLE_CLAIMS["employer"].needs("fein")
    assert ROLE_CLAIMS["analyst"].shape("jurisdiction") is None
    shape = ROLE_CLAIMS["tribal_worker"].shape("jurisdiction")
    assert shape is not None
    assert shape.fits("T0001")
    assert not shape.fits("06")
    assert not shape.fits(1)


def test_issued_claims_are_the_registered_ones_and_only_those_given():
    # when a state worker's token is minted at a fixed time
    token = issue_token(
        SETTINGS, role="state_worker", jurisdiction="06", fti=True, ttl_seconds=120, now=NOW
    )
    claims = _claims(token)
    # then it carries the subject, role, clearance, times, issuer and audience, and no fein
    assert claims.pop("sub") != ""
    assert claims == {
        "role": "state_worker",
        "jurisdiction": "06",
        "fti": True,
        "iat": NOW,
        "exp": NOW + 120,
        "iss": SETTINGS.issuer,
        "aud": SETTINGS.audience,
    }
    assert jwt.get_unverified_header(token)["alg"] == SETTINGS.algorithm


def test_issued_subjects_are_given_or_unique_per_token():
    assert _claims(issue_token(SETTINGS, role="analyst", subject="alice"))["sub"] == "alice"
    one = _claims(issue_token(SETTINGS, role="analyst"))["sub"]
    two = _claims(issue_token(SETTINGS, role="analyst"))["sub"]
    assert isinstance(one, str)
    assert one.startswith("analyst-")
    assert one != two


@pytest.mark.parametrize(
    ("role", "claims"),
    [
        ("state_worker", {"jurisdiction": "06", "fti": True}),
        ("tribal_worker", {"jurisdiction": "T0001"}),
        ("financial_institution", {"fein": "90-0000001"}),
        ("ocss_staff", {"jurisdiction": "FED", "fti": True}),
        ("auditor", {}),
    ],
)
def test_issue_and_verify_round_trip(role: str, claims: dict[str, object]):
    # when a minted token is verified
    token = issue_token(SETTINGS, role=role, subject="s-1", ttl_seconds=600, **claims)  # type: ignore[arg-type]
    viewer = verify_token(token, SETTINGS)
    # then the viewer is who the token says, expiring when it does
    expires = _claims(token)["exp"]
    assert viewer == Viewer(
        subject="s-1",
        role=role,
        jurisdiction=claims.get("jurisdiction"),  # type: ignore[arg-type]
        fein=claims.get("fein"),  # type: ignore[arg-type]
        fti=claims.get("fti") is True,
        expires_at=expires,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("fti", ["true", 1, "yes", None])
def test_fti_clearance_is_only_the_literal_true(fti: object):
    assert verify_token(_signed(fti=fti), SETTINGS).fti is False
    assert verify_token(_signed(fti=True), SETTINGS).fti is True


def test_a_token_expired_within_the_leeway_is_still_accepted():
    now = int(time.time())
    token = _signed(iat=now - 600, exp=now - SETTINGS.leeway_seconds // 2)
    assert verify_token(token, SETTINGS).role == "analyst"


OTHER_SECRET = "x" * 64
"""A secret of the right length that is not the hub's."""

REFUSALS: list[tuple[str, Callable[[], str], str]] = [
    (
        "expired",
        lambda: _signed(iat=int(time.time()) - 7200, exp=int(time.time()) - 3600),
        "token has expired",
    ),
    (
        "signed with another secret",
        lambda: _signed(replace(SETTINGS, secret=OTHER_SECRET)),
        "not valid",
    ),
    ("another issuer", lambda: _signed(iss="someone-else"), "token is not valid"),
    ("another audience", lambda: _signed(aud="someone-else"), "token is not valid"),
    (
        "another algorithm",
        lambda: _signed(replace(SETTINGS, algorithm="HS512")),
        "token is not valid",
    ),
    ("unsigned", lambda: jwt.encode({"sub": "x"}, key="", algorithm="none"), "token is not valid"),
    ("not a token", lambda: "not-a-token", "token is not valid"),
    ("no expiry", lambda: _signed(exp=None), "token is not valid"),
    ("no issue time", lambda: _signed(iat=None), "token is not valid"),
    ("no issuer", lambda: _signed(iss=None), "token is not valid"),
    ("no audience", lambda: _signed(aud=None), "token is not valid"),
    ("no subject", lambda: _signed(sub=None), "token is not valid"),
    ("an empty subject", lambda: _signed(sub=""), "token names no subject"),
    ("no role", lambda: _signed(role=None), "token names no known role"),
    ("an unknown role", lambda: _signed(role="root"), "token names no known role"),
    ("a role that is no string", lambda: _signed(role=["analyst"]), "token names no known role"),
    (
        "a role without its claim",
        lambda: _signed(role="state_worker"),
        "token refused: state_worker",
    ),
]
"""Each refused token, minted as its test runs: minted at import, it would expire in a long run."""


@pytest.mark.parametrize(
    ("mint", "message"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS]
)
def test_verify_refuses_with_a_safe_message(mint: Callable[[], str], message: str):
    token = mint()
    with pytest.raises(TokenRefused) as refused:
        verify_token(token, SETTINGS)
    assert message in str(refused.value)
    # the message never repeats the token, nor the secret
    assert token not in str(refused.value)
    assert SETTINGS.secret not in str(refused.value)


@pytest.mark.parametrize(
    "header", [None, "", "Bearer", "Bearer ", "Bearer    ", "Basic dXNlcjpwYXNz", "Token abc"]
)
def test_bearer_token_refuses_a_header_without_one(header: str | None):
    with pytest.raises(TokenRefused, match="^no bearer token$"):
        bearer_token(header)


@pytest.mark.parametrize(
    ("header", "token"), [("Bearer abc", "abc"), ("bearer abc", "abc"), ("BEARER  abc ", "abc")]
)
def test_bearer_token_takes_the_token_of_any_case_of_the_scheme(header: str, token: str):
    assert bearer_token(header) == token


async def test_authenticate_is_the_bearer_header_verified():
    token = issue_token(SETTINGS, role="auditor", subject="a-1")
    assert await authenticate(f"Bearer {token}", SETTINGS) == verify_token(token, SETTINGS)
    with pytest.raises(TokenRefused, match="^no bearer token$"):
        await authenticate(token, SETTINGS)
    with pytest.raises(TokenRefused, match="^token is not valid$"):
        await authenticate(f"Bearer {token}x", SETTINGS)
