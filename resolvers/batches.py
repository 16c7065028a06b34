"""Fields resolved for many parents in one call: a compiled plan's level, one batch each.

Each entry names a field by its coordinate and the function that answers it for a list
of parents, aligned with them; the field's own resolver is that function asked for one
parent, so both execution paths run the same code. An entry may answer a `HubError` in
a parent's place: that parent's field is the error, as it would have raised.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

from resolvers import cases, employers, participants

Batch = Callable[[Sequence[Any], Any], Awaitable[Sequence[object]]]

BATCHES: Mapping[str, Batch] = MappingProxyType(
    {
        "Case.participants": cases.participants_of_cases,
        "CaseParticipant.participant": participants.participants_of,
        "MisidentifiedSsn.participant": participants.participants_of,
        "Participant.cases": participants.cases_of,
        "Participant.employment": participants.employment_of,
        "Participant.offsetCertifications": participants.certifications_of,
        "NewHire.employer": employers.employers_of,
        "QuarterlyWage.employer": employers.employers_of,
        "TerminationNotice.employer": employers.employers_of,
    }
)

__all__ = ["BATCHES", "Batch"]
