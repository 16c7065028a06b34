// The GraphQL over HTTP spec's own audit (graphql-http's auditServer) against a running hub.
// Usage: node audit_server.mjs <graphql url>; the bearer token comes in HUB_TOKEN.
// Prints one JSON line per audit: {"id", "name", "status", "reason"?, "response"?}.
import { auditServer } from 'graphql-http';

const [url] = process.argv.slice(2);
const token = process.env.HUB_TOKEN;
if (!url || !token) {
  console.error('usage: HUB_TOKEN=<jwt> node audit_server.mjs <graphql url>');
  process.exit(2);
}

// every request carries the token: the hub answers 401 to anyone without one
const fetchFn = (input, init = {}) =>
  fetch(input, { ...init, headers: { ...init.headers, authorization: `Bearer ${token}` } });

const results = await auditServer({ url, fetchFn });
for (const result of results) {
  const line = { id: result.id, name: result.name, status: result.status };
  if (result.status !== 'ok') {
    line.reason = result.reason;
    const response = result.response;
    line.response = {
      status: response.status,
      contentType: response.headers.get('content-type'),
      body: await response.text(),
    };
  }
  console.log(JSON.stringify(line));
}
