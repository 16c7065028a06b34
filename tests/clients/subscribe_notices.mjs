// The reference graphql-transport-ws client (graphql-ws, with ws) subscribing to a running hub.
// Usage: node subscribe_notices.mjs <ws url> <count>; the bearer token comes in HUB_TOKEN.
// Prints {"ready": true} once the server acknowledged the connection and the subscription
// was sent, then one JSON line per result ({"next": payload}), then {"complete": true}
// after <count> results. Errors print {"error": ...} and exit 1.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [url, count] = process.argv.slice(2);
const token = process.env.HUB_TOKEN;
const wanted = Number(count || '1');
if (!url || !token) {
  console.error('usage: HUB_TOKEN=<jwt> node subscribe_notices.mjs <ws url> [count]');
  process.exit(2);
}

const QUERY = `subscription { terminationNotices {
  id employeeName terminatedOn states { code } participant { id } } }`;

const client = createClient({
  url,
  webSocketImpl: WebSocket,
  connectionParams: { authorization: `Bearer ${token}` },
  retryAttempts: 0,
  lazy: false,
  on: {
    connected: () => {},
    closed: (event) => {
      if (received < wanted) {
        console.log(JSON.stringify({ error: `closed ${event.code} ${event.reason}` }));
        process.exit(1);
      }
    },
  },
});

let received = 0;
const subscription = client.iterate({ query: QUERY });
client.on('connected', () => console.log(JSON.stringify({ ready: true })));
try {
  for await (const result of subscription) {
    console.log(JSON.stringify({ next: result }));
    received += 1;
    if (received >= wanted) break;
  }
  console.log(JSON.stringify({ complete: true }));
} catch (error) {
  console.log(JSON.stringify({ error: String(error && (error.message || error.reason || error)) }));
  process.exitCode = 1;
} finally {
  await client.dispose();
}
