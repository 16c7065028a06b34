from __future__ import annotations

import json
from pathlib import Path

import pytest

from datasources.directory import DIRECTORY_KINDS, DirectoryEntryRecord
from datasources.file_directory import FileDirectorySource, load_directory
from datasources.pages import PageRequest
from tests.assertions import nonempty


@pytest.fixture(scope="module")
def directory() -> FileDirectorySource:
    return load_directory()


def _some_entries(directory: FileDirectorySource) -> list[DirectoryEntryRecord]:
    return [
        entry for code in ["01", "T0001", "CA", "FED"] if (entry := directory.get(code)) is not None
    ]


async def _walk(
    directory: FileDirectorySource, *, kind: str | None, name: str | None, first: int
) -> list[str]:
    codes: list[str] = []
    after: str | None = None
    while True:
        page = await directory.list_entries(
            kind=kind, name=name, page=PageRequest(first=first, after=after)
        )
        codes.extend(page.keys)
        if not page.has_next:
            return codes
        after = page.keys[-1]


async def test_list_entries_states_are_the_54_iv_d_jurisdictions(
    directory: FileDirectorySource,
) -> None:
    # given
    everything = PageRequest(first=1000)

    # when
    page = await directory.list_entries(kind="STATE", name=None, page=everything)

    # then
    names = {entry.code: entry.name for entry in page.items}
    assert page.total == 54
    assert len(names) == 54
    assert names["06"] == "California"
    assert names["36"] == "New York"
    assert names["72"] == "Puerto Rico"
    assert names["11"] == "District of Columbia"
    assert names["66"] == "Guam"
    assert names["78"] == "U.S. Virgin Islands"
    assert all(entry.postal is not None and len(entry.postal) == 2 for entry in page.items)


async def test_list_entries_tribes_countries_and_federal_are_present(
    directory: FileDirectorySource,
) -> None:
    # given
    everything = PageRequest(first=1000)

    # when
    tribes = await directory.list_entries(kind="TRIBE", name=None, page=everything)
    countries = await directory.list_entries(kind="COUNTRY", name=None, page=everything)
    federal = await directory.list_entries(kind="FEDERAL", name=None, page=everything)

    # then
    assert list(tribes.keys) == [f"T{number:04d}" for number in range(1, 11)]
    assert all(entry.postal is not None for entry in tribes.items)
    assert {"CA", "GB", "DE", "AU", "MX"} <= set(countries.keys)
    assert all(len(code) == 2 and code.isupper() for code in countries.keys)
    assert all(entry.postal is None for entry in countries.items)
    assert list(federal.keys) == ["FED"]
    assert federal.items[0].name == "Office of Child Support Services"


async def test_list_entries_every_entry_has_contacts_and_profile(
    directory: FileDirectorySource,
) -> None:
    # given
    everything = PageRequest(first=1000)

    # when
    page = await directory.list_entries(kind=None, name=None, page=everything)

    # then
    assert page.total == len(page.items)
    for entry in nonempty(page.items, "the directory page"):
        assert 1 <= len(entry.contacts) <= 3, entry.code
        assert 3 <= len(entry.profile) <= 6, entry.code
        assert all(contact.address is not None for contact in entry.contacts), entry.code


def test_get_known_and_unknown_codes(directory: FileDirectorySource) -> None:
    # given
    known, unknown = "36", "99"

    # when
    found = directory.get(known)
    missing = directory.get(unknown)

    # then
    assert found is not None
    assert found.name == "New York"
    assert found.kind == "STATE"
    assert missing is None


async def test_get_many_aligns_results_with_codes(directory: FileDirectorySource) -> None:
    # given
    codes = ["FED", "06", "NOPE", "T0001", "06"]

    # when
    entries = await directory.get_many(codes)

    # then
    assert [entry.code if entry else None for entry in entries] == [
        "FED",
        "06",
        None,
        "T0001",
        "06",
    ]


async def test_list_entries_pagination_walks_every_entry_once_in_order(
    directory: FileDirectorySource,
) -> None:
    # given
    everything = await directory.list_entries(kind=None, name=None, page=PageRequest(first=1000))

    # when
    walked = await _walk(directory, kind=None, name=None, first=7)

    # then
    assert walked == list(everything.keys)
    assert len(walked) == len(set(walked)) == everything.total
    kinds = [entry.kind for entry in everything.items]
    assert kinds == sorted(kinds, key=DIRECTORY_KINDS.index)
    assert walked[0] == "01"
    assert walked[-1] == "FED"


async def test_list_entries_pages_report_total_and_has_next(
    directory: FileDirectorySource,
) -> None:
    # given
    request = PageRequest(first=7)

    # when
    first_page = await directory.list_entries(kind="STATE", name=None, page=request)
    last_page = await directory.list_entries(
        kind="STATE", name=None, page=PageRequest(first=7, after="72")
    )

    # then
    assert len(first_page.items) == 7
    assert first_page.has_next
    assert first_page.total == 54
    assert list(last_page.keys) == ["78"]
    assert not last_page.has_next
    assert last_page.total == 54


async def test_list_entries_name_filter_ignores_case(directory: FileDirectorySource) -> None:
    # given
    name = "NEW"

    # when
    page = await directory.list_entries(kind=None, name=name, page=PageRequest(first=100))

    # then
    assert [entry.name for entry in page.items] == [
        "New Hampshire",
        "New Jersey",
        "New Mexico",
        "New York",
    ]
    assert page.total == 4


async def test_list_entries_kind_and_name_filters_combine(
    directory: FileDirectorySource,
) -> None:
    # given
    kind, name = "TRIBE", "nation"

    # when
    walked = await _walk(directory, kind=kind, name=name, first=2)

    # then
    assert walked
    for code in walked:
        entry = directory.get(code)
        assert entry is not None
        assert entry.kind == "TRIBE"
        assert "nation" in entry.name.lower()


async def test_list_entries_unknown_kind_matches_nothing(
    directory: FileDirectorySource,
) -> None:
    # given
    kind = "PROVINCE"

    # when
    page = await directory.list_entries(kind=kind, name=None, page=PageRequest(first=10))

    # then
    assert list(page.items) == []
    assert not page.has_next
    assert page.total == 0


async def test_list_entries_unknown_cursor_raises(directory: FileDirectorySource) -> None:
    # given
    request = PageRequest(first=5, after="ZZ-not-a-code")

    # when / then
    with pytest.raises(ValueError, match="cursor"):
        await directory.list_entries(kind=None, name=None, page=request)


def test_file_directory_source_duplicate_code_raises(directory: FileDirectorySource) -> None:
    # given
    entries = _some_entries(directory)

    # when / then
    with pytest.raises(ValueError, match="'01'"):
        FileDirectorySource([*entries, entries[0]])


def test_load_directory_invalid_json_raises(tmp_path: Path) -> None:
    # given
    path = tmp_path / "directory.json"
    path.write_text('{"entries": [', encoding="utf-8")

    # when / then
    with pytest.raises(ValueError, match="not valid JSON"):
        load_directory(path)


def test_load_directory_missing_field_names_it(tmp_path: Path) -> None:
    # given
    path = tmp_path / "directory.json"
    entry = {"code": "06", "kind": "STATE", "postal": "CA", "contacts": [], "profile": []}
    path.write_text(json.dumps({"entries": [entry]}), encoding="utf-8")

    # when / then
    with pytest.raises(ValueError, match=r"entries\[0\]\.name"):
        load_directory(path)


def test_load_directory_bad_contact_names_it(tmp_path: Path) -> None:
    # given
    path = tmp_path / "directory.json"
    entry = {
        "code": "06",
        "name": "California",
        "kind": "STATE",
        "postal": "CA",
        "contacts": [{"name": "Avery Example", "title": None, "phone": 5550142, "email": None}],
        "profile": [],
    }
    path.write_text(json.dumps({"entries": [entry]}), encoding="utf-8")

    # when / then
    with pytest.raises(ValueError, match=r"entries\[0\]\.contacts\[0\]\.phone"):
        load_directory(path)


def test_load_directory_unknown_kind_raises(tmp_path: Path) -> None:
    # given
    path = tmp_path / "directory.json"
    entry = {"code": "X1", "name": "Atlantis", "kind": "CITY", "contacts": [], "profile": []}
    path.write_text(json.dumps({"entries": [entry]}), encoding="utf-8")

    # when / then
    with pytest.raises(ValueError, match="kind"):
        load_directory(path)


def test_load_directory_without_entries_list_raises(tmp_path: Path) -> None:
    # given
    path = tmp_path / "directory.json"
    path.write_text(json.dumps([{"code": "06"}]), encoding="utf-8")

    # when / then
    with pytest.raises(ValueError, match="top level"):
        load_directory(path)
