"""The request budget on HTTP: spent before a GraphQL request runs, refused as 429.

A refused request is answered `429 Too Many Requests` with `Retry-After` (whole seconds)
and the contract's error body, whose extensions carry the same `retryAfter` and the
budget's name. The refusal is audited (by `policy.rate_limits`) and the event written
before the answer leaves, as every refusal of the gate is. Searches by identifying data
are counted where they run (the resolvers), against their own budget; a refused one
is that field's error, and the answer then carries `Retry-After` too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

import orjson
from starlette.responses import Response

from policy.audit import AuditLog, write_before_answer
from policy.rate_limits import RateLimited
from resolvers.context import PURPOSE_HEADER
from schema.errors import INTERNAL_MESSAGE
from transport.error_body import JSON, error_response

if TYPE_CHECKING:
    from graphql import GraphQLError
    from starlette.requests import Request

    from datasources.audit import AuditTrail
    from policy.gate import Gate
    from policy.tokens import Viewer

RETRY_AFTER_KEY = "hub.retry_after"
"""Where an answer with a refused search leaves its wait for the `Retry-After` header."""

NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,63}")
"""What an operation name may be (GraphQL's Name, bounded): anything else is not kept."""
FIRST_OPERATION = re.compile(r"\s*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)")


async def refuse_over_budget(
    request: Request, viewer: Viewer, *, gate: Gate, trail: AuditTrail
) -> Response | None:
    """Spend one request of the viewer's budget; the 429 answer when it is spent."""
    audit = AuditLog.for_request(viewer, request.headers.get(PURPOSE_HEADER))
    try:
        await gate.admit_request(viewer, None, audit)
    except RateLimited as refusal:
        _name_operation(audit, await _operation_name(request))
        if not await write_before_answer(trail, audit, withheld="answer"):
            retry = {"Retry-After": str(refusal.retry_after)}
            return error_response(503, INTERNAL_MESSAGE, "INTERNAL_SERVER_ERROR", headers=retry)
        return rate_limited_response(refusal)
    return None


def rate_limited_response(refusal: RateLimited) -> Response:
    """`429` with `Retry-After` and the refusal as the one error of the body."""
    body = orjson.dumps({"errors": [refusal.formatted]})
    headers = {"Retry-After": str(refusal.retry_after)}
    return Response(body, status_code=429, headers=headers, media_type=JSON)


def retry_after_of(errors: Iterable[GraphQLError]) -> int | None:
    """The longest `retryAfter` of an answer's RATE_LIMITED errors; None: there are none."""
    waits = [
        error.original_error.retry_after
        for error in errors
        if isinstance(error.original_error, RateLimited)
    ]
    waits += [error.retry_after for error in errors if isinstance(error, RateLimited)]
    return max(waits) if waits else None


def _name_operation(audit: AuditLog, name: str | None) -> None:
    """Name the refusal's event after the operation asked for (read only for a refusal)."""
    if name is not None:
        audit.drafts = [replace(draft, operation=name) for draft in audit.drafts]


async def _operation_name(request: Request) -> str | None:
    """The request's `operationName`, when it is a well-formed name (only for the audit)."""
    fields: object = request.query_params
    if request.method == "POST":
        try:
            fields = orjson.loads(await request.body())
        except orjson.JSONDecodeError:
            return None
    if not isinstance(fields, Mapping):
        return None
    name, query = fields.get("operationName"), fields.get("query")
    if name is None and isinstance(query, str):  # the document's first operation, by its name
        named = FIRST_OPERATION.match(query)
        name = named.group(1) if named else None
    return well_formed_name(name)


def well_formed_name(name: object) -> str | None:
    """`name` when it is a GraphQL operation name of at most 64 characters, else None."""
    return name if isinstance(name, str) and NAME.fullmatch(name) else None
