"""GraphQL documents and a poster shared by the tests that read each source through real HTTP."""

from __future__ import annotations

import httpx

QUERY_CASES = """
query Cases($first: Int, $after: String) {
  cases(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      id stateCaseId caseType status hasOrder openedOn
      state { code name kind }
      participants { role participant { id firstName lastName ssn } }
      worker { name } financials { arrears } activities { code } documents { id }
    } }
  }
}
"""

QUERY_PARTICIPANT = """
query One($id: ID!) {
  participant(id: $id) {
    id ssn ssnVerification firstName lastName dateOfBirth dateOfDeath deceased sex familyViolence
    cases { role case { id state { code } } }
    addresses { line1 city state zip source reportedOn }
    employment { hireDate reportedOn state employer { fein name } }
    wages { year quarter amount employer { fein } }
    offsetCertifications { id arrearsAmount passportStatus }
    misidentifiedSsns { ssn reportedOn reportedBy { code } participant { id } }
  }
}
"""

QUERY_EMPLOYERS = """
query Employers($eIwo: Boolean) {
  employers(first: 50, eIwoParticipant: $eIwo) {
    totalCount
    edges { node { id fein name eIwoParticipant debtInquiryParticipant providesMedicalInsurance
      addresses { kind address { line1 city state zip } }
      contacts { name phone email } } }
  }
}
"""

QUERY_OFFSETS = """
{
  offsetCertifications(first: 100) {
    totalCount
    edges { node {
      id caseType arrearsAmount certifiedOn passportStatus
      passportDenialEligible taxRefundOffsetEligible
      submittingState { code kind }
      participant { id lastName familyViolence }
      taxRefundOffsets { taxYear amount offsetOn jointReturn }
    } }
  }
}
"""

QUERY_DIRECTORY = """
query Dir($kind: JurisdictionKind, $after: String) {
  directory(kind: $kind, first: 20, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id code name kind contacts { name phone } profile { topic question answer } } }
  }
}
"""


async def post(http: httpx.AsyncClient, headers: dict[str, str], query: str, **variables: object):
    response = await http.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]


# a jurisdiction of the shape each role's token needs (policy/tokens.py), else California
JURISDICTION_OF_ROLE = {"tribal_worker": "T0001"}
