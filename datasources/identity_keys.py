"""The signing keys of an identity provider: a JWKS document read into keys pinned to one algorithm.

A key is trusted for exactly one algorithm, decided here from the key itself: its `alg`
when it names one, else its type (RSA: RS256; EC on P-256: ES256). A token whose header
names another algorithm than its key's is refused by `policy.tokens`, so a public key can
never be taken for an HMAC secret, nor `none` for a signature.

A JWKS document comes from elsewhere and is read as hostile: its size, the number of its
keys and their types are bounded and checked before any key is built; a key that breaks
a rule is left out, and a document that does is refused whole. Refusals say which rule,
never a value: a key's material never reaches a log line.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, EllipticCurvePublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from jwt.algorithms import ECAlgorithm, RSAAlgorithm
from jwt.exceptions import InvalidKeyError

JWKS_ALGORITHMS = ("RS256", "ES256")
"""The only algorithms a key from an identity provider is trusted for."""
MAX_JWKS_BYTES = 64 * 1024
MAX_JWKS_KEYS = 32
MAX_KID_CHARS = 128
MIN_RSA_BITS = 2048
_MAX_MEMBER_CHARS = 4096
"""Longer than any member of an RSA-4096 or P-256 public key (an RSA-8192 `n` is ~1.4 KB)."""
_PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "oth", "k")

PublicKey = RSAPublicKey | EllipticCurvePublicKey


class JwksRefused(ValueError):
    """A JWKS document, or one key of it, breaks a rule. The message names the rule only."""


@dataclass(frozen=True)
class PinnedKey:
    """A public key and the one algorithm tokens it signs must name."""

    kid: str
    algorithm: str
    key: PublicKey


@dataclass(frozen=True)
class KeySet:
    """The usable keys of one JWKS document, by `kid`, and how many keys were left out."""

    keys: Mapping[str, PinnedKey]
    left_out: int = 0


class IdentityKeySource(Protocol):
    """Where the hub finds the public key a token names by its `kid`."""

    async def get_by_kid(self, kid: str) -> PinnedKey | None:
        """The key with this `kid`, pinned to its algorithm; None when the provider has none.

        An unknown `kid` may make the source read the provider's keys again, at most once
        per its refetch interval and once at a time (concurrent callers share that read).
        Never raises for an unreachable provider: the keys it already has keep answering.
        """
        ...

    async def refresh_periodically(self) -> None:
        """Read the provider's keys again and again, as often as it asks, until cancelled."""
        ...

    async def close(self) -> None:
        """Release the connections to the provider."""
        ...


def read_jwks(body: bytes) -> KeySet:
    """The keys of a JWKS document, each pinned to its algorithm.

    Raises:
        JwksRefused: the document is too large, not JSON, not `{"keys": [...]}`, has too
            many keys, or no usable one.
    """
    if len(body) > MAX_JWKS_BYTES:
        raise JwksRefused(f"the JWKS document is larger than {MAX_JWKS_BYTES} bytes")
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: nesting deeper than the parser goes
        raise JwksRefused("the JWKS document is not JSON") from None
    members = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(members, list):
        raise JwksRefused('the JWKS document is not an object with a "keys" list')
    if len(members) > MAX_JWKS_KEYS:
        raise JwksRefused(f"the JWKS document has more than {MAX_JWKS_KEYS} keys")
    pinned: list[PinnedKey] = []
    for member in members:
        try:
            pinned.append(pin_key(member))
        except JwksRefused:
            continue
    # two keys under one kid cannot be told apart by a token: neither is used
    kids = Counter(key.kid for key in pinned)
    keys = {key.kid: key for key in pinned if kids[key.kid] == 1}
    left_out = len(members) - len(keys)
    if not keys:
        raise JwksRefused("the JWKS document has no usable signing key")
    return KeySet(keys=keys, left_out=left_out)


def pin_key(member: object) -> PinnedKey:
    """One JWK as a public key pinned to its algorithm.

    Raises:
        JwksRefused: not a public RS256 or ES256 signing key with a `kid`, or an RSA key of
            fewer than MIN_RSA_BITS bits.
    """
    if not isinstance(member, dict) or not all(
        isinstance(value, str) and len(value) <= _MAX_MEMBER_CHARS
        for name, value in member.items()
        if name != "key_ops" and name != "x5c"
    ):
        raise JwksRefused("a key is not an object of text members")
    if any(name in member for name in _PRIVATE_MEMBERS):
        raise JwksRefused("a key carries private or symmetric material")
    kid = member.get("kid")
    if not kid or len(kid) > MAX_KID_CHARS:
        raise JwksRefused(f"a key has no kid of at most {MAX_KID_CHARS} characters")
    if member.get("use", "sig") != "sig":
        raise JwksRefused("a key is not for signatures")
    algorithm = _pinned_algorithm(member)
    key = _public_key(member, algorithm)
    return PinnedKey(kid=kid, algorithm=algorithm, key=key)


def _pinned_algorithm(member: dict[str, str]) -> str:
    kty, alg, crv = member.get("kty"), member.get("alg"), member.get("crv")
    if kty == "RSA" and alg in (None, "RS256"):
        return "RS256"
    if kty == "EC" and crv == "P-256" and alg in (None, "ES256"):
        return "ES256"
    raise JwksRefused(
        f"a key is neither RSA for RS256 nor EC P-256 for ES256 ({', '.join(JWKS_ALGORITHMS)} only)"
    )


def _public_key(member: dict[str, str], algorithm: str) -> PublicKey:
    reader = RSAAlgorithm if algorithm == "RS256" else ECAlgorithm
    try:
        key: object = reader.from_jwk(member)
    except (InvalidKeyError, ValueError, TypeError, KeyError):
        raise JwksRefused("a key's members do not make a public key") from None
    if isinstance(key, RSAPublicKey):
        if key.key_size < MIN_RSA_BITS:
            raise JwksRefused(f"an RSA key is smaller than {MIN_RSA_BITS} bits")
        return key
    if isinstance(key, EllipticCurvePublicKey) and isinstance(key.curve, SECP256R1):
        return key
    raise JwksRefused("a key's members do not make a public key")
