// The reference graphql-transport-ws client (graphql-ws, with ws) subscribing <times> times on one
// connection. Usage: node subscribe_repeatedly.mjs <ws url> <times>; the token comes in HUB_TOKEN.
// Prints {"open": i} for a subscription still running after 300 ms, {"error": [...]} with the
// GraphQL errors of one the server refused, then disposes of the client.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [url, times] = process.argv.slice(2);
const client = createClient({
  url,
  webSocketImpl: WebSocket,
  connectionParams: { authorization: `Bearer ${process.env.HUB_TOKEN}` },
  retryAttempts: 0,
  lazy: false,
});
const QUERY = 'subscription Notices { terminationNotices { id } }';

for (let i = 0; i < Number(times); i++) {
  await new Promise((resolve) => {
    let done = false;
    const finish = (line) => {
      if (done) return;
      done = true;
      console.log(JSON.stringify(line));
      resolve();
    };
    client.subscribe(
      { query: QUERY },
      {
        next: () => {},
        error: (errors) => finish({ error: errors }),
        complete: () => finish({ complete: i }),
      },
    );
    setTimeout(() => finish({ open: i }), 300);
  });
}
await client.dispose();
