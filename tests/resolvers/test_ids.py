"""Ids, cursors and signed-link parameters: ASCII digits within the key column, or refused."""

from __future__ import annotations

import base64

import pytest

from datasources.keyset import INTEGER_MAX, BadPageKey, int_key, parse_int_key
from policy.download_links import DownloadRefused, sign_download, verify_download
from resolvers.errors import BadUserInput
from resolvers.ids import decode_cursor, decode_int_id, encode_cursor, encode_global_id

SECRET = "s" * 64
HOSTILE_KEYS = [
    "١٢٣",  # Arabic-Indic digits: int() reads them
    "²",  # str.isdigit() is True, int() raises
    "１２３",  # fullwidth digits
    "12\x003",
    "\ud800",
    "",
    "-1",
    "+1",
    " 1",
    "1 ",
    "1_000",
    str(INTEGER_MAX + 1),
    "9" * 19,
    "9" * 5000,
]


def _raw_id(text: str) -> str:
    data = text.encode("utf-8", "surrogatepass")
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


@pytest.mark.parametrize("key", HOSTILE_KEYS, ids=repr)
def test_int_key_accepts_ascii_digits_within_integer_only(key: str):
    assert int_key(key) is None
    with pytest.raises(BadUserInput):
        decode_int_id(_raw_id(f"Participant:{key}"), "Participant")


@pytest.mark.parametrize("key", HOSTILE_KEYS, ids=repr)
def test_page_keys_refuse_hostile_keys(key: str):
    with pytest.raises(BadPageKey):
        parse_int_key(key, INTEGER_MAX)


def test_keys_in_range_are_read():
    assert int_key("0") == 0
    assert int_key(str(INTEGER_MAX)) == INTEGER_MAX
    assert decode_int_id(encode_global_id("Case", 42), "Case") == 42
    assert parse_int_key(str(2**40)) == 2**40  # BIGINT keys (the audit trail's)


@pytest.mark.parametrize(
    "value", ["\x00", "\ud800", "A" * 100_000, "not base64!", "Y3Vyc29y", "٣"], ids=repr
)
def test_ids_that_are_not_base64_of_ours_are_refused(value: str):
    with pytest.raises(BadUserInput):
        decode_int_id(value, "Participant")
    with pytest.raises(BadUserInput):
        decode_cursor(value, "Case")


def test_cursor_keys_come_back_as_written():
    assert decode_cursor(encode_cursor("Case", "١٢٣"), "Case") == "١٢٣"  # refused by the page


@pytest.mark.parametrize(
    "expires", ["²", "١٢٣٤٥٦٧٨٩٠", "１２３", "12\x00", "\ud800", "-1", "9" * 13, " 1", ""]
)
def test_download_link_expiry_must_be_ascii_digits(expires: str):
    link = sign_download("RG9jdW1lbnQ6MQ", expires_at=2_000_000_000, secret=SECRET)
    signature = link.split("signature=")[1]
    with pytest.raises(DownloadRefused):
        verify_download("RG9jdW1lbnQ6MQ", expires=expires, signature=signature, secret=SECRET)


@pytest.mark.parametrize("signature", ["\ud800" * 43, "é" * 43, "A" * 44, "A" * 100_000, ""])
def test_download_link_signature_must_be_base64url(signature: str):
    with pytest.raises(DownloadRefused):
        verify_download("RG9jdW1lbnQ6MQ", expires="2000000000", signature=signature, secret=SECRET)


def test_download_link_round_trip():
    link = sign_download("RG9jdW1lbnQ6MQ", expires_at=2_000_000_000, secret=SECRET)
    query = dict(part.split("=") for part in link.split("?")[1].split("&"))
    verify_download(
        "RG9jdW1lbnQ6MQ",
        expires=query["expires"],
        signature=query["signature"],
        secret=SECRET,
        now=1_900_000_000,
    )
