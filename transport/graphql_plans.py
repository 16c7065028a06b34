"""Serving a request through a compiled plan (`plans/`), or leaving it to the standard path.

Only what the standard path would certainly answer as a plain JSON query is tried: a POST
whose body is a JSON object with a `query`, optional `variables` and `operationName`,
no `extensions` but a persisted query's hash (`transport.persisted_documents.inline` puts
the document's text in its place), under `application/json`. The key is the document,
the operation, the viewer's role and clearance; the first time a key is seen, the
standard path answers and the plan is compiled after it (`learn`). A plan that declines
at run time leaves no trace: its audit events are dropped with its context, and the
standard path runs anew.
"""

from __future__ import annotations

import logging

import orjson
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response

from datasources.sources import Sources
from plans.answer_order import in_answer_order
from plans.cache import PlanCache, PlanKey
from plans.execution import Declined, run_plan
from policy.audit import write_before_answer
from policy.gate import Gate
from policy.tokens import Viewer
from resolvers.context import build_context
from schema.errors import INTERNAL_MESSAGE, label_errors
from settings import Settings
from telemetry.requests import error_codes, note_codes, note_operation
from transport.media_types import response_media_type
from transport.persisted_documents import PersistedDocuments
from transport.rate_limited import retry_after_of
from transport.request_json import decode_request_json

logger = logging.getLogger("hub.plans")


def plan_key(body: object, viewer: Viewer) -> PlanKey | None:
    """The plan key of a decoded request body, when plans may answer it."""
    if not isinstance(body, dict) or body.keys() - {"query", "variables", "operationName"}:
        return None
    query, variables, name = body.get("query"), body.get("variables"), body.get("operationName")
    if not isinstance(query, str) or not isinstance(name, str | None):
        return None
    if not isinstance(variables, dict | None):
        return None
    return (query, name, viewer.role, viewer.fti)


def _is_json(request: Request) -> bool:
    content_type = request.headers.get("content-type", "")
    return content_type.split(";", 1)[0].strip() == "application/json"


class PlannedHttp:
    """The plan side of the GraphQL endpoint."""

    def __init__(
        self,
        plans: PlanCache,
        *,
        sources: Sources,
        settings: Settings,
        gate: Gate,
        persisted: PersistedDocuments,
    ):
        self.plans = plans
        self.persisted = persisted
        self.sources = sources
        self.settings = settings
        self.gate = gate

    async def answer(self, request: Request, viewer: Viewer) -> Response | None:
        """The planned answer, or None for the standard path to answer."""
        if request.method != "POST" or not _is_json(request):
            return None
        try:
            body = decode_request_json(await request.body())
        except Exception:  # the standard path refuses it in its own words
            return None
        inlined = await self.persisted.inline(body)
        if inlined is None:
            return None
        body = inlined
        key = plan_key(body, viewer)
        plan = self.plans.get(key) if key is not None else None
        if plan is None or key is None:
            return None
        self.persisted.check_text(
            str(body["query"])
        )  # counted under `log`, as by the standard path
        variables = body.get("variables")
        note_operation(key[1], key[0])
        context = build_context(
            request, viewer, sources=self.sources, settings=self.settings, gate=self.gate
        )
        try:
            answer = await run_plan(plan, context, variables)  # type: ignore[arg-type]
        except Declined as declined:
            self.plans.stats.fallback += 1
            logger.debug("plan declined (%s)", declined)
            return None
        self.plans.stats.served += 1
        if await write_before_answer(self.sources.audit, context.audit, withheld="answer"):
            data: object = answer.data
            errors = in_answer_order(answer.errors, answer.data)
        else:
            data = None
            errors = [GraphQLError(INTERNAL_MESSAGE, extensions={"code": "INTERNAL_SERVER_ERROR"})]
        label_errors(errors, None)
        note_codes(error_codes(errors))
        payload: dict[str, object] = {"data": data}
        if errors:
            payload["errors"] = [error.formatted for error in errors]
        media_type = response_media_type(request.headers.get("accept"))
        retry_after = retry_after_of(errors)  # a search refused by its budget
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
        return Response(
            orjson.dumps(payload), status_code=200, media_type=media_type, headers=headers
        )


__all__ = ["PlannedHttp", "plan_key"]
