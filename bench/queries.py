"""The GraphQL documents the benchmark sends."""

from __future__ import annotations

VIEWER = "{ viewer { subject } }"

# What a caseworker's case list asks for: cases, their state, the people on them
# and those people's offset certifications.
CASE_LIST = """
query CaseList($first: Int) {
  cases(first: $first) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      node {
        id
        stateCaseId
        status
        state { code name }
        participants {
          role
          participant {
            id
            firstName
            lastName
            ssn
            offsetCertifications { id caseType arrearsAmount certifiedOn passportStatus }
          }
        }
      }
    }
  }
}
"""

# A state system opening another state's case (QUICK's cross-state view).
CASE_VIEW = """
query CaseView($id: ID!) {
  case(id: $id) {
    id
    stateCaseId
    caseType
    status
    hasOrder
    openedOn
    state { code name }
    participants {
      role
      participant { id firstName lastName ssn dateOfBirth deceased familyViolence }
    }
    worker { name title phone email }
    financials {
      monthlyObligation
      arrears
      asOf
      paymentsReceived(last: 12) { date amount source }
      paymentsDistributed(last: 12) { date amount source }
    }
    activities(last: 20) { date code description }
  }
}
"""

# Cases and their holding states, to pick one held by another state.
CASE_STATES = """
{ cases(first: 50) { edges { node { id state { code } } } } }
"""

TYPENAME = "{ __typename }"
