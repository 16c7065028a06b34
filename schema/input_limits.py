"""How long a submitted text may be, and which characters it may hold: one table, one check.

Every text argument and input field of the root fields is checked against
`TEXT_LIMITS` (by schema coordinate, the column it lands in or is compared with)
before the resolver runs, so no text reaches a database to fail there: not an
overlong one, not one with a NUL byte (PostgreSQL refuses it), a lone surrogate
(no driver can encode it) or another control character. Ids are not text here:
`resolvers.ids` refuses what the hub did not make. A query answers a refusal with a
BAD_USER_INPUT error naming the argument; a mutation with its payload's
`userErrors`, naming the input path, changing nothing and audited as refused.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import strawberry
from strawberry.extensions import FieldExtension
from strawberry.types.base import StrawberryOptional, has_object_definition
from strawberry.types.field import StrawberryField
from strawberry.utils.str_converters import to_camel_case

from resolvers.errors import BadUserInput
from resolvers.writes import InputProblem, audit_write, target_id
from schema.mutations import user_errors

# any text not named below: far above every real value, far below abuse
DEFAULT_TEXT_CHARS = 256
# characters no text of the hub holds: C0 controls, DEL, lone surrogates
_FORBIDDEN_CHARS = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")

TEXT_LIMITS: dict[str, int | None] = {
    # Query arguments, by the columns they are compared with
    "Query.participants(ssn:)": 11,
    "Query.participants(lastName:)": 40,
    "Query.participants(firstName:)": 40,
    "Query.cases(state:)": 8,
    "Query.employer(fein:)": 10,
    "Query.employers(name:)": 80,
    "Query.employers(state:)": 8,
    "Query.offsetCertifications(state:)": 8,
    "Query.directoryEntry(code:)": 8,
    "Query.directory(name:)": 100,
    "Query.auditEvents(subject:)": 255,
    "Query.auditEvents(resource:)": 255,
    # mutation inputs, by the columns they are written to
    "MisidentifiedSsnInput.ssn": 11,
    "SendDocumentInput.recipient": 8,
    "SendDocumentInput.formType": 40,
    "SendDocumentInput.title": 200,
    "SendDocumentInput.contentBase64": None,  # base64 of up to 10 MiB: its own rule
    "RequestDocumentInput.recipient": 8,
    "RequestDocumentInput.formType": 40,
    "RequestDocumentInput.title": 200,
    "ReportTerminationInput.employeeSsn": 11,
    "ReportTerminationInput.employeeFirstName": 40,
    "ReportTerminationInput.employeeLastName": 40,
    "ReportTerminationInput.newEmployerName": 80,
    "AddressInput.line1": 60,
    "AddressInput.line2": 60,
    "AddressInput.city": 40,
    "AddressInput.state": 2,
    "AddressInput.zip": 10,
}


# codes and numbers the hub compares or stores as ASCII: "٩٠٠-١٢-٣٤٥٦" is no SSN
ASCII_TEXTS = frozenset(
    {
        "Query.participants(ssn:)",
        "Query.cases(state:)",
        "Query.employer(fein:)",
        "Query.employers(state:)",
        "Query.offsetCertifications(state:)",
        "Query.directoryEntry(code:)",
        "MisidentifiedSsnInput.ssn",
        "SendDocumentInput.recipient",
        "SendDocumentInput.formType",
        "RequestDocumentInput.recipient",
        "RequestDocumentInput.formType",
        "ReportTerminationInput.employeeSsn",
        "AddressInput.state",
        "AddressInput.zip",
    }
)


@dataclass(frozen=True)
class WriteTarget:
    """What a mutation's refused write is audited as: its resource, and the input naming it.

    `id_path` is in Python names, from the resolver's keyword arguments.
    """

    resource: str
    id_path: tuple[str, ...] = ()
    id_type: str = ""


WRITE_TARGETS: dict[str, WriteTarget] = {
    "addMisidentifiedSsn": WriteTarget(
        "MisidentifiedSsn", ("input", "participant_id"), "Participant"
    ),
    "removeMisidentifiedSsn": WriteTarget(
        "MisidentifiedSsn", ("input", "participant_id"), "Participant"
    ),
    "updateOffsetCertification": WriteTarget(
        "OffsetCertification", ("input", "id"), "OffsetCertification"
    ),
    "releasePassport": WriteTarget("OffsetCertification", ("id",), "OffsetCertification"),
    "sendDocument": WriteTarget("Document"),
    "requestDocument": WriteTarget("Document"),
    "reportTermination": WriteTarget("TerminationNotice"),
}


def _is_id(annotation: object) -> bool:
    while isinstance(annotation, StrawberryOptional):
        annotation = annotation.of_type
    return annotation is strawberry.ID


def text_problem(coordinate: str, path: tuple[str, ...], text: str) -> InputProblem | None:
    """Why `text` may not stand at `coordinate`; None when it may."""
    limit = TEXT_LIMITS.get(coordinate, DEFAULT_TEXT_CHARS)
    if limit is None:
        return None
    name = ".".join(path)
    if len(text) > limit:
        return InputProblem(path, f"{name} must be at most {limit} characters")
    if _FORBIDDEN_CHARS.search(text):
        return InputProblem(path, f"{name} must not hold control characters")
    if coordinate in ASCII_TEXTS and not text.isascii():
        return InputProblem(path, f"{name} must be ASCII letters, digits and punctuation")
    return None


def _problems(
    value: object, coordinate: str, path: tuple[str, ...], annotation: object
) -> Iterator[InputProblem]:
    if isinstance(value, str):
        problem = None if _is_id(annotation) else text_problem(coordinate, path, value)
        if problem is not None:
            yield problem
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _problems(item, coordinate, (*path, str(index)), annotation)
    elif has_object_definition(value):
        definition = value.__strawberry_definition__
        for field in definition.fields:
            name = field.graphql_name or to_camel_case(field.python_name)
            yield from _problems(
                getattr(value, field.python_name, None),
                f"{definition.name}.{name}",
                (*path, name),
                field.type,
            )


def input_problems(
    parent: str, field: StrawberryField, arguments: dict[str, Any]
) -> list[InputProblem]:
    """Every text of a root field's arguments that is too long or holds forbidden characters."""
    found: list[InputProblem] = []
    field_name = field.graphql_name or to_camel_case(field.python_name)
    for argument in field.arguments:
        name = argument.graphql_name or to_camel_case(argument.python_name)
        coordinate = f"{parent}.{field_name}({name}:)"
        value = arguments.get(argument.python_name)
        found += _problems(value, coordinate, (name,), argument.type)
    return found


def _target_id(target: WriteTarget, arguments: dict[str, Any]) -> str | None:
    """The record the input names, as the resolvers' own refusals name it."""
    value: object = arguments
    for key in target.id_path:
        value = value.get(key) if isinstance(value, dict) else getattr(value, key, None)
    if not target.id_path or not isinstance(value, str):
        return None
    return target_id(value, target.id_type)


class InputLimits(FieldExtension):
    """Check a root field's texts before its resolver runs; refuse as described above."""

    def __init__(self, parent: str, field: StrawberryField, payload: type | None) -> None:
        self.parent = parent
        self.field = field
        self.payload = payload

    def resolve(self, next_: Callable[..., Any], source: Any, info: Any, **kwargs: Any) -> Any:
        problems = input_problems(self.parent, self.field, kwargs)
        if not problems:
            return next_(source, info, **kwargs)
        return self._refused(info, problems, kwargs)

    async def resolve_async(
        self, next_: Callable[..., Awaitable[Any]], source: Any, info: Any, **kwargs: Any
    ) -> Any:
        problems = input_problems(self.parent, self.field, kwargs)
        if not problems:
            return await next_(source, info, **kwargs)
        return self._refused(info, problems, kwargs)

    def _refused(self, info: Any, problems: list[InputProblem], kwargs: dict[str, Any]) -> Any:
        if self.payload is None:
            first = problems[0]
            raise BadUserInput(first.message, argumentName=first.field[0])
        name = self.field.graphql_name or to_camel_case(self.field.python_name)
        target = WRITE_TARGETS.get(name, WriteTarget(name))
        record_id = _target_id(target, kwargs)
        audit_write(info, resource=target.resource, record_id=record_id, refused=True)
        payload: Any = self.payload
        definition = payload.__strawberry_definition__
        empty = {f.python_name: None for f in definition.fields if f.python_name != "user_errors"}
        return payload(**empty, user_errors=user_errors(problems))


def apply_input_limits(roots: Iterable[tuple[str, type]]) -> None:
    """Put `InputLimits` on every field with arguments of the given root types.

    Mutation fields answer with a payload that has `userErrors`; other roots raise.
    """
    for parent, root in roots:
        for field in root.__strawberry_definition__.fields:  # type: ignore[attr-defined]
            if not field.arguments:
                continue
            payload = field.type if parent == "Mutation" else None
            field.extensions.append(InputLimits(parent, field, payload))
