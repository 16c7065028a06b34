"""Finding any node by its global id: the record through its type's loader, as its view.

Every Node type of the schema is here (tests/resolvers/test_nodes.py checks each against
the served schema), so `node(id:)` answers whatever `id` any node carries.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from strawberry import Info

from datasources.keyset import int_key
from resolvers.context import Context
from resolvers.ids import decode_global_id
from resolvers.notices import build_notice, load_notice
from resolvers.participants import build_participant
from resolvers.views import (
    CaseView,
    CertificationView,
    DirectoryEntryView,
    DocumentView,
    EmployerView,
    NoticeView,
    ParticipantView,
    case_view,
    certification_view,
    directory_entry_view,
    document_view,
    employer_view,
)

NodeView = (
    ParticipantView
    | CaseView
    | EmployerView
    | CertificationView
    | DirectoryEntryView
    | DocumentView
    | NoticeView
)
_Find = Callable[[Info[Context, None], int], Awaitable[NodeView | None]]


async def _participant(info: Info[Context, None], key: int) -> ParticipantView | None:
    found = await info.context.loaders.participant_by_id.load(key)
    return await build_participant(info, found) if found else None


async def _case(info: Info[Context, None], key: int) -> CaseView | None:
    found = await info.context.loaders.case_by_id.load(key)
    return case_view(found) if found else None


async def _employer(info: Info[Context, None], key: int) -> EmployerView | None:
    found = await info.context.loaders.employer_by_id.load(key)
    return employer_view(found) if found else None


async def _certification(info: Info[Context, None], key: int) -> CertificationView | None:
    found = await info.context.loaders.certification_by_id.load(key)
    return certification_view(found) if found else None


async def _document(info: Info[Context, None], key: int) -> DocumentView | None:
    found = await info.context.loaders.document_by_id.load(key)
    return document_view(found) if found else None


async def _notice(info: Info[Context, None], key: int) -> NoticeView | None:
    found = await load_notice(info, key)
    return await build_notice(info, found) if found else None


INT_KEYED: dict[str, _Find] = {
    "Participant": _participant,
    "Case": _case,
    "Employer": _employer,
    "OffsetCertification": _certification,
    "Document": _document,
    "TerminationNotice": _notice,
}
NODE_TYPES = frozenset({*INT_KEYED, "DirectoryEntry"})
"""The GraphQL type name of every node `node(id:)` finds."""


async def resolve_node(info: Info[Context, None], id: str) -> NodeView | None:
    """The node of a global id; None when nothing has that id.

    An id that names no record is refused as a record of its type unrelated to the viewer
    would be (FORBIDDEN, NOT_FOUND...), so that a refusal does not tell which ids exist.
    """
    type_name, node = await _find(info, id)
    if node is None:
        info.context.gate.refuse_missing_node(info.context.viewer, type_name)
    return node


async def _find(info: Info[Context, None], id: str) -> tuple[str, NodeView | None]:
    type_name, key = decode_global_id(id)
    if type_name == "DirectoryEntry":
        entry = info.context.sources.directory.get(key)
        return type_name, directory_entry_view(entry) if entry else None
    find = INT_KEYED.get(type_name)
    number = int_key(key)
    if find is None or number is None:
        return type_name, None
    return type_name, await find(info, number)
