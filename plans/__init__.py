"""Compiled plans: queries the hub has seen, executed without graphql-core's executor.

A query that ran once through the standard path (parsed, validated, within the limits)
is compiled into a `Plan` per (document, operation, role, clearance). The plan runs
level by level: every field of every object at one depth is resolved together, so the
loaders batch one statement per level as before, and the answer is written with orjson
without graphql-core completing each field. The fields themselves resolve through the
same strawberry resolvers, field extensions and policy gate as on the standard path
(`schema.guard` asks the gate; the plan adds no decision of its own), so both paths
answer alike; the differential tests hold them to it byte for byte.

Whatever a plan does not cover it declines, and the standard path answers: shapes it
was not compiled for (mutations, subscriptions, introspection, `@defer`), variables
that do not coerce, and at run time any error it cannot place exactly (a null in a
non-null position, an exception that is not the hub's own).
"""
