"""A JWKS document read into keys pinned to their algorithm; what breaks a rule is left out."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from datasources.identity_keys import JwksRefused, pin_key, read_jwks
from tests.services.jwks_server import ec_key, rsa_key

RSA = rsa_key("rsa")
EC = ec_key("ec")


def _document(*members: object) -> bytes:
    return json.dumps({"keys": list(members)}).encode()


def test_each_key_is_pinned_to_the_algorithm_its_type_allows():
    # given keys with and without `alg`
    bare_rsa = {k: v for k, v in RSA.jwk().items() if k != "alg"}
    bare_ec = {k: v for k, v in EC.jwk(kid="ec-bare").items() if k not in ("alg", "use")}
    keys = read_jwks(_document(bare_rsa, bare_ec)).keys
    # then RSA is RS256 and EC P-256 is ES256, either way
    assert {kid: key.algorithm for kid, key in keys.items()} == {"rsa": "RS256", "ec-bare": "ES256"}


@pytest.mark.parametrize(
    ("member", "rule"),
    [
        (RSA.jwk(alg="HS256"), "neither RSA for RS256"),
        (RSA.jwk(alg="PS256"), "neither RSA for RS256"),
        (RSA.jwk(alg="none"), "neither RSA for RS256"),
        (EC.jwk(alg="RS256"), "neither RSA for RS256"),
        (ec_key("p384", ec.SECP384R1()).jwk(alg="ES384"), "neither RSA for RS256"),
        ({**ec_key("p384", ec.SECP384R1()).jwk(), "alg": "ES256", "crv": "P-384"}, "neither"),
        ({"kty": "oct", "kid": "h", "k": "c2VjcmV0"}, "private or symmetric"),
        ({**RSA.jwk(), "d": "AQAB"}, "private or symmetric"),
        (rsa_key("small", bits=1024).jwk(), "smaller than 2048 bits"),
        (RSA.jwk(use="enc"), "not for signatures"),
        ({k: v for k, v in RSA.jwk().items() if k != "kid"}, "no kid"),
        (RSA.jwk(kid="k" * 200), "no kid"),
        ({**RSA.jwk(), "n": 12345}, "not an object of text members"),
        ({**RSA.jwk(), "n": "A" * 5000}, "not an object of text members"),
        ({**RSA.jwk(), "n": "!!!not-base64!!!"}, "do not make a public key"),
        ({**EC.jwk(), "x": "AAAA"}, "do not make a public key"),
        ("a key", "not an object"),
    ],
    ids=[
        "rsa-as-hmac",
        "rsa-as-pss",
        "rsa-as-none",
        "ec-as-rsa",
        "p384",
        "p384-claiming-es256",
        "symmetric",
        "private",
        "rsa-1024",
        "encryption",
        "no-kid",
        "long-kid",
        "number",
        "huge-member",
        "bad-modulus",
        "bad-point",
        "text",
    ],
)
def test_a_key_that_breaks_a_rule_is_refused_naming_the_rule(member: Any, rule: str):
    with pytest.raises(JwksRefused, match=rule) as refused:
        pin_key(member)
    # the message names the rule, never a member's value
    for value in member.values() if isinstance(member, dict) else []:
        if isinstance(value, str) and len(value) > 8:
            assert value not in str(refused.value)


def test_unusable_keys_are_left_out_and_counted():
    document = _document(RSA.jwk(), rsa_key("small", bits=1024).jwk(), {"kty": "oct"}, 7)
    key_set = read_jwks(document)
    assert (set(key_set.keys), key_set.left_out) == ({"rsa"}, 3)


def test_two_keys_under_one_kid_are_both_left_out():
    twin = rsa_key("rsa")
    key_set = read_jwks(_document(RSA.jwk(), twin.jwk(), EC.jwk()))
    assert (set(key_set.keys), key_set.left_out) == ({"ec"}, 2)


def test_lists_of_x5c_and_key_ops_are_allowed_members():
    member = {**RSA.jwk(), "key_ops": ["verify"], "x5c": ["MIIB"]}
    assert pin_key(member).algorithm == "RS256"


def test_a_document_over_the_size_bound_is_refused_before_it_is_parsed():
    with pytest.raises(JwksRefused, match="larger than 65536 bytes"):
        read_jwks(b" " * 65_537)
