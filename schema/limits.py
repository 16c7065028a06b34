"""Operation limits: what the hub refuses before it executes, so no request starves it.

| limit | value | refused |
| --- | --- | --- |
| document size | 64 KiB of UTF-8 | before parsing |
| tokens | `MAX_TOKENS` | while parsing (strawberry's MaxTokensLimiter) |
| fields after fragment expansion | `MAX_FIELDS` | before validation |
| pairs of fields, or of spreads, in one place | `MAX_REPEATED_PAIRS` | before validation |
| depth after fragment expansion | 12, `HUB_MAX_QUERY_DEPTH` | before validation |
| aliases after fragment expansion | `MAX_ALIASES` | before validation |
| static cost of the data | per role, `policy/budgets.py` | before execution |
| static cost of introspection | `MAX_INTROSPECTION_COST` | before execution |

Every refusal is OPERATION_TOO_COMPLEX, with no `data`. The expansion limits run before
graphql-core's own rules, which compare every two fields, and every two fragment
spreads, of one place (OverlappingFieldsCanBeMerged): on an accepted document their
work stays within the pairs cap instead of growing with its square. Depth and aliases
are counted here too, on the same expansion: strawberry's QueryDepthLimiter and
MaxAliasesLimiter recurse into every spread without memoising (exponential in a
fragment fan-out) and the depth limiter fails on an empty selection (`viewer { }`).

Parsing, measuring and validating the worst accepted document takes about 30 ms on the
2-core test machine (`tests/schema/test_limits.py` measures it), and documents over
1 KiB are parsed and validated off the event loop (`schema/caches.py`); the budgets are
set so that no accepted operation holds the loop long either: while the costliest run,
`{ viewer { role } }` and `/healthz` answer within 100 ms.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from graphql import DocumentNode, GraphQLSchema
from strawberry.extensions import SchemaExtension

from policy.budgets import operation_cost_budget
from resolvers.context import Context
from resolvers.errors import HubError
from resolvers.ids import MAX_PAGE_SIZE
from schema.document_shape import (
    Cost,
    ExpansionTooLarge,
    ListSizes,
    MergedPaths,
    expanded_field_count,
    introspection_list_sizes,
    merge_paths,
    static_cost,
)

MAX_DOCUMENT_BYTES = 64 * 1024
MAX_TOKENS = 2_000
MAX_ALIASES = 50
MAX_FIELDS = 500
MAX_REPEATED_PAIRS = 300
"""Pairs of fields answering one response path, and of fragment spreads in one place
(a field asked 3 times makes 3 pairs)."""
MAX_EXPANSION_WORK = 4 * MAX_FIELDS
"""Steps of expansion (fields and spreads), of operations and of fragments on their own."""
MAX_INTROSPECTION_COST = 35_000
"""The cost of `__schema` and `__type` selections, one cap for every role (who may
introspect at all is the policy's). GraphiQL's introspection query costs 31,036; it
runs without a pause (no resolver awaits), about 30 ms on the test machine."""
DEFAULT_LIST_SIZE = 10
"""Items counted for a list that takes no size argument (a case's participants)."""
_COSTS_PER_DOCUMENT = 32


class OperationTooComplex(HubError):
    code = "OPERATION_TOO_COMPLEX"


@dataclass(eq=False)
class DocumentShape:
    """A parsed document's expansion, measured once; its costs per variables, remembered."""

    refusal: str | None
    list_sizes: ListSizes
    operations: dict[str | None, MergedPaths] = field(default_factory=dict)
    _costs: dict[tuple[str | None, tuple[tuple[str, int | None], ...]], Cost] = field(
        default_factory=dict
    )

    def cost(self, operation_name: str | None, variables: Mapping[str, object]) -> Cost:
        """The static cost of the operation run, with the variables that size its lists."""
        paths = self.operations.get(operation_name)
        if paths is None:
            return Cost(0, 0)  # no such operation: execution refuses it
        sizes = tuple(
            sorted(
                (name, _size_value(variables[name]))
                for name in paths.size_variables
                if name in variables
            )
        )
        key = (operation_name, sizes)
        cost = self._costs.get(key)
        if cost is None:
            if len(self._costs) >= _COSTS_PER_DOCUMENT:
                self._costs.clear()
            cost = self._costs[key] = static_cost(paths, dict(sizes), self.list_sizes)
        return cost


def _size_value(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _refusal(
    operations: Mapping[str | None, MergedPaths], fragments: list[MergedPaths], max_depth: int
) -> str | None:
    pairs = sum(p.repeated_pairs for p in [*operations.values(), *fragments])
    if pairs > MAX_REPEATED_PAIRS:
        return (
            f"The document asks for the same fields in one place too often ({pairs:,} "
            f"pairs of repeated fields or fragment spreads; at most {MAX_REPEATED_PAIRS})."
        )
    depth = max((p.depth for p in operations.values()), default=0)
    if depth > max_depth:
        return f"The operation nests {depth} levels deep; at most {max_depth} are allowed."
    aliases = sum(p.aliases for p in operations.values())
    if aliases > MAX_ALIASES:
        return f"The document uses {aliases:,} aliases; at most {MAX_ALIASES} are allowed."
    return None


def measure_document(
    schema: GraphQLSchema, document: DocumentNode, list_sizes: ListSizes, max_depth: int
) -> DocumentShape:
    """Expand the document within the caps; the reason it is refused, or its paths."""
    if expanded_field_count(document, MAX_FIELDS) > MAX_FIELDS:
        return DocumentShape(
            f"The document asks for more than {MAX_FIELDS:,} fields once its fragments "
            "are expanded.",
            list_sizes,
        )
    try:
        operations, fragments = merge_paths(schema, document, MAX_EXPANSION_WORK)
    except ExpansionTooLarge:
        return DocumentShape(
            f"Expanding the document's fragments takes more than {MAX_EXPANSION_WORK:,} steps.",
            list_sizes,
        )
    return DocumentShape(_refusal(operations, fragments, max_depth), list_sizes, operations)


class DocumentShapes:
    """The shapes of the last `maxsize` documents of one schema, by query text."""

    def __init__(self, *, max_depth: int, maxsize: int = 512) -> None:
        self.max_depth = max_depth
        self.maxsize = maxsize
        self._shapes: OrderedDict[str, DocumentShape] = OrderedDict()
        self._list_sizes: ListSizes | None = None

    def list_sizes(self, schema: GraphQLSchema) -> ListSizes:
        if self._list_sizes is None:
            known = introspection_list_sizes(schema)
            self._list_sizes = ListSizes(MAX_PAGE_SIZE, DEFAULT_LIST_SIZE, known)
        return self._list_sizes

    def get(
        self, query: str | None, schema: GraphQLSchema, document: DocumentNode
    ) -> DocumentShape:
        """The document's shape, measured once per query text (a string hashes once)."""
        if query is None:
            return self._measure(schema, document)
        shape = self._shapes.get(query)
        if shape is None:
            shape = self._shapes[query] = self._measure(schema, document)
            if len(self._shapes) > self.maxsize:
                self._shapes.popitem(last=False)
        else:
            self._shapes.move_to_end(query)
        return shape

    def _measure(self, schema: GraphQLSchema, document: DocumentNode) -> DocumentShape:
        return measure_document(schema, document, self.list_sizes(schema), self.max_depth)


def is_too_large(query: str) -> bool:
    """Whether the document is over `MAX_DOCUMENT_BYTES` in UTF-8."""
    if len(query) > MAX_DOCUMENT_BYTES:
        return True
    return len(query) * 4 > MAX_DOCUMENT_BYTES and (
        len(query.encode("utf-8", "surrogatepass")) > MAX_DOCUMENT_BYTES
    )


class OperationLimits(SchemaExtension):
    """Refuse what is too large before parsing, validating and executing it.

    Documents over the size limit before parsing, expansions over the caps before
    validation, operations over the viewer's budget before execution. List it before
    ParserCache and ValidationCache: hooks run in the order of the list.
    """

    def __init__(self, shapes: DocumentShapes) -> None:
        super().__init__()
        self.shapes = shapes
        self.shape: DocumentShape | None = None

    def on_parse(self) -> Iterator[None]:
        query = self.execution_context.query
        if query is not None and is_too_large(query):
            raise OperationTooComplex(f"The document is over {MAX_DOCUMENT_BYTES:,} bytes.")
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is not None:
            shape = self.shapes.get(context.query, context.schema._schema, context.graphql_document)
            if shape.refusal is not None:
                raise OperationTooComplex(shape.refusal)
            self.shape = shape
        yield

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        if self.shape is not None:
            variables = context.variables if isinstance(context.variables, Mapping) else {}
            cost = self.shape.cost(context.operation_name, variables)
            viewer = context.context.viewer if isinstance(context.context, Context) else None
            budget = operation_cost_budget(viewer.role if viewer else "")
            if cost.data > budget:
                raise OperationTooComplex(
                    f"The operation can answer up to {cost.data:,} values; this viewer may "
                    f"ask for {budget:,} at once."
                )
            if cost.introspection > MAX_INTROSPECTION_COST:
                raise OperationTooComplex(
                    f"The introspection can answer up to {cost.introspection:,} values; "
                    f"at most {MAX_INTROSPECTION_COST:,} may be asked for at once."
                )
        yield
