"""The two operations the hub and its peers are measured and compared on (issue 10).

The compiled path's tests use these same documents: change them here, not in a copy.
"""

from __future__ import annotations

import re
from typing import Final

CASE_LIST: Final = """query CaseList($first: Int!) {
  cases(first: $first) {
    edges { node {
      id stateCaseId caseType status openedOn
      participants { role participant {
        id firstName lastName ssn
        employment { hireDate employer { id fein name } }
        offsetCertifications { id caseType arrearsAmount certifiedOn passportStatus }
      } }
    } }
  }
}
"""
CASE_LIST_FIRST: Final = 50

ONE_CASE: Final = """query OneCase($id: ID!) {
  case(id: $id) {
    id stateCaseId caseType status openedOn
    participants { role participant { id firstName lastName ssn dateOfBirth } }
  }
}
"""

# Cases and who holds them, to pick ONE_CASE's case: held by another state, 2+ people.
CASE_HOLDERS: Final = """query CaseHolders($first: Int!) {
  cases(first: $first) { edges { node { id state { code } participants { role } } } }
}
"""


def field_location(document: str, field: str) -> tuple[int, int]:
    """The 1-based (line, column) of `field`'s one selection in `document`, as errors carry it."""
    word = re.compile(rf"(?<![A-Za-z0-9_]){re.escape(field)}(?![A-Za-z0-9_])")
    for number, line in enumerate(document.splitlines(), start=1):
        if found := word.search(line):
            return number, found.start() + 1
    raise ValueError(f"{field} is not selected in the document")
