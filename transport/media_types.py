"""Which JSON media type a GraphQL over HTTP answer is sent as, from the request's Accept.

The GraphQL over HTTP spec has two: `application/graphql-response+json`, under which a
request error (nothing executed: parse, validation or variable-coercion failure) is a
4xx without `data`, and `application/json`, under which every GraphQL answer is 200.
A client that accepts neither, or sends no Accept, gets `application/json`.
"""

from __future__ import annotations

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
APPLICATION_JSON = "application/json"

_JSON_RANGES = frozenset({APPLICATION_JSON, "application/*", "*/*"})


def response_media_type(accept: str | None) -> str:
    """The preferred of the two by quality; on a tie, `application/graphql-response+json`."""
    best_json = best_graphql = 0.0
    for media_range in (accept or "").split(","):
        media, _, params = media_range.partition(";")
        quality = _quality(params)
        media = media.strip().lower()
        if media == GRAPHQL_RESPONSE_JSON:
            best_graphql = max(best_graphql, quality)
        elif media in _JSON_RANGES:
            best_json = max(best_json, quality)
    if best_graphql > 0 and best_graphql >= best_json:
        return GRAPHQL_RESPONSE_JSON
    return APPLICATION_JSON


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                return min(1.0, max(0.0, float(value.strip())))
            except ValueError:
                return 0.0
    return 1.0
