"""The contract's refusal: the error the gate raises, its code and its safe message.

A record the viewer may not see and a key that names no record must get the same
answer: otherwise "FORBIDDEN" for one and "null" for the other tells the viewer which
keys exist (another employer's FEIN, another state's certification id). The gate
(`policy.gate`) decides which; this module only says what a refusal looks like.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError

MESSAGES = {
    "FORBIDDEN": "not allowed for this viewer",
    "FTI_RESTRICTED": "Federal Tax Information needs FTI clearance",
    "FVI_PROTECTED": "disclosure prohibited: family violence indicator",
    "NOT_FOUND": "not found",
}


def message_of(code: str) -> str:
    """The safe message of a refusal with this contract code."""
    return MESSAGES.get(code, MESSAGES["FORBIDDEN"])


class HubError(GraphQLError):
    """An error whose message is safe to show; never put a PII or FTI value in it.

    It lives here, below the resolvers, because the gate raises one (`Refused`) and
    `schema.errors` tells the hub's own errors from bugs by this class.
    """

    code = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message, extensions={"code": self.code, **extensions})


class Refused(HubError):
    """Policy refused a value; the code is the policy line's (FORBIDDEN, FTI_RESTRICTED...)."""

    def __init__(self, code: str, message: str | None = None) -> None:
        self.code = code
        super().__init__(message or message_of(code))
