// The npm `graphql-ws` client (graphql-transport-ws, over the `ws` package) as a frontend app
// uses it, against ${GATEWAY_URL}/graphql/ws, signed in as the demo user whose token is in
// ${GATEWAY_TOKEN} (in connection_init's payload). Run by tests/api/clients.rs, in one of two
// scenarios (${SCENARIO}):
//
// `subscriptions` (the default; needs ORDER_NUMBER, INQUIRY_NUMBER and ANSWER_TEXT):
//   1. A connection_init with a bad token is refused: the socket closes with 4403 (Forbidden).
//   2. Two subscriptions to orderStatusChanged for ${ORDER_NUMBER} on one socket; the test moves
//      the order once the gateway counts both, and each receives the change (fields checked).
//   3. `complete` from the client for the first one (its iterator's return()), the socket
//      staying open for the second: the test checks that the gateway ends it (its hub counts one
//      subscriber less) and moves the order again; the second receives that change, and nothing
//      comes for the completed one.
//   4. inquiryUpdated for ${INQUIRY_NUMBER}: once the gateway's feed counts the subscriber, the
//      test has support answer it with ${ANSWER_TEXT}; the update carries the answer.
//
// `restart` (needs ORDER_NUMBER): a client configured as real apps configure it — retrying every
// connection problem, without a limit, after a short wait — subscribes to orderStatusChanged; the
// test moves the order (a first change arrives), stops the gateway with SIGTERM and starts the
// next one on the same address over the same backends, then moves the order again once the new
// gateway counts the subscription. The client saw its socket closed with 1001 Going Away (what a
// stopping gateway sends: src/http/ws/drain.rs), connected again and subscribed again by itself:
// the same iterator receives the change made after the restart.
//
// "READY <step>" lines tell the test where the script is; the test answers by acting on the
// gateway or the sandbox, never on the script. Exit code 0 only when every check passes.

import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const scenario = process.env.SCENARIO ?? 'subscriptions';
const base = (process.env.GATEWAY_URL ?? '').replace(/\/+$/, '');
const token = process.env.GATEWAY_TOKEN ?? '';
const orderNumber = process.env.ORDER_NUMBER ?? '';
const inquiryNumber = process.env.INQUIRY_NUMBER ?? '';
const answerText = process.env.ANSWER_TEXT ?? '';
const needed = scenario === 'restart' ? [base, token, orderNumber]
  : [base, token, orderNumber, inquiryNumber, answerText];
if (!['subscriptions', 'restart'].includes(scenario) || needed.some((value) => !value)) {
  console.error('SCENARIO is subscriptions (GATEWAY_URL, GATEWAY_TOKEN, ORDER_NUMBER, INQUIRY_NUMBER, '
    + 'ANSWER_TEXT) or restart (GATEWAY_URL, GATEWAY_TOKEN, ORDER_NUMBER)');
  process.exit(2);
}
const url = `${base.replace(/^http/, 'ws')}/graphql/ws`;
const connectionParams = { Authorization: `Bearer ${token}` };

// The close code a draining gateway closes its sockets with (src/http/ws/drain.rs).
const GOING_AWAY = 1001;

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

const ORDER_SUBSCRIPTION = `
  subscription($orders: [String!]) {
    orderStatusChanged(orderNumbers: $orders) {
      orderNumber customerNumber region status at
      order { id orderNumber status }
    }
  }`;

const INQUIRY_SUBSCRIPTION = `
  subscription($tracking: String!) {
    inquiryUpdated(trackingNumber: $tracking) {
      trackingNumber status at
      message { id author authorName body }
      inquiry { trackingNumber status messages { id body } }
    }
  }`;

/// Checks that `next` (an iterator's result) is a change of the subscribed order; the change.
function checkOrderChange({ value, done }, what) {
  if (!check(!done && value, `${what}: a change arrives`)) return {};
  check(!value.errors, `${what}: without errors`, JSON.stringify(value.errors ?? []));
  const change = value.data?.orderStatusChanged ?? {};
  check(change.orderNumber === orderNumber, `${what}: of the subscribed order`, change.orderNumber);
  check(typeof change.status === 'string' && change.status.length > 0, `${what}: with its new status`, change.status);
  check(change.order?.status === change.status, `${what}: and the order as it is now`, JSON.stringify(change.order));
  return change;
}

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
      { query: ORDER_SUBSCRIPTION, variables: { orders: [orderNumber] } },
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

async function orderChangesAndComplete() {
  console.log('-- two subscriptions to one order; the client completes one');
  // Every message the server sends, by subscription id, whether or not a subscription listens.
  const received = [];
  let subscriptions = 0;
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    generateID: () => `order-${++subscriptions}`,
    on: { message: (message) => received.push(message) },
  });
  const request = { query: ORDER_SUBSCRIPTION, variables: { orders: [orderNumber] } };
  const completing = client.iterate(request);
  const completingId = `order-${subscriptions}`;
  const staying = client.iterate(request);
  console.log('READY order-subscribed');
  const first = checkOrderChange(await completing.next(), 'the first subscription');
  checkOrderChange(await staying.next(), 'the second');

  // return() sends `complete` for the first; the second keeps the socket open.
  await completing.return();
  const before = received.filter((m) => m.id === completingId).length;
  console.log('READY order-completed');
  const next = checkOrderChange(await staying.next(), 'after the complete, the second subscription');
  check(next.status !== first.status, 'the order moved on', `${first.status} then ${next.status}`);
  // The same change would have come for both at about the same time: a moment more for it.
  await new Promise((resolve) => setTimeout(resolve, 500));
  // async-graphql answers a client's `complete` with one of its own (the client ignores it); no
  // result may follow.
  const after = received.filter((m) => m.id === completingId).slice(before);
  const results = after.filter((m) => m.type !== 'complete');
  check(results.length === 0, 'no result comes for the completed subscription', JSON.stringify(after));
  await staying.return();
  await client.dispose();
}

async function inquiryUpdateArrives() {
  console.log('-- inquiryUpdated while support answers');
  const client = createClient({ url, webSocketImpl: WebSocket, connectionParams, retryAttempts: 0 });
  const updates = client.iterate({ query: INQUIRY_SUBSCRIPTION, variables: { tracking: inquiryNumber } });
  console.log('READY inquiry-subscribed');
  const { value, done } = await updates.next();
  await updates.return();
  await client.dispose();
  if (!check(!done && value, 'an update arrives')) return;
  check(!value.errors, 'without errors', JSON.stringify(value.errors ?? []));
  const update = value.data?.inquiryUpdated ?? {};
  check(update.trackingNumber === inquiryNumber, 'of the subscribed inquiry', update.trackingNumber);
  check(update.status === 'ANSWERED', 'which is answered now', update.status);
  check(update.message?.author === 'SUPPORT', 'by support', JSON.stringify(update.message));
  check(update.message?.body === answerText, 'with the answer', update.message?.body);
  const messages = update.inquiry?.messages ?? [];
  check(
    update.inquiry?.status === update.status && messages.at(-1)?.id === update.message?.id,
    'and the inquiry with the answer last in its thread',
    JSON.stringify(update.inquiry),
  );
}

async function survivesARestart() {
  console.log('-- a gateway restart under a subscription');
  // One entry per connection the server acknowledged: how it closed, once it has.
  const connections = [];
  let current = null;
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    retryWait: () => new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200)),
    on: {
      connected: () => {
        current = { closed: null };
        connections.push(current);
      },
      closed: (event) => {
        if (current) current.closed = { code: event?.code, reason: event?.reason };
        current = null;
      },
    },
  });
  const changes = client.iterate({ query: ORDER_SUBSCRIPTION, variables: { orders: [orderNumber] } });
  console.log('READY restart-subscribed');
  const first = checkOrderChange(await changes.next(), 'before the restart');
  console.log('READY restart-first-change');
  const next = checkOrderChange(await changes.next(), 'after the restart, the same subscription');
  await changes.return();
  await client.dispose();
  check(next.status !== first.status, 'the order moved on from where it was', `${first.status} then ${next.status}`);
  const closed = connections[0]?.closed;
  check(closed?.code === GOING_AWAY, `the gateway closed the first connection with ${GOING_AWAY} Going Away`, JSON.stringify(closed));
  check(connections.length >= 2, 'the client connected again by itself', `${connections.length} connections`);
}

if (scenario === 'restart') {
  await survivesARestart();
} else {
  await badTokenIsRefused();
  await orderChangesAndComplete();
  await inquiryUpdateArrives();
}
clearTimeout(guard);
if (failures.length) {
  console.error(`${failures.length} check(s) failed: ${failures.join('; ')}`);
  process.exit(1);
}
console.log('all graphql-ws checks passed');
