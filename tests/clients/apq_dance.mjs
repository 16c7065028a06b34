// Apollo Client 4 with its persisted-queries link against a live hub: node apq_dance.mjs URL
// Prints one JSON line per HTTP exchange (what was sent: a query text or not, the hash; the
// status and error codes received), then one line per answer, then the hashes the link used.
import { createHash } from "node:crypto";
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { createPersistedQueryLink } from "@apollo/client/link/persisted-queries";
import { readFileSync } from "node:fs";

const url = process.argv[2];
const print = (line) => process.stdout.write(JSON.stringify(line) + "\n");

async function recordingFetch(input, init) {
  const sent = JSON.parse(init.body);
  const response = await fetch(input, init);
  const body = await response.clone().json();
  print({
    exchange: {
      sentQuery: typeof sent.query === "string",
      hash: sent.extensions?.persistedQuery?.sha256Hash ?? null,
      status: response.status,
      codes: (body.errors ?? []).map((error) => error.extensions?.code),
    },
  });
  return response;
}

const sha256 = (text) => createHash("sha256").update(text).digest("hex");
const link = createPersistedQueryLink({ sha256 }).concat(
  new HttpLink({
    uri: `${url}/graphql`,
    fetch: recordingFetch,
    headers: { authorization: `Bearer ${process.env.HUB_TOKEN}` },
  }),
);
const client = new ApolloClient({ link, cache: new InMemoryCache() });
const query = gql(readFileSync("documents/viewer.graphql", "utf8"));

for (let round = 0; round < 2; round += 1) {
  try {
    const result = await client.query({ query, fetchPolicy: "network-only" });
    print({ answer: result.data ?? null, error: result.error?.message ?? null });
  } catch (error) {
    print({ answer: null, error: String(error?.message ?? error) });
  }
}
