"""The hub's Ed25519 key that signs audit checkpoints, and the public keys that check them.

A key is named by its id: the first 16 hex digits of the SHA-256 of its raw public key, so
that a checkpoint says which key signed it and several keys can verify (rotation: the old
public key stays in `HUB_AUDIT_VERIFY_KEYS` after the hub signs with a new one).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
    load_pem_private_key,
    load_pem_public_key,
)

from settings import AUDIT_SIGNING_KEY, AUDIT_VERIFY_KEYS, Settings, SettingsError

DEVELOPMENT_SEED = hashlib.sha256(
    b"development-only-audit-signing-key-never-for-production"
).digest()
"""A published key, used only when HUB_ENV=development and no key is set."""
_PEM_BLOCK = re.compile(rb"-----BEGIN [A-Z ]+-----.+?-----END [A-Z ]+-----", re.DOTALL)


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


@dataclass(frozen=True)
class SigningKey:
    id: str
    private: Ed25519PrivateKey = field(repr=False)

    def sign(self, data: bytes) -> bytes:
        return self.private.sign(data)


@dataclass(frozen=True)
class VerifyKeys:
    """Public keys by id."""

    keys: Mapping[str, Ed25519PublicKey]

    def is_signed(self, kid: str, data: bytes, signature: bytes) -> bool:
        """Whether key `kid` signed `data`; False for an unknown key."""
        public = self.keys.get(kid)
        if public is None:
            return False
        try:
            public.verify(signature, data)
        except InvalidSignature:
            return False
        return True


def _private(pem: bytes) -> Ed25519PrivateKey:
    try:
        key = load_pem_private_key(pem, password=None)
    except (ValueError, TypeError):
        raise SettingsError(f"{AUDIT_SIGNING_KEY.env} is not a PEM private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SettingsError(f"{AUDIT_SIGNING_KEY.env} must be an Ed25519 key")
    return key


def load_signing_key(settings: Settings) -> SigningKey:
    """The configured key, or in development the published development key."""
    pem = settings.audit_signing_key_pem
    if pem is None:
        if not settings.is_development:
            raise SettingsError(f"{AUDIT_SIGNING_KEY.env} must be set outside development")
        private = Ed25519PrivateKey.from_private_bytes(DEVELOPMENT_SEED)
    else:
        private = _private(pem)
    return SigningKey(key_id(private.public_key()), private)


def _public(block: bytes) -> Ed25519PublicKey:
    try:
        key = load_pem_public_key(block)
    except (ValueError, TypeError):
        raise SettingsError(
            f"{AUDIT_VERIFY_KEYS.env} holds a block that is not a PEM public key"
        ) from None
    if not isinstance(key, Ed25519PublicKey):
        raise SettingsError(f"{AUDIT_VERIFY_KEYS.env} keys must be Ed25519 keys")
    return key


def load_verify_keys(settings: Settings) -> VerifyKeys:
    """The configured public keys; when none are, the signing key's own."""
    blocks = [
        match.group(0)
        for pem in settings.audit_verify_keys_pem
        for match in _PEM_BLOCK.finditer(pem)
    ]
    if not blocks:
        public = load_signing_key(settings).private.public_key()
        return VerifyKeys({key_id(public): public})
    publics = [_public(block) for block in blocks]
    return VerifyKeys({key_id(public): public for public in publics})
