"""GraphQL over WebSocket (graphql-transport-ws): who the subscriber is, and for how long.

The token comes in `connection_init`; a bad or missing one closes with 4401, a role the
policy does not let subscribe with 4403, and no `connection_init` in time with 4408.
The token is checked by `policy.tokens.authenticate`, as on HTTP. The socket is closed
when the token expires. Audit events of each result are written before that result is
sent (`policy.audit.write_before_answer`); a `next` whose events cannot be written
carries an internal error instead of its data.

Each `subscribe` runs with a context of its own (`build_operation_context`): the
connection's viewer, fresh loaders and audit log, renewed again for each result of a
subscription. A frame that is not a protocol message (not a JSON object, an unknown
`type`, a `subscribe` whose fields have the wrong types) closes the socket with 4400,
as the protocol and its reference server do, with a fixed reason that repeats nothing
the client sent. Errors of an operation (a syntax error, an unknown operation, too many
operations) answer an `error` message whose every entry carries a contract code; nothing
a client sends leaves more than an error type in the log.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any, cast

from graphql import GraphQLError
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.types.execution import ExecutionResult, PreExecutionError
from strawberry.utils.aio import aclosing

from policy.audit import AuditLog, write_before_answer
from policy.rate_limits import RateLimited
from policy.tokens import TokenRefused, Viewer, authenticate
from resolvers.context import Context, build_operation_context, renew_for_next_result
from schema.errors import INTERNAL_MESSAGE
from telemetry.metrics import SUBSCRIPTIONS_OPEN
from transport.draining import GOING_AWAY, GOING_AWAY_REASON
from transport.graphql_refusals import Refusal
from transport.rate_limited import well_formed_name
from transport.ws_connections import (
    TOO_MANY_CONNECTIONS,
    TOO_MANY_CONNECTIONS_REASON,
    Seat,
)

if TYPE_CHECKING:
    from strawberry.schema.schema import StreamResult
    from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
        ConnectionInitMessage,
        Message,
        SubscribeMessage,
    )

    from transport.graphql_http import HubGraphQL

logger = logging.getLogger("hub.websocket")
# the one subscription the schema serves; its rules are in policy.registry.SUBSCRIPTIONS
SUBSCRIPTION = "Subscription.terminationNotices"

ANONYMOUS = Viewer(
    subject="anonymous", role="", jurisdiction=None, fein=None, fti=False, expires_at=0
)

MESSAGE_TYPES = frozenset({"connection_init", "ping", "pong", "subscribe", "complete"})
"""What a client may send (graphql-transport-ws)."""


def _authorization(payload: dict[str, Any]) -> str | None:
    value = payload.get("authorization") or payload.get("Authorization")
    return value if isinstance(value, str) else None


def _error(message: str, code: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


def _untrusted(view: object, query: str) -> GraphQLError | None:
    """The refusal of a text outside the trusted documents (`transport.persisted_documents`)."""
    try:
        cast("HubGraphQL", view).persisted.check_text(query)
    except Refusal as refused:
        return _error(refused.reason, refused.code)
    return None


def _is_subscribe_message(message: dict[str, object]) -> bool:
    """Whether a `subscribe` has the protocol's shape (as graphql-ws's server checks it)."""
    payload = message.get("payload")
    operation_id = message.get("id")
    return (
        isinstance(operation_id, str)
        and bool(operation_id)
        and isinstance(payload, dict)
        and isinstance(payload.get("query"), str)
        and isinstance(payload.get("variables"), dict | None)
        and isinstance(payload.get("operationName"), str | None)
        and isinstance(payload.get("extensions"), dict | None)
    )


def _is_well_formed(message: object) -> bool:
    if not isinstance(message, dict):
        return False
    kind = message.get("type")
    if not isinstance(kind, str) or kind not in MESSAGE_TYPES:
        return False
    if message["type"] == "subscribe":
        return _is_subscribe_message(message)
    if message["type"] == "complete":
        return isinstance(message.get("id"), str)
    return True


class HubTransportWsHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """The protocol handler with the hub's authentication, expiry, contexts and audit."""

    _expiry: asyncio.TimerHandle | None = None
    _seat: Seat | None = None
    _contexts: dict[str, Context]

    async def handle(self) -> None:
        draining = cast("HubGraphQL", self.view).draining
        if not draining.track(self):  # accepted while the process stops: go elsewhere
            await self.close_going_away()
            return
        connections = cast("HubGraphQL", self.view).connections
        seat = connections.admit()
        if seat is None:
            draining.forget(self)
            await self.websocket.close(TOO_MANY_CONNECTIONS, TOO_MANY_CONNECTIONS_REASON)
            return
        self._seat = seat
        try:
            await super().handle()
        finally:  # however the connection ended
            seat.release()
            draining.forget(self)

    async def close_going_away(self) -> None:
        """Close with 1001: the process is stopping (`transport.draining`)."""
        await self.websocket.close(code=GOING_AWAY, reason=GOING_AWAY_REASON)

    def on_request_accepted(self) -> None:
        self._contexts = {}
        super().on_request_accepted()

    async def handle_message(self, message: Message) -> None:
        if not _is_well_formed(message):
            await self.handle_invalid_message("Invalid message")
            return
        try:
            await super().handle_message(message)
        except WebSocketDisconnected:
            raise
        except Exception as error:  # a bug of ours: a type in the log, the socket closed
            logger.error("WebSocket message not handled (%s)", type(error).__name__)
            await self.websocket.close(code=1011, reason=INTERNAL_MESSAGE)

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        payload = message.get("payload") or {}
        context = self.context
        authorization = _authorization(payload) if isinstance(payload, dict) else None
        try:
            viewer = await authenticate(
                authorization, context.settings.token, context.sources.identity_keys
            )
        except TokenRefused:
            await self.websocket.close(code=4401, reason="Unauthorized")
            return
        if not context.gate.may_subscribe(viewer, SUBSCRIPTION):
            await self.websocket.close(code=4403, reason="Forbidden")
            return
        if self._seat is not None and not self._seat.sign_in(viewer.subject):
            await self.websocket.close(TOO_MANY_CONNECTIONS, TOO_MANY_CONNECTIONS_REASON)
            return
        context.viewer = viewer
        context.audit = AuditLog.for_request(viewer, None)
        self._close_at_expiry(viewer)
        await super().handle_connection_init(message)

    def _close_at_expiry(self, viewer: Viewer) -> None:
        delay = max(0.0, viewer.expires_at - time.time())
        loop = asyncio.get_running_loop()
        self._expiry = loop.call_later(delay, lambda: loop.create_task(self._expire()))

    async def _expire(self) -> None:
        await self.websocket.close(code=4401, reason="Token expired")

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        if not self.connection_acknowledged:
            await self.websocket.close(code=4401, reason="Unauthorized")
            return
        operation_id = message["id"]
        if operation_id in self.operations:
            await self.websocket.close(code=4409, reason="Subscriber for this id already exists")
            return
        limit = self.max_subscriptions_per_connection
        if limit is not None and len(self.operations) >= limit:
            refusal = _error(f"At most {limit} operations at once per connection", "RATE_LIMITED")
            await self.send_message(
                {"id": operation_id, "type": "error", "payload": [refusal.formatted]}
            )
            return
        payload = message["payload"]
        if not payload["query"].strip():
            refusal = _error("No GraphQL query found in the subscribe message", "BAD_USER_INPUT")
            await self.send_message(
                {"id": operation_id, "type": "error", "payload": [refusal.formatted]}
            )
            return
        untrusted = _untrusted(self.view, payload["query"])
        if untrusted is not None:
            await self.send_message(
                {"id": operation_id, "type": "error", "payload": [untrusted.formatted]}
            )
            return
        operation = Operation(
            self,
            operation_id,
            payload["query"],
            payload.get("variables"),
            payload.get("operationName"),
        )
        context = build_operation_context(self.context)
        name = well_formed_name(operation.operation_name)
        if not await self._within_budget(operation_id, context, name):
            return
        self._contexts[operation_id] = context
        operation.task = asyncio.create_task(self.run_operation(operation))
        operation.task.add_done_callback(self._task_done)
        self.operations[operation_id] = operation

    async def _within_budget(
        self, operation_id: str, context: Context, operation_name: str | None
    ) -> bool:
        """Spend one request of the viewer's budget; else answer `error` (audited) and False."""
        try:
            await context.gate.admit_request(context.viewer, operation_name, context.audit)
        except RateLimited as refusal:
            if await write_before_answer(context.sources.audit, context.audit, withheld="result"):
                payload = [refusal.formatted]
            else:
                payload = [_error(INTERNAL_MESSAGE, "INTERNAL_SERVER_ERROR").formatted]
            await self.send_message({"id": operation_id, "type": "error", "payload": payload})
            return False
        return True

    async def run_operation(self, operation: Operation[Context, None]) -> None:
        """Run one operation in its own context; every failure is an `error` with a code."""
        context = self._contexts[operation.id]
        SUBSCRIPTIONS_OPEN.inc()
        try:
            results = await self.schema.stream(
                operation.query,
                variable_values=operation.variables,
                context_value=context,
                root_value=self.root_value,
                operation_name=operation.operation_name,
            )
            async with aclosing(results):
                await self._send_results(operation, context, results)
            await operation.send_operation_message({"id": operation.id, "type": "complete"})
        except WebSocketDisconnected:
            pass
        except GraphQLError as error:  # raised before execution: a syntax error, no operation
            self.schema.process_errors([error])
            await self._send_errors(operation, [error])
        except Exception as error:  # a bug of ours: the type in the log, a code to the client
            logger.error("WebSocket operation failed (%s)", type(error).__name__)
            await self._send_errors(operation, [_error(INTERNAL_MESSAGE, "INTERNAL_SERVER_ERROR")])
        finally:
            SUBSCRIPTIONS_OPEN.dec()
            self._contexts.pop(operation.id, None)

    async def _send_results(
        self, operation: Operation[Context, None], context: Context, results: StreamResult
    ) -> None:
        first = True
        async for result in results:
            if first and isinstance(result, PreExecutionError):
                await operation.send_initial_errors(result.errors or [])
                return
            if not isinstance(result, ExecutionResult):
                refusal = _error(
                    "@defer and @stream are not served over WebSocket", "BAD_USER_INPUT"
                )
                await operation.send_initial_errors([refusal])
                return
            await operation.send_next(result)
            renew_for_next_result(context)
            first = False

    async def _send_errors(
        self, operation: Operation[Context, None], errors: list[GraphQLError]
    ) -> None:
        if operation.id in self.operations:
            try:
                await operation.send_initial_errors(errors)
            except WebSocketDisconnected:
                pass

    async def send_message(self, message: Message) -> None:
        if message.get("type") in ("next", "error") and not await self._flush_audit(message):
            if message["type"] == "next":
                refusal = _error(INTERNAL_MESSAGE, "INTERNAL_SERVER_ERROR")
                message = {**message, "payload": {"data": None, "errors": [refusal.formatted]}}
        await super().send_message(message)

    async def _flush_audit(self, message: Message) -> bool:
        """Write what this result read before it leaves; False when that failed."""
        context = self._contexts.get(str(message.get("id")))
        if context is None:
            return True
        return await write_before_answer(context.sources.audit, context.audit, withheld="result")

    async def cleanup_operation(self, operation_id: str) -> None:
        # also for an operation cancelled before its task ran (and so before its `finally`)
        self._contexts.pop(operation_id, None)
        await super().cleanup_operation(operation_id)

    async def shutdown(self) -> None:
        if self._expiry is not None:
            self._expiry.cancel()
        await super().shutdown()
