"""GraphQL over WebSocket (graphql-transport-ws): who the subscriber is, and for how long.

The token comes in `connection_init`; a bad or missing one closes with 4401, a role the
policy does not let subscribe with 4403, and no `connection_init` in time with 4408.
The socket is closed when the token expires. Audit events of each result are written
before that result is sent.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import ConnectionInitMessage

from policy.audit import AuditLog
from policy.tokens import TokenRefused, Viewer, bearer_token, verify_token
from policy.vocabulary import Action, Outcome, Relation, Resource
from resolvers.context import Context
from schema.errors import INTERNAL_MESSAGE

logger = logging.getLogger("hub.websocket")

ANONYMOUS = Viewer(
    subject="anonymous", role="", jurisdiction=None, fein=None, fti=False, expires_at=0
)


def _authorization(payload: dict[str, Any]) -> str | None:
    value = payload.get("authorization") or payload.get("Authorization")
    return value if isinstance(value, str) else None


class HubTransportWsHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """The protocol handler with the hub's authentication, expiry and audit."""

    _expiry: asyncio.TimerHandle | None = None

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        payload = message.get("payload") or {}
        context = self.context
        try:
            token = bearer_token(_authorization(payload) if isinstance(payload, dict) else None)
            viewer = verify_token(token, context.settings.token)
        except TokenRefused:
            await self.websocket.close(code=4401, reason="Unauthorized")
            return
        decision = context.decider.decide(
            viewer.role, viewer.fti, Relation.ANY, Resource.NOTICE_SUBSCRIPTION, Action.READ
        )
        if decision.outcome is not Outcome.ALLOW:
            await self.websocket.close(code=4403, reason="Forbidden")
            return
        context.viewer = viewer
        context.audit = AuditLog(viewer=viewer)
        self._close_at_expiry(viewer)
        await super().handle_connection_init(message)

    def _close_at_expiry(self, viewer: Viewer) -> None:
        delay = max(0.0, viewer.expires_at - time.time())
        loop = asyncio.get_running_loop()
        self._expiry = loop.call_later(delay, lambda: loop.create_task(self._expire()))

    async def _expire(self) -> None:
        await self.websocket.close(code=4401, reason="Token expired")

    async def send_message(self, message: Any) -> None:
        if message.get("type") == "next" and not await self._flush_audit():
            message = {
                **message,
                "payload": {
                    "data": None,
                    "errors": [
                        {
                            "message": INTERNAL_MESSAGE,
                            "extensions": {"code": "INTERNAL_SERVER_ERROR"},
                        }
                    ],
                },
            }
        await super().send_message(message)

    async def _flush_audit(self) -> bool:
        """Write what this result read before it leaves; False when that failed."""
        audit = self.context.audit
        drafts, audit.drafts = audit.drafts, []
        if not drafts:
            return True
        try:
            await self.context.sources.audit.append_many(drafts)
        except Exception as error:  # fail closed: the result is withheld
            logger.error("audit events not written (%s): result withheld", type(error).__name__)
            return False
        return True

    async def shutdown(self) -> None:
        if self._expiry is not None:
            self._expiry.cancel()
        await super().shutdown()
