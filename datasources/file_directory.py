"""The IRG directory read from a JSON file and held in memory."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from datasources.addresses import AddressRecord, ContactRecord
from datasources.directory import DIRECTORY_KINDS, DirectoryEntryRecord, ProfileAnswerRecord
from datasources.pages import Page, PageRequest

DEFAULT_DIRECTORY_PATH = Path(__file__).parent / "data" / "directory.json"

_KIND_RANK = {kind: rank for rank, kind in enumerate(DIRECTORY_KINDS)}


def _sort_key(entry: DirectoryEntryRecord) -> tuple[int, str]:
    return (_KIND_RANK[entry.kind], entry.code)


class FileDirectorySource:
    """A `DirectorySource` over entries already loaded into memory."""

    def __init__(self, entries: Iterable[DirectoryEntryRecord]) -> None:
        """Index the entries.

        Args:
            entries: The directory entries, in any order.

        Raises:
            ValueError: If two entries share a code or an entry has an unknown kind.
        """
        by_code: dict[str, DirectoryEntryRecord] = {}
        for entry in entries:
            if entry.kind not in _KIND_RANK:
                raise ValueError(f"directory entry {entry.code!r} has unknown kind {entry.kind!r}")
            if entry.code in by_code:
                raise ValueError(f"directory has two entries with code {entry.code!r}")
            by_code[entry.code] = entry
        self._by_code = by_code
        self._ordered = tuple(sorted(by_code.values(), key=_sort_key))

    async def get_many(self, codes: Sequence[str]) -> Sequence[DirectoryEntryRecord | None]:
        return [self._by_code.get(code) for code in codes]

    def get(self, code: str) -> DirectoryEntryRecord | None:
        return self._by_code.get(code)

    async def list_entries(
        self, *, kind: str | None, name: str | None, page: PageRequest
    ) -> Page[DirectoryEntryRecord]:
        if page.first < 0:
            raise ValueError(f"page size must not be negative, got {page.first}")
        needle = name.casefold() if name is not None else None
        matching = [
            entry
            for entry in self._ordered
            if (kind is None or entry.kind == kind)
            and (needle is None or needle in entry.name.casefold())
        ]
        remaining = matching
        if page.after is not None:
            last_seen = self._by_code.get(page.after)
            if last_seen is None:
                raise ValueError(f"unknown directory cursor {page.after!r}")
            after_key = _sort_key(last_seen)
            remaining = [entry for entry in matching if _sort_key(entry) > after_key]
        items = remaining[: page.first]
        return Page(
            items=items,
            keys=[entry.code for entry in items],
            has_next=len(remaining) > len(items),
            total=len(matching),
        )


def load_directory(path: Path | None = None) -> FileDirectorySource:
    """Read and validate a directory JSON file.

    Args:
        path: The file to read; None reads the directory shipped with this package.

    Returns:
        A source over the file's entries.

    Raises:
        ValueError: If the file is not valid JSON or does not have the directory's shape;
            the message names the file and the offending field.
    """
    source_path = DEFAULT_DIRECTORY_PATH if path is None else path
    try:
        document: object = json.loads(source_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{source_path}: not valid JSON: {error}") from error
    try:
        entries = _parse_document(document)
        return FileDirectorySource(entries)
    except ValueError as error:
        raise ValueError(f"{source_path}: {error}") from error


def _parse_document(document: object) -> list[DirectoryEntryRecord]:
    if not isinstance(document, dict):
        raise ValueError("top level must be an object with an 'entries' list")
    raw_entries = document.get("entries")
    if not isinstance(raw_entries, list):
        raise ValueError("'entries' must be a list")
    return [_parse_entry(raw, f"entries[{index}]") for index, raw in enumerate(raw_entries)]


def _parse_entry(raw: object, where: str) -> DirectoryEntryRecord:
    fields = _object(raw, where)
    kind = _text(fields, "kind", where)
    if kind not in _KIND_RANK:
        raise ValueError(f"{where}.kind must be one of {', '.join(DIRECTORY_KINDS)}, got {kind!r}")
    contacts = _list(fields, "contacts", where)
    profile = _list(fields, "profile", where)
    return DirectoryEntryRecord(
        code=_text(fields, "code", where),
        name=_text(fields, "name", where),
        kind=kind,
        postal=_optional_text(fields, "postal", where),
        contacts=tuple(
            _parse_contact(item, f"{where}.contacts[{index}]")
            for index, item in enumerate(contacts)
        ),
        profile=tuple(
            _parse_answer(item, f"{where}.profile[{index}]") for index, item in enumerate(profile)
        ),
    )


def _parse_contact(raw: object, where: str) -> ContactRecord:
    fields = _object(raw, where)
    raw_address = fields.get("address")
    return ContactRecord(
        name=_text(fields, "name", where),
        title=_optional_text(fields, "title", where),
        phone=_optional_text(fields, "phone", where),
        email=_optional_text(fields, "email", where),
        address=None if raw_address is None else _parse_address(raw_address, f"{where}.address"),
    )


def _parse_address(raw: object, where: str) -> AddressRecord:
    fields = _object(raw, where)
    return AddressRecord(
        line1=_text(fields, "line1", where),
        line2=_optional_text(fields, "line2", where),
        city=_text(fields, "city", where),
        state=_text(fields, "state", where),
        zip=_text(fields, "zip", where),
    )


def _parse_answer(raw: object, where: str) -> ProfileAnswerRecord:
    fields = _object(raw, where)
    return ProfileAnswerRecord(
        topic=_text(fields, "topic", where),
        question=_text(fields, "question", where),
        answer=_text(fields, "answer", where),
    )


def _object(raw: object, where: str) -> dict[str, object]:
    if not isinstance(raw, dict):
        raise ValueError(f"{where} must be an object")
    return {str(key): value for key, value in raw.items()}


def _list(fields: dict[str, object], key: str, where: str) -> list[object]:
    value = fields.get(key)
    if not isinstance(value, list):
        raise ValueError(f"{where}.{key} must be a list")
    return list(value)


def _text(fields: dict[str, object], key: str, where: str) -> str:
    value = fields.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}.{key} must be a non-empty string")
    return value


def _optional_text(fields: dict[str, object], key: str, where: str) -> str | None:
    value = fields.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{where}.{key} must be a string or null")
    return value
