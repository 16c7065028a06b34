"""The Intergovernmental Reference Guide (IRG): who to contact in each IV-D jurisdiction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from datasources.addresses import ContactRecord
from datasources.pages import Page, PageRequest

DIRECTORY_KINDS: tuple[str, ...] = ("STATE", "TRIBE", "COUNTRY", "FEDERAL")
"""Every entry kind, in the order the directory lists them."""


@dataclass(frozen=True)
class ProfileAnswerRecord:
    topic: str
    question: str
    answer: str


@dataclass(frozen=True)
class DirectoryEntryRecord:
    code: str
    name: str
    kind: str
    postal: str | None
    contacts: tuple[ContactRecord, ...]
    profile: tuple[ProfileAnswerRecord, ...]


class DirectorySource(Protocol):
    """The IRG directory of states, tribes, countries and the federal office.

    Entries are keyed by `code`: the two-digit FIPS code of a state, "T" and four digits
    for a tribe, the ISO 3166-1 alpha-2 code of a country, and "FED" for OCSS. Lists are
    ordered by kind (STATE, TRIBE, COUNTRY, FEDERAL, as in `DIRECTORY_KINDS`) and then by
    code. A code the directory does not know yields None, never an error.
    """

    async def get_many(self, codes: Sequence[str]) -> Sequence[DirectoryEntryRecord | None]:
        """Look up several entries at once.

        Args:
            codes: Entry codes, in any order, repeats allowed.

        Returns:
            One item per code, in the order of `codes`: the entry, or None for an unknown code.
        """
        ...

    def get(self, code: str) -> DirectoryEntryRecord | None:
        """Look up one entry; synchronous because the directory is held in memory.

        Args:
            code: The entry code.

        Returns:
            The entry, or None if no entry has that code.
        """
        ...

    async def list_entries(
        self, *, kind: str | None, name: str | None, page: PageRequest
    ) -> Page[DirectoryEntryRecord]:
        """List entries ordered by kind (STATE, TRIBE, COUNTRY, FEDERAL) and then by code.

        Args:
            kind: Keep only entries of this kind; None keeps all kinds.
            name: Keep only entries whose name contains this text, ignoring case; None keeps
                all names.
            page: `first` is how many entries to return; `after` is the key (the code) of the
                last entry already seen, or None to start from the beginning.

        Returns:
            The page of matching entries with each entry's code as its key, whether more
            matching entries follow, and how many entries match in all (on every page).

        Raises:
            ValueError: If `page.first` is negative or `page.after` is not a known code.
        """
        ...
