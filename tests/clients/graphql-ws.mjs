// The npm `graphql-ws` client (graphql-transport-ws, over the `ws` package) against
// ${GATEWAY_URL}/graphql/ws, as the demo user whose token is in ${GATEWAY_TOKEN}:
//   1. A connection_init with a bad token is refused: the socket closes with 4403 (Forbidden).
//   2. With the token in connection_init's payload, it subscribes to orderStatusChanged for the
//      order ${ORDER_NUMBER}, prints "subscribed", and waits for one change of that order (the
//      test that runs this script advances the order in the sandbox once the gateway counts the
//      subscriber), checking its fields.
// Exit code 0 only when every check passes.

import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const base = (process.env.GATEWAY_URL ?? '').replace(/\/+$/, '');
const token = process.env.GATEWAY_TOKEN ?? '';
const orderNumber = process.env.ORDER_NUMBER ?? '';
if (!base || !token || !orderNumber) {
  console.error('GATEWAY_URL, GATEWAY_TOKEN and ORDER_NUMBER must be set');
  process.exit(2);
}
const url = `${base.replace(/^http/, 'ws')}/graphql/ws`;

const failures = [];
function check(ok, what, detail = '') {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${detail ? ` — ${detail}` : ''}`);
  if (!ok) failures.push(what);
  return ok;
}

// Fails the script rather than hang if something never comes.
const guard = setTimeout(() => {
  console.error('FAIL nothing arrived within 60 s');
  process.exit(1);
}, 60_000);

const SUBSCRIPTION = `
  subscription($orders: [String!]) {
    orderStatusChanged(orderNumbers: $orders) {
      orderNumber customerNumber region status at
      order { id orderNumber status }
    }
  }`;

async function badTokenIsRefused() {
  console.log('-- a bad token in connection_init');
  let closeCode = null;
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams: { Authorization: 'Bearer not-a-token' },
    retryAttempts: 0,
    on: { closed: (event) => { closeCode = event?.code ?? null; } },
  });
  const outcome = await new Promise((resolve) => {
    client.subscribe(
      { query: SUBSCRIPTION, variables: { orders: [orderNumber] } },
      {
        next: () => resolve('a value'),
        error: (error) => resolve(error),
        complete: () => resolve('completed'),
      },
    );
  });
  await client.dispose();
  check(closeCode === 4403, 'the socket closes with 4403', `code ${closeCode}, ${String(outcome?.reason ?? outcome)}`);
}

async function changeArrives() {
  console.log('-- a change of the subscribed order');
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams: { Authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
  const changes = client.iterate({ query: SUBSCRIPTION, variables: { orders: [orderNumber] } });
  console.log('subscribed');
  const { value, done } = await changes.next();
  await changes.return?.();
  await client.dispose();
  if (!check(!done && value, 'a change arrives')) return;
  check(!value.errors, 'without errors', JSON.stringify(value.errors ?? []));
  const change = value.data?.orderStatusChanged ?? {};
  check(change.orderNumber === orderNumber, 'of the subscribed order', change.orderNumber);
  check(typeof change.status === 'string' && change.status.length > 0, 'with its new status', change.status);
  check(change.order?.status === change.status, 'and the order as it is now', JSON.stringify(change.order));
}

await badTokenIsRefused();
await changeArrives();
clearTimeout(guard);
if (failures.length) {
  console.error(`${failures.length} check(s) failed: ${failures.join('; ')}`);
  process.exit(1);
}
console.log('all graphql-ws checks passed');
