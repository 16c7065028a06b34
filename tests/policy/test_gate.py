"""The gate in process: each kind of action decided, audited and refused on one path.

Unit tests over the packaged policy (no database), then a few queries run through the
served schema with a context (strawberry's `execute`), where the field path matters.
"""

from __future__ import annotations

import ast
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from app import build_sources
from datasources.engines import build_engines, dispose_engines
from policy.audit import AuditLog
from policy.enforcer import PolicyDecider
from policy.gate import Gate, Scope, Trail
from policy.refusals import Refused
from policy.registry import FIELD_RULES, ITEM_RULES
from policy.relations import (
    CertificationFacts,
    DocumentFacts,
    NoticeFacts,
    ParticipantFacts,
)
from policy.tokens import Viewer, verify_token
from policy.vocabulary import Outcome, Resource
from resolvers.context import Context, build_context
from schema import schema as hub_schema
from tests.conftest import Hub
from tests.services.client_tls import CLIENT_TLS

REPO = Path(__file__).resolve().parents[2]
SSN_RULE = FIELD_RULES["Participant.ssn"][0]
DOCUMENT_RULE = ITEM_RULES["Document"]
OWN = ParticipantFacts("UGFydGljaXBhbnQ6MQ==", frozenset({"06"}), False)
ELSEWHERE = ParticipantFacts("UGFydGljaXBhbnQ6Mg==", frozenset({"36"}), False)


def _viewer(
    role: str, *, jurisdiction: str | None = None, fein: str | None = None, fti: bool = False
) -> Viewer:
    return Viewer(f"test-{role}", role, jurisdiction, fein, fti, expires_at=2**40)


STATE = _viewer("state_worker", jurisdiction="06")
OCSS = _viewer("ocss_staff", fti=True)
ANALYST = _viewer("analyst")
AUDITOR = _viewer("auditor")
EMPLOYER = _viewer("employer", fein="12-3456789")


@pytest.fixture(scope="module")
def gate() -> Gate:
    return Gate(PolicyDecider())


def _trail(viewer: Viewer, resource: str, record_id: str | None = None) -> Trail:
    return Trail(AuditLog(viewer), "Op", resource, record_id)


def _events(trail: Trail) -> list[tuple[str, str, str | None, str]]:
    return [(d.action, d.resource, d.record_id, d.outcome) for d in trail.audit.drafts]


# ---- field reads ------------------------------------------------------------------------


def test_field_allowed_in_full_is_audited_as_a_read(gate: Gate):
    trail = _trail(STATE, "Participant.ssn", OWN.record_id)
    decision = gate.read_field(STATE, SSN_RULE, OWN, trail)
    assert decision.outcome is Outcome.ALLOW
    assert _events(trail) == [("read", "Participant.ssn", OWN.record_id, "allowed")]


def test_field_masked_is_answered_and_not_audited(gate: Gate):
    trail = _trail(ANALYST, "Participant.ssn", OWN.record_id)
    assert gate.read_field(ANALYST, SSN_RULE, OWN, trail).outcome is Outcome.MASK
    assert _events(trail) == []


def test_field_denied_is_refused_with_its_code_and_audited(gate: Gate):
    trail = _trail(EMPLOYER, "Participant.ssn", OWN.record_id)
    with pytest.raises(Refused) as refused:
        gate.read_field(EMPLOYER, SSN_RULE, OWN, trail)
    assert refused.value.code == "FORBIDDEN"
    assert refused.value.message == "not allowed for this viewer"
    assert _events(trail) == [("deny", "Participant.ssn", OWN.record_id, "denied")]


# ---- items ------------------------------------------------------------------------------

OTHERS_DOCUMENT = DocumentFacts("RG9jdW1lbnQ6OQ==", "36", "48", contains_fti=False)
OWN_FTI_DOCUMENT = DocumentFacts("RG9jdW1lbnQ6OA==", "06", "48", contains_fti=True)


def test_item_omitted_from_a_list_is_left_out_and_audited(gate: Gate):
    trail = _trail(STATE, Resource.DOCUMENT, OTHERS_DOCUMENT.record_id)
    assert not gate.read_item(STATE, DOCUMENT_RULE, OTHERS_DOCUMENT, trail, in_list=True)
    assert _events(trail) == [("deny", "Document", OTHERS_DOCUMENT.record_id, "omitted")]


def test_item_alone_is_refused_with_its_code(gate: Gate):
    trail = _trail(STATE, Resource.DOCUMENT, OTHERS_DOCUMENT.record_id)
    with pytest.raises(Refused) as refused:
        gate.read_item(STATE, DOCUMENT_RULE, OTHERS_DOCUMENT, trail, in_list=False)
    assert refused.value.code == "NOT_FOUND"
    assert _events(trail) == [("deny", "Document", OTHERS_DOCUMENT.record_id, "denied")]


def test_item_of_a_party_is_kept(gate: Gate):
    trail = _trail(STATE, Resource.DOCUMENT, OWN_FTI_DOCUMENT.record_id)
    assert gate.read_item(STATE, DOCUMENT_RULE, OWN_FTI_DOCUMENT, trail, in_list=True)
    assert _events(trail) == []  # Document is not classified: only denials are audited


# ---- list scopes, filters, keyed lookups ------------------------------------------------


def test_list_scope_all_related_none_and_refused(gate: Gate):
    assert gate.list_scope(OCSS, "Query.documents").scope is Scope.ALL
    related = gate.list_scope(STATE, "Query.documents")
    assert related.scope is Scope.RELATED
    assert {str(r) for r in related.relations} == {"party"}
    assert gate.list_scope(ANALYST, "Query.documents").scope is Scope.NONE
    with pytest.raises(Refused) as refused:
        gate.list_scope(AUDITOR, "Query.employers")
    assert (refused.value.code, refused.value.message) == (
        "FORBIDDEN",
        "not allowed for this viewer",
    )


def test_a_list_that_does_not_refuse_is_empty_instead(gate: Gate):
    assert gate.list_scope(AUDITOR, "Query.terminationNotices").scope is Scope.NONE
    notified = gate.list_scope(STATE, "Query.terminationNotices")
    assert {str(r) for r in notified.relations} == {"notified"}


def test_filter_scope_reaches_what_the_viewer_may_read_in_full(gate: Gate):
    trail = _trail(OCSS, Resource.PARTICIPANT_SEARCH)
    assert gate.filter_scope(OCSS, "Query.participants", ["ssn"], trail) is Scope.ALL
    assert gate.filter_scope(STATE, "Query.participants", ["ssn"], trail) is Scope.RELATED
    assert gate.filter_scope(STATE, "Query.participants", [], trail) is Scope.ALL
    assert _events(trail) == []


def test_filter_on_a_masked_value_is_refused_and_audited(gate: Gate):
    trail = _trail(ANALYST, Resource.PARTICIPANT_SEARCH)
    with pytest.raises(Refused) as refused:
        gate.filter_scope(ANALYST, "Query.participants", ["ssn"], trail)
    assert refused.value.code == "FORBIDDEN"
    assert "searching" in refused.value.message
    assert _events(trail) == [("deny", "Participant.search", None, "denied")]


def test_keyed_lookup_refuses_alike_whether_or_not_the_key_exists(gate: Gate):
    trail = _trail(EMPLOYER, Resource.EMPLOYER)
    with pytest.raises(Refused) as refused:
        gate.refuse_unrelated(EMPLOYER, "Query.employer", trail)
    assert refused.value.code == "FORBIDDEN"
    assert _events(trail) == [("deny", "Employer", None, "denied")]
    gate.refuse_unrelated(STATE, "Query.employer")  # caseworkers read any employer
    with pytest.raises(Refused) as missing:
        gate.refuse_missing_node(STATE, "OffsetCertification")
    assert missing.value.code == "FORBIDDEN"
    gate.refuse_missing_node(STATE, "DirectoryEntry")  # no item rule: answered null


# ---- writes -----------------------------------------------------------------------------


def test_write_refusal_is_returned_for_a_user_error_not_raised(gate: Gate):
    decision = gate.write(ANALYST, "Mutation.reportTermination")
    assert (decision.outcome, decision.code) == (Outcome.DENY, "FORBIDDEN")
    assert gate.write(EMPLOYER, "Mutation.reportTermination").outcome is Outcome.ALLOW


def test_write_is_decided_on_the_record_it_touches(gate: Gate):
    assert gate.write(STATE, "Mutation.addMisidentifiedSsn", OWN).outcome is Outcome.ALLOW
    assert gate.write(STATE, "Mutation.removeMisidentifiedSsn", ELSEWHERE).outcome is Outcome.DENY
    own = CertificationFacts("T2Zmc2V0Q2VydGlmaWNhdGlvbjox", "06")
    other = CertificationFacts("T2Zmc2V0Q2VydGlmaWNhdGlvbjoy", "36")
    assert gate.write(STATE, "Mutation.releasePassport", own).outcome is Outcome.ALLOW
    assert gate.write(STATE, "Mutation.updateOffsetCertification", other).code == "FORBIDDEN"
    assert gate.may_send_fti(STATE).code == "FTI_RESTRICTED"
    assert gate.may_send_fti(_viewer("state_worker", jurisdiction="06", fti=True)).code is None


# ---- subscriptions, downloads, introspection ---------------------------------------------

SUBSCRIPTION = "Subscription.terminationNotices"


def test_subscription_is_opened_by_role_and_each_item_decided(gate: Gate):
    assert gate.may_subscribe(STATE, SUBSCRIPTION)
    assert not gate.may_subscribe(EMPLOYER, SUBSCRIPTION)
    notified = NoticeFacts("VGVybWluYXRpb25Ob3RpY2U6MQ==", "12-3456789", frozenset({"06"}))
    elsewhere = NoticeFacts("VGVybWluYXRpb25Ob3RpY2U6Mg==", "12-3456789", frozenset({"36"}))
    assert gate.subscription_item(STATE, SUBSCRIPTION, notified)
    assert not gate.subscription_item(STATE, SUBSCRIPTION, elsewhere)


def test_download_of_fti_content_needs_clearance(gate: Gate):
    trail = _trail(STATE, "Document.content", OWN_FTI_DOCUMENT.record_id)
    with pytest.raises(Refused) as refused:
        gate.download(STATE, "Document.content", OWN_FTI_DOCUMENT, trail)
    assert refused.value.code == "FTI_RESTRICTED"
    assert _events(trail) == [("deny", "Document.content", OWN_FTI_DOCUMENT.record_id, "denied")]
    cleared = _viewer("state_worker", jurisdiction="06", fti=True)
    allowed = _trail(cleared, "Document.content", OWN_FTI_DOCUMENT.record_id)
    gate.download(cleared, "Document.content", OWN_FTI_DOCUMENT, allowed)
    assert _events(allowed) == []  # the route records the read once the content is found


def test_download_of_another_partys_document_is_not_found(gate: Gate):
    trail = _trail(STATE, "Document.content", OTHERS_DOCUMENT.record_id)
    with pytest.raises(Refused) as refused:
        gate.download(STATE, "Document.content", OTHERS_DOCUMENT, trail)
    assert refused.value.code == "NOT_FOUND"


def test_introspection_by_mode_and_role(gate: Gate):
    trail = _trail(EMPLOYER, Resource.INTROSPECTION)
    gate.introspection(EMPLOYER, development=True, trail=trail)
    gate.introspection(ANALYST, development=False, trail=trail)
    assert _events(trail) == []
    with pytest.raises(Refused) as refused:
        gate.introspection(EMPLOYER, development=False, trail=trail)
    assert (refused.value.code, refused.value.message) == (
        "FORBIDDEN",
        "introspection is not allowed",
    )
    assert _events(trail) == [("deny", "Introspection", None, "denied")]


def test_each_decision_is_evaluated_once():
    gate = Gate(PolicyDecider())
    for _ in range(3):
        gate.read_field(ANALYST, SSN_RULE, OWN, _trail(ANALYST, "Participant.ssn"))
        gate.list_scope(STATE, "Query.documents")
    # one key for the SSN; OTHER and PARTY for the documents' scope
    assert gate.evaluations == 3


# ---- the decider has one user -----------------------------------------------------------


def _imports(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            modules |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
    return modules


def test_only_the_gate_imports_the_decider():
    # given every module of the hub (tests aside, which build deciders of their own)
    users = []
    for path in sorted(REPO.rglob("*.py")):
        relative = path.relative_to(REPO)
        if relative.parts[0] in (".venv", "tests") or "__pycache__" in relative.parts:
            continue
        if any(name.startswith("policy.enforcer") for name in _imports(path)):
            users.append(str(relative))
    # then only the gate names it: app.py builds it with load_gate, reloading and
    # `hub policy check` go through the gate too
    assert users == ["policy/gate.py"]


# ---- through the served schema ----------------------------------------------------------

ContextFor = Callable[..., Awaitable[Context]]


@pytest.fixture
async def context_for(sqlite_hub: Hub) -> AsyncIterator[ContextFor]:
    settings = sqlite_hub.settings
    engines = build_engines(settings.database_urls)
    async with httpx.AsyncClient(verify=CLIENT_TLS) as state_client:
        sources = build_sources(settings, engines, state_client)
        gate = Gate(PolicyDecider())

        async def build(role: str, **claims: object) -> Context:
            viewer = verify_token(sqlite_hub.token(role, **claims), settings.token)
            return build_context(None, viewer, sources=sources, settings=settings, gate=gate)

        yield build
    await dispose_engines(engines)


PARTICIPANT_SSNS = "query Ssns { participants(first: 5) { edges { node { id ssn } } } }"


async def test_schema_masks_a_field_the_gate_masks(context_for: ContextFor):
    context = await context_for("analyst")
    result = await hub_schema.execute(PARTICIPANT_SSNS, context_value=context)
    assert result.errors is None
    assert result.data is not None
    ssns = [edge["node"]["ssn"] for edge in result.data["participants"]["edges"]]
    assert ssns, "the seeded hub lists participants"
    assert all(ssn.startswith("***-**-") for ssn in ssns)


async def test_schema_refuses_at_the_field_path_with_the_gates_code(context_for: ContextFor):
    context = await context_for("employer", fein="12-3456789")
    result = await hub_schema.execute(PARTICIPANT_SSNS, context_value=context)
    assert result.errors is not None
    error = result.errors[0]
    assert error.path == ["participants"]
    assert error.extensions == {"code": "FORBIDDEN"}
    assert error.message == "not allowed for this viewer"


async def test_schema_leaves_out_the_items_the_gate_omits(context_for: ContextFor):
    # a state worker lists only the documents its jurisdiction sent or received
    context = await context_for("state_worker", jurisdiction="06")
    query = "{ documents(first: 50) { edges { node { sender { code } recipient { code } } } } }"
    result = await hub_schema.execute(query, context_value=context)
    assert result.errors is None
    assert result.data is not None
    documents = [edge["node"] for edge in result.data["documents"]["edges"]]
    assert documents, "the seeded hub has documents of jurisdiction 06"
    assert all("06" in (d["sender"]["code"], d["recipient"]["code"]) for d in documents)


async def test_schema_refuses_introspection_in_production_only(context_for: ContextFor):
    query = "{ __schema { queryType { name } } }"
    context = await context_for("employer", fein="12-3456789")
    context.settings = replace(context.settings, env="development")
    assert (await hub_schema.execute(query, context_value=context)).errors is None
    context = await context_for("employer", fein="12-3456789")
    context.settings = replace(context.settings, env="production")
    result = await hub_schema.execute(query, context_value=context)
    assert result.errors is not None
    assert result.errors[0].extensions == {"code": "FORBIDDEN"}
    assert result.errors[0].message == "introspection is not allowed"


def test_a_search_that_may_run_is_audited_and_so_is_each_match(gate: Gate):
    trail = _trail(STATE, Resource.PARTICIPANT_SEARCH)
    assert gate.filter_scope(STATE, "Query.participants", ["ssn"], trail, search=True) is (
        Scope.RELATED
    )
    gate.filter_matches(trail.audit, "Op", "Query.participants", ["ssn"], [OWN.record_id])
    assert _events(trail) == [
        ("read", "Participant.search", None, "allowed"),
        ("read", "Participant.ssn", OWN.record_id, "allowed"),
    ]


ADDRESS_SOURCES = """
query Sources { participants(first: 100) { edges { node { id addresses { source } } } } }
"""


async def _sources_by_participant(context: Context) -> dict[str, list[str]]:
    result = await hub_schema.execute(ADDRESS_SOURCES, context_value=context)
    # a participant under a family violence indicator has no locate information for anyone
    assert {(error.extensions or {}).get("code") for error in result.errors or []} <= {
        "FVI_PROTECTED"
    }
    assert result.data is not None
    return {
        edge["node"]["id"]: [address["source"] for address in edge["node"]["addresses"]]
        for edge in result.data["participants"]["edges"]
        if edge["node"]["addresses"] is not None
    }


async def test_schema_leaves_irs_addresses_out_of_a_list_without_fti(context_for: ContextFor):
    # given what OCSS staff with FTI clearance see of participants' addresses
    cleared = await _sources_by_participant(await context_for("ocss_staff", fti=True))
    assert any("IRS" in sources for sources in cleared.values()), "seeded IRS addresses"
    # when staff without clearance list the same addresses
    plain = await _sources_by_participant(await context_for("ocss_staff"))
    # then the gate left out each IRS address (FTI) and nothing else
    assert plain == {
        participant: [source for source in sources if source != "IRS"]
        for participant, sources in cleared.items()
    }


def test_nothing_outside_policy_records_an_audit_event_itself():
    # the gate records every event (decisions, write attempts, downloads); the transports
    # and resolvers hand it a Trail and never call AuditLog.record themselves
    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for layer in ("transport", "schema", "resolvers")
        for path in sorted((root / layer).rglob("*.py"))
        if ".audit.record(" in path.read_text() or "audit.record(" in path.read_text()
    ]
    assert offenders == []
