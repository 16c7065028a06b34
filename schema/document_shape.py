"""What a document asks for once its fragments are expanded, measured in linear time.

Three measures, each bounded however the document is built:

- `expanded_field_count`: the fields of every operation with each spread replaced by
  its fragment, and each fragment's own. Fragments each spreading the next twice,
  thirty levels deep, ask for 2**30 fields from one kilobyte; counting them one by one
  is what stopped the hub. Each fragment is counted once, from its spreads' counts
  (memoised, in dependency order, without recursion), and the count stops as soon as
  it passes the cap.
- `merge_paths`: the expanded fields merged by response path, as execution merges them,
  with how many fields answer each path. graphql-core's OverlappingFieldsCanBeMerged
  compares every two fields of one path, so its work grows with those pairs (ten
  thousand `role`s in one selection make fifty million); the expansion itself stops
  once it has done `max_work` steps.
- `static_cost`: how many values the answer can hold, from those paths: every field
  counts 1 for each item of every list above it. A list's size is its `first`/`last`
  argument (a literal, or a variable's value or default), clamped to the page cap;
  without one, or with a null or a value of no known size, it is the page cap (not the
  argument's default, which a resolver may change); the `edges`/`nodes` of a
  connection take the connection's size; a list of the
  introspection schema counts its average length in the served schema; any other list
  counts `list_size` items. This is the static cost of Apollo's demand control and the
  IBM GraphQL cost specification, with a weight of 1 for every field. Introspection is
  costed apart from data (`Cost`): its size depends on the schema, not on any role.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_abstract_type,
)
from graphql.type.introspection import SchemaMetaFieldDef, TypeMetaFieldDef, TypeNameMetaFieldDef

SIZE_ARGUMENTS = ("first", "last")
SIZED_CHILDREN = ("edges", "nodes")
META_ROOTS = ("__schema", "__type")
COST_CEILING = 10**12
"""Costs saturate here: nested lists multiply, and no budget comes near it."""


def _local_fields(selection_set: SelectionSetNode) -> tuple[int, list[str]]:
    """A definition's own fields, and the names of the fragments it spreads (in order)."""
    count, spreads, stack = 0, [], [selection_set]
    while stack:
        for selection in stack.pop().selections:
            if isinstance(selection, FragmentSpreadNode):
                spreads.append(selection.name.value)
                continue
            count += isinstance(selection, FieldNode)
            nested = selection.selection_set  # type: ignore[attr-defined]
            if nested is not None:
                stack.append(nested)
    return count, spreads


def _expanded_size(own: tuple[int, list[str]], sizes: Mapping[str, int], cap: int) -> int:
    count, spreads = own
    for spread in spreads:
        count += sizes.get(spread, 0)  # a spread closing a cycle counts nothing here
        if count > cap:
            return cap + 1
    return min(count, cap + 1)


def _fragment_sizes(own: Mapping[str, tuple[int, list[str]]], cap: int) -> dict[str, int]:
    """Each fragment's expanded size, each computed once after the fragments it spreads."""
    sizes: dict[str, int] = {}
    for root in own:
        if root in sizes:
            continue
        path, on_path = [(root, iter(own[root][1]))], {root}
        while path:
            name, spreads = path[-1]
            for spread in spreads:
                if spread in own and spread not in sizes and spread not in on_path:
                    path.append((spread, iter(own[spread][1])))
                    on_path.add(spread)
                    break
            else:
                path.pop()
                on_path.discard(name)
                sizes[name] = _expanded_size(own[name], sizes, cap)
    return sizes


def expanded_field_count(document: DocumentNode, cap: int) -> int:
    """Fields of the operations after fragment expansion, and the fragments' own fields.

    The second part is what validation visits of fragments no operation spreads; their
    expansions are bounded by `merge_paths`. Past `cap`, the count is `cap + 1`.
    """
    fragments: dict[str, tuple[int, list[str]]] = {}
    operations: list[tuple[int, list[str]]] = []
    for definition in document.definitions:
        if isinstance(definition, FragmentDefinitionNode):
            fragments.setdefault(definition.name.value, _local_fields(definition.selection_set))
        elif isinstance(definition, OperationDefinitionNode):
            operations.append(_local_fields(definition.selection_set))
    sizes = _fragment_sizes(fragments, cap)
    total = 0
    counts = [*(_expanded_size(op, sizes, cap) for op in operations)]
    for count in [*counts, *(own for own, _spreads in fragments.values())]:
        total += count
        if total > cap:
            return cap + 1
    return total


@dataclass(frozen=True)
class Occurrence:
    """One field of the document answering a path: its definition and arguments."""

    parent_type: str | None
    definition: GraphQLField | None
    arguments: tuple[ArgumentNode, ...]


@dataclass
class PathNode:
    """One response path: the fields that answer it, merged as execution merges them."""

    parent: int
    """Index of the enclosing path in `MergedPaths.nodes`; -1 under the operation."""
    name: str
    occurrences: list[Occurrence] = field(default_factory=list)
    repeats: int = 0


@dataclass
class MergedPaths:
    """A definition's response paths; a path always comes after the path enclosing it."""

    nodes: list[PathNode] = field(default_factory=list)
    size_variables: set[str] = field(default_factory=set)
    """The variables that give a list its size: they alone change the cost."""
    variable_defaults: dict[str, int | None] = field(default_factory=dict)
    """Default sizes of the variables that have a default (None: a null or no integer)."""
    spreads: dict[int, int] = field(default_factory=dict)
    """Fragment spreads landing on each path (by index; -1 is the definition itself)."""
    depth: int = 0
    """The deepest selection's nesting, introspection not counted (as strawberry's
    QueryDepthLimiter counts it: `{ viewer { role } }` is 1)."""
    aliases: int = 0
    work: int = 0

    @property
    def repeated_pairs(self) -> int:
        """Pairs of fields, and of fragment spreads, in one place.

        OverlappingFieldsCanBeMerged compares each such pair, so its work grows with
        their number (ten thousand `role`s in one selection make fifty million).
        """
        fields = sum(node.repeats * (node.repeats - 1) // 2 for node in self.nodes)
        return fields + sum(count * (count - 1) // 2 for count in self.spreads.values())


class ExpansionTooLarge(Exception):
    """Expanding the document took more than the allowed number of steps."""


def _field_of(
    schema: GraphQLSchema, parent: GraphQLNamedType | None, name: str
) -> GraphQLField | None:
    if name == "__typename":
        return TypeNameMetaFieldDef
    if parent is schema.query_type and name in ("__schema", "__type"):
        return SchemaMetaFieldDef if name == "__schema" else TypeMetaFieldDef
    if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        found: GraphQLField | None = parent.fields.get(name)
        return found
    return None


def _type_named(schema: GraphQLSchema, node: object) -> GraphQLNamedType | None:
    name = getattr(getattr(node, "name", None), "value", None)
    return schema.get_type(name) if isinstance(name, str) else None


def _sizes_of(arguments: tuple[ArgumentNode, ...]) -> Iterator[str]:
    for argument in arguments:
        if argument.name.value in SIZE_ARGUMENTS and isinstance(argument.value, VariableNode):
            yield argument.value.name.value


@dataclass(frozen=True)
class _Task:
    """A selection set to expand, where it lands, and the fragments spread on the way."""

    selections: SelectionSetNode
    parent_type: GraphQLNamedType | None
    parent: int
    level: int | None
    """How deep its selections nest; None inside introspection, which depth ignores."""
    on_path: frozenset[str] = frozenset()


class _Merger:
    def __init__(self, schema: GraphQLSchema, document: DocumentNode, max_work: int) -> None:
        self.schema = schema
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.max_work = max_work

    def merge(self, selection_set: SelectionSetNode, root: GraphQLNamedType | None) -> MergedPaths:
        paths = MergedPaths()
        index: dict[tuple[int, str], int] = {}
        stack = [_Task(selection_set, root, -1, 0)]
        while stack:
            task = stack.pop()
            for selection in task.selections.selections:
                paths.work += 1
                if paths.work > self.max_work:
                    raise ExpansionTooLarge
                if isinstance(selection, FieldNode):
                    self._field(selection, task, paths, index, stack)
                elif isinstance(selection, InlineFragmentNode):
                    condition = selection.type_condition
                    narrowed = _type_named(self.schema, condition) if condition else None
                    stack.append(
                        _Task(
                            selection.selection_set,
                            narrowed or task.parent_type,
                            task.parent,
                            task.level,
                            task.on_path,
                        )
                    )
                elif isinstance(selection, FragmentSpreadNode):
                    paths.spreads[task.parent] = paths.spreads.get(task.parent, 0) + 1
                    name = selection.name.value
                    fragment = self.fragments.get(name)
                    if fragment is None or name in task.on_path:
                        continue  # unknown fragments and cycles are validation errors
                    stack.append(
                        _Task(
                            fragment.selection_set,
                            _type_named(self.schema, fragment.type_condition),
                            task.parent,
                            task.level,
                            task.on_path | {name},
                        )
                    )
        return paths

    def _field(
        self,
        selection: FieldNode,
        task: _Task,
        paths: MergedPaths,
        index: dict[tuple[int, str], int],
        stack: list[_Task],
    ) -> None:
        name = selection.name.value
        key = (task.parent, (selection.alias or selection.name).value)
        at = index.get(key)
        if at is None:
            at = index[key] = len(paths.nodes)
            paths.nodes.append(PathNode(task.parent, name))
        node = paths.nodes[at]
        node.repeats += 1
        paths.aliases += selection.alias is not None
        definition = _field_of(self.schema, task.parent_type, name)
        arguments = tuple(selection.arguments or ())
        parent_name = task.parent_type.name if task.parent_type else None
        node.occurrences.append(Occurrence(parent_name, definition, arguments))
        paths.size_variables.update(_sizes_of(arguments))
        level = None if task.level is None or name.startswith("__") else task.level
        if level is not None:
            paths.depth = max(paths.depth, level)
        if selection.selection_set is not None:
            child = get_named_type(definition.type) if definition else None
            nested = None if level is None else level + 1
            stack.append(_Task(selection.selection_set, child, at, nested, task.on_path))


def _literal_size(value: object) -> int | None:
    """An integer literal's value; None for a null or anything else."""
    return int(value.value) if isinstance(value, IntValueNode) else None


def merge_paths(
    schema: GraphQLSchema, document: DocumentNode, max_work: int
) -> tuple[dict[str | None, MergedPaths], list[MergedPaths]]:
    """Every operation's paths (by name) and every fragment's; raises `ExpansionTooLarge`.

    `max_work` bounds the steps (fields and spreads) of all definitions together.
    """
    merger = _Merger(schema, document, max_work)
    operations: dict[str | None, MergedPaths] = {}
    fragments: list[MergedPaths] = []
    for definition in document.definitions:
        root: GraphQLNamedType | None
        if isinstance(definition, OperationDefinitionNode):
            root = schema.get_root_type(definition.operation)
        elif isinstance(definition, FragmentDefinitionNode):
            root = _type_named(schema, definition.type_condition)
        else:
            continue
        paths = merger.merge(definition.selection_set, root)
        merger.max_work -= paths.work
        paths.variable_defaults = {
            v.variable.name.value: _literal_size(v.default_value)
            for v in definition.variable_definitions or ()
            if v.default_value is not None
        }
        if isinstance(definition, OperationDefinitionNode):
            name = definition.name.value if definition.name else None
            operations.setdefault(name, paths)
        else:
            fragments.append(paths)
    return operations, fragments


def _is_list(definition: GraphQLField) -> bool:
    type_ = definition.type
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)


def _size(
    occurrence: Occurrence,
    variables: Mapping[str, object],
    defaults: Mapping[str, int | None],
    page_cap: int,
) -> int | None:
    """The list size an occurrence asks for, or None when its field takes no size."""
    definition = occurrence.definition
    if definition is None or not any(name in definition.args for name in SIZE_ARGUMENTS):
        return None
    given = {argument.name.value: argument.value for argument in occurrence.arguments}
    sizes: list[object] = []
    for name in SIZE_ARGUMENTS:
        if name not in definition.args:
            continue
        value = given.get(name)
        if isinstance(value, VariableNode):
            variable = value.name.value
            sizes.append(variables[variable] if variable in variables else defaults.get(variable))
        elif value is not None:
            sizes.append(_literal_size(value))
    known = [s for s in sizes if isinstance(s, int) and not isinstance(s, bool)]
    return min(max(max(known, default=page_cap), 0), page_cap)


def introspection_list_sizes(schema: GraphQLSchema) -> dict[tuple[str, str], int]:
    """How many items each introspection list holds on average in `schema`, rounded up.

    Averages make the cost of a whole introspection close to its answer: the types'
    fields, summed over every type, are the number of types times the mean.
    """
    types = list(schema.type_map.values())
    fields = [
        f
        for t in types
        if isinstance(t, GraphQLObjectType | GraphQLInterfaceType)
        for f in t.fields.values()
    ]
    directives = schema.directives

    def mean(total: int, count: int) -> int:
        return -(-total // max(count, 1))

    return {
        ("__Schema", "types"): len(types),
        ("__Schema", "directives"): len(directives),
        ("__Type", "fields"): mean(len(fields), len(types)),
        ("__Type", "interfaces"): mean(
            sum(len(getattr(t, "interfaces", ())) for t in types), len(types)
        ),
        ("__Type", "possibleTypes"): mean(
            sum(len(schema.get_possible_types(t)) for t in types if is_abstract_type(t)),
            len(types),
        ),
        ("__Type", "enumValues"): mean(
            sum(len(t.values) for t in types if isinstance(t, GraphQLEnumType)), len(types)
        ),
        ("__Type", "inputFields"): mean(
            sum(len(t.fields) for t in types if isinstance(t, GraphQLInputObjectType)),
            len(types),
        ),
        ("__Field", "args"): mean(sum(len(f.args) for f in fields), len(fields)),
        ("__Directive", "args"): mean(sum(len(d.args) for d in directives), len(directives)),
        ("__Directive", "locations"): mean(
            sum(len(d.locations) for d in directives), len(directives)
        ),
    }


@dataclass(frozen=True)
class ListSizes:
    """What a list counts when no argument sizes it."""

    page_cap: int
    """The most items a `first`/`last` can ask for; a null or unknown size counts this."""
    default: int
    """Items of a list without a size argument."""
    known: Mapping[tuple[str, str], int]
    """Items of lists of known average size, by (parent type, field)."""


def _items(
    node: PathNode,
    inherited: int | None,
    paths: MergedPaths,
    variables: Mapping[str, object],
    sizes: ListSizes,
) -> tuple[int, int | None]:
    """How many times a path is answered per parent item, and the size it gives its edges."""
    items, slice_ = 0, None
    for occurrence in node.occurrences:
        definition = occurrence.definition
        size = _size(occurrence, variables, paths.variable_defaults, sizes.page_cap)
        if definition is None or not _is_list(definition):
            items = max(items, 1)
            if size is not None:
                slice_ = max(slice_ or 0, size)
        elif size is not None:
            items = max(items, size)
        elif inherited is not None and node.name in SIZED_CHILDREN:
            items = max(items, inherited)
        else:
            coordinate = (occurrence.parent_type or "", node.name)
            items = max(items, sizes.known.get(coordinate, sizes.default))
    return items, slice_


@dataclass(frozen=True)
class Cost:
    """An operation's static cost: its data, and its introspection of the schema."""

    data: int
    introspection: int


def static_cost(paths: MergedPaths, variables: Mapping[str, object], sizes: ListSizes) -> Cost:
    """How many values the answer can hold, each part at most `COST_CEILING`."""
    nodes = paths.nodes
    items = [1] * len(nodes)
    slices: list[int | None] = [None] * len(nodes)
    introspects = [False] * len(nodes)
    for at, node in enumerate(nodes):
        parent = node.parent
        inherited = slices[parent] if parent >= 0 else None
        items[at], slices[at] = _items(node, inherited, paths, variables, sizes)
        introspects[at] = introspects[parent] if parent >= 0 else node.name in META_ROOTS
    below = [0] * len(nodes)
    totals = [0, 0]
    for at in range(len(nodes) - 1, -1, -1):
        cost = min(items[at] * (1 + below[at]), COST_CEILING)
        parent = nodes[at].parent
        if parent >= 0:
            below[parent] = min(below[parent] + cost, COST_CEILING)
        else:
            part = int(introspects[at])
            totals[part] = min(totals[part] + cost, COST_CEILING)
    return Cost(data=totals[0], introspection=totals[1])
