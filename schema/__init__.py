"""The hub's one schema, composed of every domain's root fields."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaxTokensLimiter
from strawberry.schema.config import StrawberryConfig
from strawberry.types.execution import ExecutionContext

from schema.address import Address
from schema.audit import AuditQuery
from schema.caches import ParserCacheOffLoop, ValidationCacheOffLoop
from schema.case import CaseQuery
from schema.case_graph import (
    Case,
    CaseParticipant,
    Document,
    MisidentifiedSsn,
    OffsetCertification,
    Participant,
)
from schema.directory import DirectoryQuery
from schema.document import DocumentMutation, DocumentPayload, DocumentQuery
from schema.employer import EmployerQuery, NewHire, QuarterlyWage
from schema.errors import label_errors
from schema.guard import apply_guards
from schema.input_limits import apply_input_limits
from schema.limits import MAX_TOKENS, DocumentShapes, OperationLimits
from schema.node import NodeQuery
from schema.notice import (
    NoticeMutation,
    NoticeQuery,
    NoticeSubscription,
    ReportTerminationPayload,
    TerminationNotice,
)
from schema.offset import OffsetCertificationPayload, OffsetMutation, OffsetQuery
from schema.operation_choice import OperationChoice
from schema.participant import MisidentifiedSsnMutation, ParticipantQuery
from schema.policy_extensions import AuditTrailWriter, IntrospectionPolicy
from schema.quick import CaseFinancials
from schema.scalars import SCALAR_MAP
from schema.value_errors import SafeValueMessages
from schema.viewer import ViewerQuery


@strawberry.type(description="Everything the hub federates, read through one schema.")
class Query(
    NodeQuery,
    ViewerQuery,
    ParticipantQuery,
    CaseQuery,
    EmployerQuery,
    OffsetQuery,
    DocumentQuery,
    DirectoryQuery,
    NoticeQuery,
    AuditQuery,
):
    pass


@strawberry.type(description="Changes, each answered with a payload and its user errors.")
class Mutation(MisidentifiedSsnMutation, OffsetMutation, DocumentMutation, NoticeMutation):
    pass


@strawberry.type(description="Live events.")
class Subscription(NoticeSubscription):
    pass


GUARDED = apply_guards(
    [
        Query,
        Participant,
        CaseParticipant,
        MisidentifiedSsn,
        Case,
        OffsetCertification,
        NewHire,
        QuarterlyWage,
        Address,
        Document,
        TerminationNotice,
        OffsetCertificationPayload,
        DocumentPayload,
        CaseFinancials,
        ReportTerminationPayload,
    ]
)
apply_input_limits([("Query", Query), ("Mutation", Mutation)])


class HubSchema(strawberry.Schema):
    hide_suggestions = False

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        label_errors(errors, execution_context, hide_suggestions=self.hide_suggestions)


def build_schema(*, max_depth: int = 12, hide_suggestions: bool = False) -> HubSchema:
    """The schema with cached parsing and validation, depth limit and error codes."""
    # depth, aliases, expansion and cost are measured once per document (schema/limits.py)
    # before parsing, validation and execution: listed before the caches, as hooks run in
    # the order of this list. No rule class is added per request: the validation cache
    # keys on the rules, so a fresh one would make every lookup a miss. Large documents
    # are parsed and validated off the event loop (schema/caches.py).
    shapes = DocumentShapes(max_depth=max_depth)
    extensions: list[Any] = [
        lambda: MaxTokensLimiter(MAX_TOKENS),
        lambda: OperationLimits(shapes),
        lambda: ParserCacheOffLoop(maxsize=512),
        OperationChoice,
        SafeValueMessages,
        lambda: ValidationCacheOffLoop(maxsize=512),
        IntrospectionPolicy,
        AuditTrailWriter,
    ]
    built = HubSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        config=StrawberryConfig(scalar_map=SCALAR_MAP),
    )
    built.hide_suggestions = hide_suggestions
    return built


schema = build_schema()
