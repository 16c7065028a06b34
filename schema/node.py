"""`node(id:)`: any object with a global id."""

from __future__ import annotations

import strawberry

from resolvers import nodes as resolve
from resolvers.context import Context
from schema.case import Case
from schema.directory import DirectoryEntry
from schema.document import Document
from schema.employer import Employer
from schema.notice import build_notice
from schema.offset import OffsetCertification
from schema.participant import build_participant
from schema.relay import Node

_BUILDERS = {
    "Case": Case.from_record,
    "Employer": Employer.from_record,
    "OffsetCertification": OffsetCertification.from_record,
    "DirectoryEntry": DirectoryEntry.from_record,
    "Document": Document.from_record,
}


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Any object by its global id.")
    async def node(self, info: strawberry.Info[Context, None], id: strawberry.ID) -> Node | None:
        type_name, record = await resolve.resolve_node(info, id)
        if record is None:
            return None
        if type_name == "Participant":
            return await build_participant(info, record)  # type: ignore[arg-type]
        if type_name == "TerminationNotice":
            return await build_notice(info, record)  # type: ignore[arg-type]
        node: Node = _BUILDERS[type_name](record)  # type: ignore[operator]
        return node
