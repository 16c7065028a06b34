"""Bearer tokens: who the viewer is, verified; and minting tokens for development.

A token is signed either with the hub's HMAC key (`HUB_TOKEN_SECRET`; in production with
an identity provider only when `HUB_TOKEN_HMAC=on`) or by a key of the identity provider
(`HUB_JWKS_URL`: RS256 or ES256, each key pinned to its algorithm by
`datasources.identity_keys`).

Which claims each role's token must carry is decided here, once (`ROLE_CLAIMS`): the
hub refuses an incoming token that lacks them, and `hub token` and GraphiQL's
development sign-in refuse to mint one.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import jwt

from datasources.identity_keys import JWKS_ALGORITHMS, MAX_KID_CHARS, IdentityKeySource
from settings import TokenSettings


@dataclass(frozen=True)
class ClaimShape:
    """A claim a role needs, and the shape its value must have."""

    claim: str
    pattern: re.Pattern[str]
    description: str

    def fits(self, value: object) -> bool:
        return isinstance(value, str) and self.pattern.fullmatch(value) is not None


@dataclass(frozen=True)
class RoleClaims:
    """What a role's token must carry, and whether FTI clearance means anything for it."""

    required: tuple[ClaimShape, ...] = ()
    fti_clearable: bool = False

    def needs(self, claim: str) -> bool:
        return self.shape(claim) is not None

    def shape(self, claim: str) -> ClaimShape | None:
        """The shape `claim` must have for this role, or None when the role does not need it."""
        return next((shape for shape in self.required if shape.claim == claim), None)


STATE_JURISDICTION = ClaimShape(
    "jurisdiction", re.compile(r"[0-9]{2}", re.ASCII), 'a two-digit state FIPS code such as "06"'
)
TRIBAL_JURISDICTION = ClaimShape(
    "jurisdiction", re.compile(r"T[0-9]{4}", re.ASCII), 'a tribal code such as "T0001"'
)
ORGANISATION_FEIN = ClaimShape(
    "fein", re.compile(r"[0-9]{2}-[0-9]{7}", re.ASCII), 'a FEIN NN-NNNNNNN such as "90-0000001"'
)

# The access rules of a caseworker follow its jurisdiction, and those of an employer,
# insurer or financial institution its FEIN: a token without them identifies nobody's
# cases or company. FTI clearance matters only to the roles FTI is ever released to.
ROLE_CLAIMS: Mapping[str, RoleClaims] = MappingProxyType(
    {
        "state_worker": RoleClaims((STATE_JURISDICTION,), fti_clearable=True),
        "tribal_worker": RoleClaims((TRIBAL_JURISDICTION,), fti_clearable=True),
        "employer": RoleClaims((ORGANISATION_FEIN,)),
        "insurer": RoleClaims((ORGANISATION_FEIN,)),
        "financial_institution": RoleClaims((ORGANISATION_FEIN,)),
        "ocss_staff": RoleClaims(fti_clearable=True),
        "analyst": RoleClaims(),
        "international": RoleClaims(),
        "auditor": RoleClaims(),
    }
)
ROLES = tuple(ROLE_CLAIMS)
ORGANISATION_ROLES = tuple(role for role, rules in ROLE_CLAIMS.items() if rules.needs("fein"))


class ClaimsRefused(ValueError):
    """A role without a claim it needs, or with one of the wrong shape.

    The message is safe to show: it names the role and the claim, never the value.
    """

    def __init__(self, message: str, *, claim: str) -> None:
        super().__init__(message)
        self.claim = claim


def check_claims(role: object, *, jurisdiction: object, fein: object) -> None:
    """Raise ClaimsRefused unless `role` is known and carries every claim it needs, well formed."""
    rules = ROLE_CLAIMS.get(role) if isinstance(role, str) else None
    if rules is None:
        raise ClaimsRefused(f"unknown role; one of {', '.join(ROLES)}", claim="role")
    values = {"jurisdiction": jurisdiction, "fein": fein}
    for shape in rules.required:
        value = values[shape.claim]
        if value is None or value == "":
            raise ClaimsRefused(
                f"{role} tokens need a {shape.claim}: {shape.description}", claim=shape.claim
            )
        if not shape.fits(value):
            raise ClaimsRefused(
                f"the {shape.claim} of {role} tokens must be {shape.description}",
                claim=shape.claim,
            )


class TokenRefused(Exception):
    """The token is missing, malformed, expired, or not ours. The message is safe to show."""


@dataclass(frozen=True)
class Viewer:
    """The verified claims of the person making a request."""

    subject: str
    role: str
    jurisdiction: str | None
    fein: str | None
    fti: bool
    expires_at: int


def _claims_to_viewer(claims: dict[str, Any]) -> Viewer:
    role = claims.get("role")
    if not isinstance(role, str) or role not in ROLE_CLAIMS:
        raise TokenRefused("token names no known role")
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise TokenRefused("token names no subject")
    jurisdiction = claims.get("jurisdiction")
    fein = claims.get("fein")
    try:
        check_claims(role, jurisdiction=jurisdiction, fein=fein)
    except ClaimsRefused as refused:
        raise TokenRefused(f"token refused: {refused}") from None
    return Viewer(
        subject=subject,
        role=role,
        jurisdiction=jurisdiction if isinstance(jurisdiction, str) else None,
        fein=fein if isinstance(fein, str) else None,
        fti=claims.get("fti") is True,
        expires_at=int(claims["exp"]),
    )


def _verified_viewer(token: str, key: object, algorithm: str, settings: TokenSettings) -> Viewer:
    """The viewer of a token signed with `key` by `algorithm` (the only one allowed)."""
    try:
        claims = jwt.decode(
            token,
            key,  # type: ignore[arg-type]
            algorithms=[algorithm],
            audience=settings.audience,
            issuer=settings.issuer,
            leeway=settings.leeway_seconds,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
    except jwt.ExpiredSignatureError as error:
        raise TokenRefused("token has expired") from error
    except jwt.PyJWTError as error:
        raise TokenRefused("token is not valid") from error
    return _claims_to_viewer(claims)


def verify_token(token: str, settings: TokenSettings) -> Viewer:
    """Verify an HMAC token: signature (pinned algorithm), expiry, issuer and audience."""
    if not settings.hmac:
        raise TokenRefused("token is not valid")
    return _verified_viewer(token, settings.secret, settings.algorithm, settings)


async def verify_any_token(
    token: str, settings: TokenSettings, keys: IdentityKeySource | None
) -> Viewer:
    """Verify an HMAC token, or one signed by a key of the identity provider (`keys`).

    The header's `alg` chooses the path and nothing else: an HMAC token is checked with
    the configured secret and algorithm only, and an RS256/ES256 token with the key its
    `kid` names, only when that key is pinned to the same algorithm. So `none`, an HMAC
    token "signed" with a provider's public key, or a key used for another algorithm than
    its own are all refused.
    """
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as error:
        raise TokenRefused("token is not valid") from error
    algorithm = header.get("alg")
    if algorithm == settings.algorithm and settings.hmac:
        return verify_token(token, settings)
    if keys is None or algorithm not in JWKS_ALGORITHMS:
        raise TokenRefused("token is not valid")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid or len(kid) > MAX_KID_CHARS:
        raise TokenRefused("token names no signing key")
    key = await keys.get_by_kid(kid)
    if key is None:
        raise TokenRefused("token is signed by a key the hub does not know")
    if key.algorithm != algorithm:
        raise TokenRefused("token is not valid")
    return _verified_viewer(token, key.key, key.algorithm, settings)


def bearer_token(authorization: str | None) -> str:
    """The token of an `Authorization: Bearer <token>` header value."""
    if not authorization:
        raise TokenRefused("no bearer token")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise TokenRefused("no bearer token")
    return token.strip()


async def authenticate(
    authorization: str | None, settings: TokenSettings, keys: IdentityKeySource | None = None
) -> Viewer:
    """The viewer of an `Authorization` header value: the one token check of every transport.

    The HTTP middleware, the WebSocket's `connection_init` and the download route all
    ask here, so a token is refused for the same reasons, with the same safe messages
    (`TokenRefused`), whichever way it arrives. `keys` are the identity provider's, when
    the hub has one (`HUB_JWKS_URL`).
    """
    return await verify_any_token(bearer_token(authorization), settings, keys)


def issue_token(
    settings: TokenSettings,
    *,
    role: str,
    subject: str | None = None,
    jurisdiction: str | None = None,
    fein: str | None = None,
    fti: bool = False,
    ttl_seconds: int = 3600,
    now: int | None = None,
) -> str:
    """Mint a token that a hub with these settings accepts.

    Raises:
        ClaimsRefused: the role is unknown, or lacks a claim it needs (`check_claims`).
    """
    check_claims(role, jurisdiction=jurisdiction, fein=fein)
    if not settings.hmac:
        raise ClaimsRefused(
            "this hub accepts no HMAC tokens (HUB_TOKEN_HMAC=off): its tokens come from its"
            " identity provider",
            claim="secret",
        )
    issued = int(time.time()) if now is None else now
    claims: dict[str, Any] = {
        "sub": subject or f"{role}-{uuid.uuid4().hex[:8]}",
        "role": role,
        "fti": fti,
        "iat": issued,
        "exp": issued + ttl_seconds,
        "iss": settings.issuer,
        "aud": settings.audience,
    }
    if jurisdiction is not None:
        claims["jurisdiction"] = jurisdiction
    if fein is not None:
        claims["fein"] = fein
    return jwt.encode(claims, settings.secret, algorithm=settings.algorithm)
