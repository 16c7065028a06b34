"""Do the three servers give the same answers? Byte for byte, or how they differ.

Verdicts, from best to worst:
- `identical bytes`;
- `same JSON, keys in another order`: written again with the hub's key order, the
  answer is the hub's bytes (Apollo Server writes `errors` before `data`);
- `same JSON, written otherwise` (equal once parsed: spacing, escapes, number forms);
- `same answer, errors in another order` (equal once each answer's errors are sorted by
  their path: GraphQL leaves the order of errors to the executor);
- `DIFFERENT`: a semantic difference, which fails the bench.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from bench.scenarios import Scenario

IDENTICAL = "identical bytes"
KEY_ORDER = "same JSON, keys in another order"
FORMATTING = "same JSON, written otherwise"
ERROR_ORDER = "same answer, errors in another order"
DIFFERENT = "DIFFERENT"
ACCEPTABLE = (IDENTICAL, KEY_ORDER, FORMATTING, ERROR_ORDER)


@dataclass(frozen=True)
class Comparison:
    """One scenario's answer from a peer, set against the hub's."""

    scenario: Scenario
    peer: str
    verdict: str
    detail: str = ""

    @property
    def semantic(self) -> bool:
        return self.verdict not in ACCEPTABLE


def _path_key(error: Mapping[str, Any]) -> list[tuple[int, int | str]]:
    return [(0, p) if isinstance(p, int) else (1, str(p)) for p in error.get("path") or []]


def errors_by_path(answer: Any) -> Any:
    if isinstance(answer, dict) and isinstance(answer.get("errors"), list):
        return {**answer, "errors": sorted(answer["errors"], key=_path_key)}
    return answer


def _first_difference(left: Any, right: Any, path: str = "") -> str:
    if isinstance(left, dict) and isinstance(right, dict):
        for key in sorted(left.keys() | right.keys()):
            if left.get(key, "<absent>") != right.get(key, "<absent>"):
                return _first_difference(left.get(key), right.get(key), f"{path}.{key}")
    if isinstance(left, list) and isinstance(right, list):
        if len(left) != len(right):
            return f"{path}: {len(left)} items against {len(right)}"
        for index, (a, b) in enumerate(zip(left, right, strict=True)):
            if a != b:
                return _first_difference(a, b, f"{path}[{index}]")
    # a value may be personal data: name where, never what
    return f"{path or 'the answer'}: the values differ"


def in_key_order_of(value: Any, like: Any) -> Any:
    """`value` with each object's keys in the order `like` (an equal value) has them."""
    if isinstance(value, dict) and isinstance(like, dict):
        return {key: in_key_order_of(value[key], like[key]) for key in like}
    if isinstance(value, list) and isinstance(like, list):
        return [in_key_order_of(v, w) for v, w in zip(value, like, strict=True)]
    return value


def verdict(reference: bytes, other: bytes) -> tuple[str, str]:
    """How `other` stands to `reference`, and where they first differ."""
    if reference == other:
        return IDENTICAL, ""
    try:
        left, right = json.loads(reference), json.loads(other)
    except ValueError:
        return DIFFERENT, "an answer is not JSON"
    if left == right:
        written_alike = orjson.dumps(right) == other
        if written_alike and orjson.dumps(in_key_order_of(right, left)) == reference:
            return KEY_ORDER, ""
        return FORMATTING, ""
    if errors_by_path(left) == errors_by_path(right):
        return ERROR_ORDER, ""
    return DIFFERENT, _first_difference(errors_by_path(left), errors_by_path(right))


def fetch(client: httpx.Client, url: str, scenario: Scenario) -> tuple[int, bytes]:
    response = client.post(
        f"{url}/graphql",
        content=scenario.body,
        headers={
            "Authorization": f"Bearer {scenario.token}",
            "Content-Type": "application/json",
        },
    )
    return response.status_code, response.content


def compare(hub_url: str, peers: Mapping[str, str], scenarios: list[Scenario]) -> list[Comparison]:
    """Each scenario from the hub and from each peer; a non-200 or an error-only answer fails."""
    comparisons = []
    with httpx.Client(timeout=120) as client:
        for scenario in scenarios:
            status, reference = fetch(client, hub_url, scenario)
            if status != 200 or json.loads(reference).get("data") is None:
                detail = (
                    f"the hub answered HTTP {status}: {reference[:300].decode(errors='replace')}"
                )
                comparisons += [Comparison(scenario, peer, DIFFERENT, detail) for peer in peers]
                continue
            for peer, url in peers.items():
                peer_status, answer = fetch(client, url, scenario)
                if peer_status != 200:
                    detail = f"HTTP {peer_status}: {answer[:300].decode(errors='replace')}"
                    comparisons.append(Comparison(scenario, peer, DIFFERENT, detail))
                    continue
                found, detail = verdict(reference, answer)
                comparisons.append(Comparison(scenario, peer, found, detail))
    return comparisons
