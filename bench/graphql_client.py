"""One keep-alive httpx client posting GraphQL to the live hub, with role tokens."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from policy.tokens import issue_token
from settings import TokenSettings


class UnexpectedAnswer(RuntimeError):
    """The hub answered with a non-200 status or without data."""


@dataclass(frozen=True)
class Persona:
    """Who a request is sent as."""

    name: str
    role: str
    jurisdiction: str | None
    fti: bool

    def header(self, settings: TokenSettings) -> dict[str, str]:
        token = issue_token(settings, role=self.role, jurisdiction=self.jurisdiction, fti=self.fti)
        return {"Authorization": f"Bearer {token}"}


STATE_WORKER = Persona("state_worker 06 (fti)", "state_worker", "06", True)
OCSS_STAFF = Persona("ocss_staff (fti)", "ocss_staff", "FED", True)


@dataclass
class GraphQLClient:
    """Posts documents as personas; counts the error codes answers carried."""

    http: httpx.AsyncClient
    settings: TokenSettings
    error_codes: Counter[str] = field(default_factory=Counter)
    _headers: dict[str, dict[str, str]] = field(default_factory=dict)

    def headers(self, persona: Persona) -> dict[str, str]:
        if persona.name not in self._headers:
            self._headers[persona.name] = persona.header(self.settings)
        return self._headers[persona.name]

    async def post(
        self, persona: Persona, query: str, variables: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        body = {"query": query, "variables": variables or {}}
        response = await self.http.post("/graphql", json=body, headers=self.headers(persona))
        if response.status_code != 200:
            raise UnexpectedAnswer(f"HTTP {response.status_code}: {response.text[:300]}")
        answer: dict[str, Any] = response.json()
        for error in answer.get("errors") or []:
            self.error_codes[str(error.get("extensions", {}).get("code"))] += 1
        if answer.get("data") is None:
            raise UnexpectedAnswer(f"no data: {str(answer)[:300]}")
        return answer
