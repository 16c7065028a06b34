"""The simulator's HTTP face: every jurisdiction's case query, plus switches and health.

- `POST /states/{code}/cases/query` `{"caseIds": [...]}` -> 200 in the wire format of
  `datasources.state_system_wire` (unknown case ids left out); 404 for an unknown
  jurisdiction, 400 for a malformed request. Depending on the code's mode: `slow` stalls
  (until the client gives up or `slow_seconds` pass), `fail` answers 503, `garbage` a 200
  whose body breaks the format.
- `POST /control` `{"code": "36", "mode": "slow"|"fail"|"garbage"|"ok"}` switches a code.
- `GET /healthz` -> `{"status": "ok", "modes": {code: mode}}` (switched codes only).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import random
from collections.abc import Mapping
from datetime import UTC, datetime

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from datasources.state_system_wire import encode_answer
from state_sim.data import build_case_view, is_jurisdiction, is_known_case
from state_sim.modes import SimModes

MAX_CASE_IDS = 1000
_GARBAGE = (
    b'{"jurisdiction": "00", "cases": [{"caseId": ',
    b"<html><body>Service temporarily unavailable</body></html>",
    b'{"cases": "none", "total": -1}',
    b'{"jurisdiction": null, "cases": [{"caseId": 42, "financials": {"arrears": 1.5}}]}',
)


class _Simulator:
    def __init__(self, delay: float, modes: SimModes, slow_seconds: float) -> None:
        self.delay = delay
        self.modes = modes
        self.slow_seconds = slow_seconds
        self._garbage = itertools.cycle(_GARBAGE)

    async def query(self, request: Request) -> Response:
        code = request.path_params["code"]
        if not is_jurisdiction(code):
            return _error(404, "unknown jurisdiction")
        case_ids = _case_ids(await request.body())
        if case_ids is None:
            return _error(400, 'expected {"caseIds": [string, ...]}')
        mode = self.modes.of(code)
        if mode == "slow":
            await self._stall(request)
        # jitter from the process's own random, so that answers stay deterministic
        await asyncio.sleep(self.delay * random.uniform(0.5, 1.5))
        if mode == "fail":
            return _error(503, "case system unavailable")
        if mode == "garbage":
            return Response(next(self._garbage), media_type="application/json")
        now = datetime.now(UTC).replace(microsecond=0)
        known = [cid for cid in dict.fromkeys(case_ids) if is_known_case(code, cid)]
        views = [build_case_view(code, case_id, now) for case_id in known]
        return JSONResponse(encode_answer(code, views))

    async def _stall(self, request: Request) -> None:
        """Hold the answer back until the client hangs up or `slow_seconds` pass."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.slow_seconds):
                # the body is read, so the next message is the disconnect
                while (await request.receive())["type"] != "http.disconnect":
                    pass

    async def control(self, request: Request) -> Response:
        body = _json(await request.body())
        code = body.get("code") if isinstance(body, dict) else None
        mode = body.get("mode") if isinstance(body, dict) else None
        if not isinstance(code, str) or not is_jurisdiction(code) or not isinstance(mode, str):
            return _error(400, 'expected {"code": jurisdiction, "mode": mode}')
        try:
            self.modes.switch(code, mode)
        except ValueError as error:
            return _error(400, str(error))
        return JSONResponse({"code": code, "mode": self.modes.of(code)})

    async def health(self, request: Request) -> Response:
        return JSONResponse({"status": "ok", "modes": self.modes.switched()})


def build_state_sim_app(
    *,
    delay: float = 0.05,
    modes: Mapping[str, str] | None = None,
    slow_seconds: float = 10.0,
) -> Starlette:
    """The simulated case systems of every jurisdiction, answering after about `delay` s."""
    sim = _Simulator(delay, SimModes(modes), slow_seconds)
    return Starlette(
        routes=[
            Route("/states/{code}/cases/query", sim.query, methods=["POST"]),
            Route("/control", sim.control, methods=["POST"]),
            Route("/healthz", sim.health, methods=["GET"]),
        ]
    )


def _json(body: bytes) -> object:
    try:
        parsed: object = json.loads(body)
    except ValueError:
        return None
    return parsed


def _case_ids(body: bytes) -> list[str] | None:
    parsed = _json(body)
    ids = parsed.get("caseIds") if isinstance(parsed, dict) else None
    if not isinstance(ids, list) or len(ids) > MAX_CASE_IDS:
        return None
    if not all(isinstance(case_id, str) for case_id in ids):
        return None
    return ids


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)
