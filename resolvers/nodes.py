"""Finding any node by its global id, through the loader of its type."""

from __future__ import annotations

from strawberry import Info

from datasources.keyset import int_key
from resolvers.context import Context
from resolvers.ids import decode_global_id
from resolvers.notices import load_notice

# Termination notices are read by `resolvers.notices.load_notice` (no loader of their own).
_INT_KEYED = {
    "Participant": "participant_by_id",
    "Case": "case_by_id",
    "Employer": "employer_by_id",
    "OffsetCertification": "certification_by_id",
    "Document": "document_by_id",
}


async def resolve_node(info: Info[Context, None], id: str) -> tuple[str, object | None]:
    """The type name and record of a node id; None as record when nothing has that id.

    An id that names no record is refused as a record of its type unrelated to the viewer
    would be (FORBIDDEN, NOT_FOUND...), so that a refusal does not tell which ids exist.
    """
    type_name, record = await _find(info, id)
    if record is None:
        info.context.gate.refuse_missing_node(info.context.viewer, type_name)
    return type_name, record


async def _find(info: Info[Context, None], id: str) -> tuple[str, object | None]:
    type_name, key = decode_global_id(id)
    if type_name == "DirectoryEntry":
        return type_name, info.context.sources.directory.get(key)
    loader_name = _INT_KEYED.get(type_name)
    number = int_key(key)
    if type_name == "TerminationNotice" and number is not None:
        return type_name, await load_notice(info, number)
    if loader_name is None or number is None:
        return type_name, None
    loader = getattr(info.context.loaders, loader_name)
    return type_name, await loader.load(number)
