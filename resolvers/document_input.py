"""Checking a sendDocument or requestDocument input before anything is written.

Every rule of access.md ("Writing") is checked here, and every problem found is
collected, so that a refused input is answered in full and changes nothing.
Who may write, and who may send FTI, is the policy's decision.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass, field

from strawberry import Info

from datasources.documents import FORM_TYPES, DocumentDraft
from policy.vocabulary import Outcome
from resolvers.context import Context
from resolvers.errors import BadUserInput
from resolvers.ids import decode_int_id
from resolvers.writes import InputProblem

MAX_CONTENT_BYTES = 10 * 1024 * 1024
_MAX_BASE64_CHARS = 4 * -(-MAX_CONTENT_BYTES // 3)
MAX_TITLE_CHARS = 200
Problems = list[InputProblem]


@dataclass(frozen=True)
class DocumentInput:
    """The fields of either mutation's input; a request has no content."""

    case_id: str | None
    recipient: str
    form_type: str
    title: str
    contains_fti: bool = False
    content_base64: str | None = None


@dataclass
class Checked:
    """An input as checked: its problems, or what the document will be."""

    data: DocumentInput
    sender: str = ""
    status: str = "SENT"
    case_id: int | None = None
    content: bytes = b""
    problems: Problems = field(default_factory=list)

    def draft(self, *, blob_key: str | None) -> DocumentDraft:
        stored = blob_key is not None
        return DocumentDraft(
            case_id=self.case_id,
            form_type=self.data.form_type,
            title=self.data.title.strip(),
            sender=self.sender,
            recipient=self.data.recipient,
            status=self.status,
            contains_fti=self.data.contains_fti,
            size_bytes=len(self.content) if stored else None,
            sha256=hashlib.sha256(self.content).hexdigest() if stored else None,
            blob_key=blob_key,
        )


def _problem(name: str, message: str, code: str = "BAD_USER_INPUT") -> InputProblem:
    return InputProblem(("input", name), message, code)


async def check_send(info: Info[Context, None], data: DocumentInput) -> Checked:
    """Check a sendDocument input: the common rules, FTI clearance, and the content."""
    checked = await _check_common(info, data, status="SENT")
    if checked.problems and checked.problems[0].code == "FORBIDDEN":
        return checked
    if data.contains_fti:
        checked.problems += _check_fti(info)
    content, problems = decode_content(data.content_base64 or "")
    checked.content, checked.problems = content, checked.problems + problems
    return checked


async def check_request(info: Info[Context, None], data: DocumentInput) -> Checked:
    """Check a requestDocument input: the common rules only."""
    return await _check_common(info, data, status="REQUESTED")


async def _check_common(info: Info[Context, None], data: DocumentInput, *, status: str) -> Checked:
    checked = Checked(data=data, status=status)
    sender, refusal = _sender(info)
    if refusal is not None:
        checked.problems.append(refusal)
        return checked
    checked.sender = sender
    checked.problems += _check_recipient(info, sender, data.recipient)
    checked.problems += _check_fields(data)
    checked.case_id, problems = await _check_case(info, data.case_id)
    checked.problems += problems
    return checked


def _sender(info: Info[Context, None]) -> tuple[str, InputProblem | None]:
    """The viewer's jurisdiction, when the policy lets the viewer send at all."""
    context = info.context
    viewer = context.viewer
    # the mutation being resolved names its rule (policy.registry.WRITE_RULES)
    decision = context.gate.write(viewer, f"Mutation.{info.field_name}")
    if decision.outcome is not Outcome.ALLOW:
        code = decision.code or "FORBIDDEN"
        return "", InputProblem((), "not allowed for this viewer", code)
    jurisdiction = viewer.jurisdiction
    if jurisdiction is None or context.sources.directory.get(jurisdiction) is None:
        return "", InputProblem(
            (), "the viewer's jurisdiction is not in the directory", "FORBIDDEN"
        )
    return jurisdiction, None


def _check_recipient(info: Info[Context, None], sender: str, recipient: str) -> Problems:
    if info.context.sources.directory.get(recipient) is None:
        return [_problem("recipient", "recipient is not in the directory", "NOT_FOUND")]
    if recipient == sender:
        return [_problem("recipient", "recipient must be another jurisdiction")]
    return []


def _check_fields(data: DocumentInput) -> Problems:
    problems = []
    if data.form_type not in FORM_TYPES:
        problems.append(_problem("formType", f"formType must be one of {', '.join(FORM_TYPES)}"))
    title = data.title.strip()
    if not title or len(title) > MAX_TITLE_CHARS:
        problems.append(_problem("title", f"title must have 1 to {MAX_TITLE_CHARS} characters"))
    return problems


async def _check_case(
    info: Info[Context, None], case_id: str | None
) -> tuple[int | None, Problems]:
    if not case_id:
        return None, []
    try:
        key = decode_int_id(case_id, "Case")
    except BadUserInput:
        return None, [_problem("caseId", "not the id of a Case")]
    if await info.context.loaders.case_by_id.load(key) is None:
        return None, [_problem("caseId", "case not found", "NOT_FOUND")]
    return key, []


def _check_fti(info: Info[Context, None]) -> Problems:
    """Only a viewer who could read FTI content as a party may send it."""
    viewer = info.context.viewer
    decision = info.context.gate.may_send_fti(viewer)
    if decision.outcome is Outcome.ALLOW:
        return []
    message = "Federal Tax Information needs FTI clearance"
    return [_problem("containsFti", message, decision.code or "FTI_RESTRICTED")]


def decode_content(text: str) -> tuple[bytes, Problems]:
    """The content's bytes from strict base64 (whitespace ignored), at most 10 MiB, not empty."""
    too_large = _problem("contentBase64", f"content must be at most {MAX_CONTENT_BYTES} bytes")
    compact = "".join(text.split())
    if len(compact) > _MAX_BASE64_CHARS:
        return b"", [too_large]
    try:
        content = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        return b"", [_problem("contentBase64", "content is not valid base64")]
    if not content:
        return b"", [_problem("contentBase64", "content is empty")]
    if len(content) > MAX_CONTENT_BYTES:
        return b"", [too_large]
    return content, []
