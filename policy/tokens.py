"""Bearer tokens: who the viewer is, verified; and minting tokens for development."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

import jwt

from settings import TokenSettings

ROLES = (
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
ORGANISATION_ROLES = ("employer", "insurer", "financial_institution")


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
    if role not in ROLES:
        raise TokenRefused("token names no known role")
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise TokenRefused("token names no subject")
    jurisdiction = claims.get("jurisdiction")
    fein = claims.get("fein")
    return Viewer(
        subject=subject,
        role=role,
        jurisdiction=jurisdiction if isinstance(jurisdiction, str) else None,
        fein=fein if isinstance(fein, str) else None,
        fti=claims.get("fti") is True,
        expires_at=int(claims["exp"]),
    )


def verify_token(token: str, settings: TokenSettings) -> Viewer:
    """Verify signature (pinned algorithm), expiry, issuer and audience; return the viewer."""
    try:
        claims = jwt.decode(
            token,
            settings.secret,
            algorithms=[settings.algorithm],
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


def bearer_token(authorization: str | None) -> str:
    """The token of an `Authorization: Bearer <token>` header value."""
    if not authorization:
        raise TokenRefused("no bearer token")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise TokenRefused("no bearer token")
    return token.strip()


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
    """Mint a token that a hub with these settings accepts."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
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
