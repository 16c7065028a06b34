"""The GraphQL documents of the differential's variants (tests/plans/variants.py)."""

from __future__ import annotations

ALIASED = """
query Aliased($id: ID!) {
  a: participant(id: $id) { pid: id ssn last: lastName }
  b: participant(id: $id) { ssn dateOfBirth id birth: dateOfBirth }
  me: viewer { role }
}
"""
FRAGMENTS = """
query Fragments($id: ID!) {
  participant(id: $id) {
    ...Person
    ... on Participant { ssn }
    ... @include(if: true) { dateOfBirth }
    ... { familyViolence }
  }
}
fragment Person on Participant { id firstName cases { role case { id ...CaseBits } } }
fragment CaseBits on Case { stateCaseId state { code } status }
"""
DIRECTED = """
query Directed($id: ID!, $withLocate: Boolean!, $skipDob: Boolean = false) {
  participant(id: $id) {
    id
    ssn @include(if: $withLocate)
    dateOfBirth @skip(if: $skipDob)
    addresses @include(if: $withLocate) { city source }
    wages @skip(if: $withLocate) { year amount }
  }
}
"""
TYPENAMES = """
query Typed($id: ID!) {
  __typename
  node(id: $id) { __typename id ... on Participant { __typename ssn cases { __typename role } } }
  participants(first: 2) {
    __typename totalCount
    edges { __typename cursor node { __typename id } }
    pageInfo { __typename hasNextPage endCursor }
  }
}
"""
ONE = "query One($id: ID!) { participant(id: $id) { id lastName ssn } }"
NODE = "query Node($id: ID!) { node(id: $id) { id __typename ... on Participant { ssn } } }"
CASE_BY_ID = "query CaseById($id: ID!) { case(id: $id) { id stateCaseId } }"
PAGED = """
query Paged($first: Int, $after: String) {
  participants(first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id ssn } }
  }
}
"""
QUICK_LAST = """
query Quick($id: ID!, $last: Int) {
  case(id: $id) {
    id
    financials { arrears paymentsReceived(last: $last) { amount source } }
    activities(last: $last) { code }
  }
}
"""
REFUSED_IN_LISTS = """
query InLists {
  cases(first: 6) {
    edges { node {
      id state { code }
      participants { role participant { id ssn dateOfBirth addresses { city } } }
    } }
  }
}
"""
CERTIFICATION_LIST = """
query Certs {
  offsetCertifications(first: 8) {
    edges { node { id arrearsAmount taxRefundOffsets { taxYear amount }
      participant { id ssn } } }
  }
}
"""
DOCUMENTS_IN_LISTS = """
query DocumentsInLists {
  cases(first: 10) {
    edges { node { id state { code } documents { id title } participants { role } } }
  }
}
"""
CASE_DOCUMENTS_OF_PARTICIPANTS = """
query Nested {
  participants(first: 30) {
    edges { node { id cases { role case { id state { code } documents { id } } } } }
  }
}
"""
MERGED = """
query Merged($id: ID!) {
  participant(id: $id) { id ssn ssn ... on Participant { ssn id } n1: lastName n1: lastName }
}
"""
THREE_RECORDS = """
query Three($own: ID!, $other: ID!, $fvi: ID!) {
  own: participant(id: $own) { id ssn dateOfBirth addresses { source } }
  other: participant(id: $other) { id ssn dateOfBirth addresses { source } }
  fvi: participant(id: $fvi) { id ssn dateOfBirth addresses { source } }
  pages: participants(first: 1) { edges { node { id } } }
  more: participants(first: 2) { totalCount edges { node { id } } }
}
"""
MERGED_SELECTIONS = """
query MergedSelections($id: ID!, $skip: Boolean!) {
  participant(id: $id) {
    cases { role }
    ... on Participant { cases { case { id state { code } } } }
    ...More @skip(if: $skip)
    ... @include(if: $skip) { ssn }
  }
}
fragment More on Participant { cases { role case { status } } dateOfBirth }
"""
NODE_KINDS = """
query Kinds($a: ID!, $b: ID!, $c: ID!) {
  a: node(id: $a) { ...Kinds }
  b: node(id: $b) { ...Kinds }
  c: node(id: $c) { ...Kinds }
}
fragment Kinds on Node {
  __typename id
  ... on Participant { ssn lastName }
  ... on Case { stateCaseId participants { role } }
  ... on OffsetCertification { arrearsAmount participant { id } }
}
"""
DEFAULTS = """
query Defaults($first: Int = 3, $dob: Date = null) {
  participants(first: $first, dateOfBirth: $dob) { totalCount edges { node { id } } }
}
"""
WITH_A_MUTATION = """
query Read($id: ID!) { node(id: $id) { id } }
mutation Release($id: ID!) {
  releasePassport(id: $id, emergency: true) {
    offsetCertification { passportStatus } userErrors { field code }
  }
}
"""
NON_NULL_REFUSED = "query NonNull { viewer { role } participants(first: 2) { totalCount } }"
TWO_OPERATIONS = """
query First($id: ID!) { participant(id: $id) { id ssn } }
query Second { viewer { role ftiCleared } cases(first: 2) { totalCount } }
"""
SYNTAX_ERROR = "query Broken($id: ID!) { participant(id: $id) { id ssn }"
WRONG_FRAGMENT = (
    "query Wrong($id: ID!) { participant(id: $id) { id ...C } } fragment C on Case { id }"
)
UNDECLARED = "query Undeclared($id: ID!) { participant(id: $id) { id ssn @include(if: $nope) } }"
SEARCH = """
query Search($ssn: String, $dob: Date) {
  participants(ssn: $ssn, dateOfBirth: $dob, first: 5) { totalCount edges { node { id ssn } } }
}
"""
UNKNOWN_FIELD = "query Unknown($id: ID!) { participant(id: $id) { id socialSecurity } }"
