"""Opaque global ids and page cursors: base64url text the hub alone makes sense of."""

from __future__ import annotations

import base64
import binascii

from datasources.keyset import int_key
from resolvers.errors import BadUserInput

_CURSOR_TAG = "cursor"
MAX_PAGE_SIZE = 100
# a global id or cursor the hub makes is a few dozen characters; far longer is not ours
MAX_ID_CHARS = 200


def _encode(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode(value: str) -> str | None:
    if len(value) > MAX_ID_CHARS:
        return None
    try:
        padded = value + "=" * (-len(value) % 4)
        return base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        return None


def encode_global_id(type_name: str, key: str | int) -> str:
    """The `id` of a node."""
    return _encode(f"{type_name}:{key}")


def decode_global_id(value: str) -> tuple[str, str]:
    """Split a node id into (type name, key); refuse ids the hub did not make."""
    text = _decode(value)
    type_name, sep, key = (text or "").partition(":")
    if not sep or not (type_name.isascii() and type_name.isalpha()) or not key:
        raise BadUserInput("not an id of this hub")
    return type_name, key


def decode_int_id(value: str, type_name: str) -> int:
    """The integer key of a node id that must be of `type_name`."""
    found, key = decode_global_id(value)
    number = int_key(key) if found == type_name else None
    if number is None:
        raise BadUserInput(f"not the id of a {type_name}")
    return number


def encode_cursor(list_name: str, key: str) -> str:
    """The cursor of the item keyed `key` in the list `list_name`."""
    return _encode(f"{_CURSOR_TAG}:{list_name}:{key}")


def decode_cursor(value: str | None, list_name: str) -> str | None:
    """The item key of a cursor of `list_name`; refuse cursors from elsewhere."""
    if value is None:
        return None
    parts = (_decode(value) or "").split(":", 2)
    if len(parts) != 3 or parts[0] != _CURSOR_TAG or parts[1] != list_name or not parts[2]:
        raise BadUserInput("not a cursor of this list", argumentName="after")
    return parts[2]


def check_page_size(first: int) -> int:
    """`first` must be between 0 and the page size limit."""
    if first < 0 or first > MAX_PAGE_SIZE:
        raise BadUserInput(f"first must be between 0 and {MAX_PAGE_SIZE}", argumentName="first")
    return first
