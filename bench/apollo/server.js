// The bench's Apollo Server 5 peer: what a team that picked Apollo would write instead of
// the hub. A real schema (the contract's types the bench's two operations need, from
// ../shared/contract/schema.graphql), resolvers with per-request DataLoaders over the peer's
// copy of the hub's tables (bench/peer_tables.py), and the access rules of access.md for
// the two roles the bench measures (ocss_staff; a state or tribal worker).
//
// Environment: PEER_DATABASE_URL (postgresql://...), PEER_PORT, HUB_TOKEN_SECRET,
// HUB_TOKEN_ISSUER, HUB_TOKEN_AUDIENCE.

import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import { ApolloServer, HeaderMap } from "@apollo/server";
import DataLoader from "dataloader";
import { GraphQLError, GraphQLScalarType } from "graphql";
import pg from "pg";

const typeDefs = `#graphql
  scalar Date
  scalar Money

  interface Node { id: ID! }

  enum ParticipantRole { CUSTODIAL_PARTY NONCUSTODIAL_PARENT PUTATIVE_FATHER CHILD }
  enum CaseType { IV_D NON_IV_D }
  enum CaseStatus { OPEN CLOSED }
  enum OffsetCaseType { TANF NON_TANF }
  enum PassportStatus { NOT_CERTIFIED DENIED RELEASED EMERGENCY_RELEASED }

  type Participant implements Node {
    id: ID!
    ssn: String
    firstName: String!
    lastName: String!
    dateOfBirth: Date
    employment: [NewHire!]
    offsetCertifications: [OffsetCertification!]!
  }

  type CaseParticipant {
    role: ParticipantRole!
    participant: Participant!
  }

  type Case implements Node {
    id: ID!
    stateCaseId: String!
    caseType: CaseType!
    status: CaseStatus!
    openedOn: Date!
    participants: [CaseParticipant!]!
  }

  type CaseConnection { edges: [CaseEdge!]! }
  type CaseEdge { node: Case! }

  type Employer implements Node {
    id: ID!
    fein: String!
    name: String!
  }

  type NewHire {
    employer: Employer!
    hireDate: Date!
  }

  type OffsetCertification implements Node {
    id: ID!
    caseType: OffsetCaseType!
    arrearsAmount: Money!
    certifiedOn: Date!
    passportStatus: PassportStatus!
  }

  type Query {
    case(id: ID!): Case
    cases(first: Int = 20): CaseConnection!
  }
`;

const FORBIDDEN = () =>
  new GraphQLError("not allowed for this viewer", { extensions: { code: "FORBIDDEN" } });
const FVI_PROTECTED = () =>
  new GraphQLError("disclosure prohibited: family violence indicator", {
    extensions: { code: "FVI_PROTECTED" },
  });

const SQL = {
  cases:
    "SELECT id, state_case_id, case_type, status, opened_on::text AS opened_on " +
    "FROM peer.cases WHERE id = ANY($1::int[])",
  firstCases:
    "SELECT id, state_case_id, case_type, status, opened_on::text AS opened_on " +
    "FROM peer.cases ORDER BY id LIMIT $1",
  // a participant is "own" for a worker when on a case the worker's jurisdiction holds
  people:
    "SELECT cp.case_id, cp.role, p.id, p.first_name, p.last_name, p.ssn, " +
    "p.date_of_birth::text AS date_of_birth, p.family_violence, " +
    "EXISTS (SELECT 1 FROM peer.case_participants o JOIN peer.cases oc ON oc.id = o.case_id " +
    "WHERE o.participant_id = p.id AND oc.jurisdiction = $2) AS own " +
    "FROM peer.case_participants cp JOIN peer.participants p ON p.id = cp.participant_id " +
    "WHERE cp.case_id = ANY($1::int[]) ORDER BY cp.case_id, cp.role, cp.participant_id",
  employment:
    "SELECT h.employee_ssn, h.hire_date::text AS hire_date, e.id, e.fein, e.name " +
    "FROM peer.new_hires h JOIN peer.employers e ON e.id = h.employer_id " +
    "WHERE h.employee_ssn = ANY($1::text[]) ORDER BY h.hire_date DESC, h.id",
  certifications:
    "SELECT ssn, id, case_type, arrears_amount::text AS arrears_amount, " +
    "certified_on::text AS certified_on, passport_status FROM peer.offset_certifications " +
    "WHERE ssn = ANY($1::text[]) AND ($2::text IS NULL OR submitting_state = $2) ORDER BY id",
};

const globalId = (type, key) => Buffer.from(`${type}:${key}`).toString("base64url");

function caseKey(id) {
  const [kind, key] = Buffer.from(String(id), "base64url").toString().split(":");
  return kind === "Case" && /^[0-9]+$/.test(key ?? "") ? Number(key) : null;
}

function groupBy(rows, column) {
  const groups = new Map();
  for (const row of rows) {
    const key = row[column];
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(row);
  }
  return groups;
}

function loaders(pool, viewer) {
  const worker = viewer.isStaff ? null : viewer.jurisdiction;
  return {
    cases: new DataLoader(async (ids) => {
      const { rows } = await pool.query(SQL.cases, [ids]);
      const found = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => found.get(id) ?? null);
    }),
    people: new DataLoader(async (caseIds) => {
      const { rows } = await pool.query(SQL.people, [caseIds, worker]);
      const byCase = groupBy(rows, "case_id");
      return caseIds.map((id) => byCase.get(id) ?? []);
    }),
    employment: new DataLoader(async (ssns) => {
      const { rows } = await pool.query(SQL.employment, [ssns]);
      const bySsn = groupBy(rows, "employee_ssn");
      return ssns.map((ssn) => bySsn.get(ssn) ?? []);
    }),
    certifications: new DataLoader(async (ssns) => {
      const { rows } = await pool.query(SQL.certifications, [ssns, worker]);
      const bySsn = groupBy(rows, "ssn");
      return ssns.map((ssn) => bySsn.get(ssn) ?? []);
    }),
  };
}

const mayRead = (viewer, person) => viewer.isStaff || person.own;
const text = (name) =>
  new GraphQLScalarType({ name, serialize: String, parseValue: String });

const resolvers = {
  Date: text("Date"),
  Money: text("Money"),
  Query: {
    case: (_, { id }, { load }) => {
      const key = caseKey(id);
      return key === null ? null : load.cases.load(key);
    },
    cases: async (_, { first }, { pool }) => {
      if (first < 0 || first > 100) {
        throw new GraphQLError("first must be 0 to 100", {
          extensions: { code: "BAD_USER_INPUT" },
        });
      }
      const { rows } = await pool.query(SQL.firstCases, [first]);
      return { edges: rows.map((node) => ({ node })) };
    },
  },
  Case: {
    id: (row) => globalId("Case", row.id),
    stateCaseId: (row) => row.state_case_id,
    caseType: (row) => row.case_type,
    openedOn: (row) => row.opened_on,
    participants: async (row, _, { load }) =>
      (await load.people.load(row.id)).map((person) => ({ role: person.role, participant: person })),
  },
  Participant: {
    id: (person) => globalId("Participant", person.id),
    firstName: (person) => person.first_name,
    lastName: (person) => person.last_name,
    ssn: (person, _, { viewer }) =>
      mayRead(viewer, person) ? person.ssn : `***-**-${person.ssn.slice(-4)}`,
    dateOfBirth: (person, _, { viewer }) => {
      if (!mayRead(viewer, person)) throw FORBIDDEN();
      return person.date_of_birth;
    },
    employment: (person, _, { viewer, load }) => {
      if (person.family_violence) throw FVI_PROTECTED();
      if (!mayRead(viewer, person)) throw FORBIDDEN();
      return load.employment.load(person.ssn);
    },
    offsetCertifications: (person, _, { load }) => load.certifications.load(person.ssn),
  },
  NewHire: {
    hireDate: (hire) => hire.hire_date,
    employer: (hire) => ({ id: hire.id, fein: hire.fein, name: hire.name }),
  },
  Employer: { id: (employer) => globalId("Employer", employer.id) },
  OffsetCertification: {
    id: (cert) => globalId("OffsetCertification", cert.id),
    caseType: (cert) => cert.case_type,
    arrearsAmount: (cert) => cert.arrears_amount,
    certifiedOn: (cert) => cert.certified_on,
    passportStatus: (cert) => cert.passport_status,
  },
};

// Bearer JWT, HS256 with the hub's key, issuer and audience (access.md, "Signing in").
function verify(authorization, { secret, issuer, audience }) {
  const match = /^Bearer ([\w-]+)\.([\w-]+)\.([\w-]+)$/.exec(authorization ?? "");
  if (!match) return null;
  const [, head, body, signature] = match;
  const expected = createHmac("sha256", secret).update(`${head}.${body}`).digest();
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const header = JSON.parse(Buffer.from(head, "base64url"));
    const claims = JSON.parse(Buffer.from(body, "base64url"));
    const now = Date.now() / 1000;
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (header.alg !== "HS256" || claims.iss !== issuer || !audiences.includes(audience)) return null;
    if (typeof claims.sub !== "string" || typeof claims.iat !== "number") return null;
    if (typeof claims.exp !== "number" || claims.exp + 30 < now) return null;
    const role = claims.role;
    const worker = (role === "state_worker" || role === "tribal_worker") && claims.jurisdiction;
    if (role !== "ocss_staff" && !worker) return null;
    return { isStaff: role === "ocss_staff", jurisdiction: claims.jurisdiction ?? null };
  } catch {
    return null;
  }
}

async function main(env) {
  const tokens = {
    secret: env.HUB_TOKEN_SECRET,
    issuer: env.HUB_TOKEN_ISSUER,
    audience: env.HUB_TOKEN_AUDIENCE,
  };
  const pool = new pg.Pool({ connectionString: env.PEER_DATABASE_URL, max: 10 });
  const server = new ApolloServer({
    typeDefs,
    resolvers,
    includeStacktraceInErrorResponses: false,
  });
  await server.start();
  const unauthenticated = JSON.stringify({
    errors: [{ message: "a valid bearer token is required", extensions: { code: "UNAUTHENTICATED" } }],
  });
  const http = createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const viewer = verify(req.headers.authorization, tokens);
    if (viewer === null) {
      res.writeHead(401, { "content-type": "application/json" }).end(unauthenticated);
      return;
    }
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === "string") headers.set(name, value);
    }
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString() || "null");
    } catch {
      res.writeHead(400, { "content-type": "application/json" }).end('{"errors":[]}');
      return;
    }
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const answer = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? "POST", headers, search: url.search, body },
      context: async () => ({ viewer, pool, load: loaders(pool, viewer) }),
    });
    for (const [name, value] of answer.headers) res.setHeader(name, value);
    res.statusCode = answer.status ?? 200;
    if (answer.body.kind === "complete") {
      // Apollo ends a body with a newline; the hub's answers do not. (It also writes
      // `errors` before `data`, on purpose: orderExecutionResultFields; that stays.)
      res.end(answer.body.string.replace(/\n$/, ""));
    } else {
      for await (const chunk of answer.body.asyncIterator) res.write(chunk);
      res.end();
    }
  });
  http.keepAliveTimeout = 75_000;
  http.listen(Number(env.PEER_PORT), "127.0.0.1");
  const stop = () => http.close(() => server.stop().then(() => pool.end()));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main(process.env);
