"""An identity provider for the tests: signing keys made with `cryptography`, their JWKS
served over real HTTP (uvicorn on a loopback port), and tokens signed by them with pyjwt."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from settings import TokenSettings
from tests.services.servers import serve_app

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


@dataclass(frozen=True)
class SigningKey:
    """A private key of the provider, the `kid` it publishes it under, and its algorithm."""

    kid: str
    algorithm: str
    private: PrivateKey

    def jwk(self, **members: str) -> dict[str, Any]:
        key = self.private.public_key()
        text = (
            RSAAlgorithm.to_jwk(key)
            if isinstance(key, rsa.RSAPublicKey)
            else ECAlgorithm.to_jwk(key)
        )
        public: dict[str, Any] = json.loads(text)
        return {**public, "kid": self.kid, "use": "sig", "alg": self.algorithm, **members}

    def sign(self, claims: dict[str, Any], **header: Any) -> str:
        return jwt.encode(
            claims, self.private, algorithm=self.algorithm, headers={"kid": self.kid, **header}
        )


def rsa_key(kid: str | None = None, bits: int = 2048) -> SigningKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    return SigningKey(kid or f"rsa-{uuid.uuid4().hex[:8]}", "RS256", private)


def ec_key(kid: str | None = None, curve: ec.EllipticCurve | None = None) -> SigningKey:
    private = ec.generate_private_key(curve or ec.SECP256R1())
    return SigningKey(kid or f"ec-{uuid.uuid4().hex[:8]}", "ES256", private)


def claims_for(settings: TokenSettings, role: str, **claims: Any) -> dict[str, Any]:
    """The claims of a token a hub with these settings accepts for `role`."""
    now = int(time.time())
    return {
        "sub": f"{role}-idp",
        "role": role,
        "iat": now,
        "exp": now + 600,
        "iss": settings.issuer,
        "aud": settings.audience,
        **claims,
    }


@dataclass
class Provider:
    """What the provider's JWKS URL serves; `reads` counts the requests it answered."""

    url: str = ""
    document: bytes = b'{"keys": []}'
    cache_control: str | None = None
    status: int = 200
    reads: int = 0
    keys: list[SigningKey] = field(default_factory=list)

    def publish(self, *keys: SigningKey, **document: Any) -> None:
        self.keys = list(keys)
        self.document = json.dumps({"keys": [key.jwk() for key in keys], **document}).encode()

    async def _serve(self, request: Request) -> Response:
        self.reads += 1
        headers = {"cache-control": self.cache_control} if self.cache_control else None
        return Response(
            self.document, status_code=self.status, media_type="application/json", headers=headers
        )


@contextmanager
def identity_provider(*keys: SigningKey) -> Iterator[Provider]:
    """A provider serving `keys` at `<url>/jwks.json` until the block ends."""
    provider = Provider()
    provider.publish(*keys)
    app = Starlette(routes=[Route("/jwks.json", provider._serve)])
    with serve_app(app) as base:
        provider.url = f"{base}/jwks.json"
        yield provider
