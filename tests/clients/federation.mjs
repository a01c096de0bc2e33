// A partner's supergraph over supportgraph, as a partner builds one: supportgraph's subgraph SDL
// (`_service { sdl }` from ${GATEWAY_URL}) composed with a second, tiny subgraph of the partner's
// own by The Guild's federation composition, served by Hive Gateway with the client's bearer
// token forwarded to every subgraph. The partner's subgraph adds `Order.partnerNote` and a root
// field `partnerPicks` that names orders by ID only, so one query crosses both subgraphs both
// ways:
//   1. `orders` (supportgraph) with `partnerNote` (the partner, through its `_entities`);
//   2. `partnerPicks` (the partner) with `orderNumber` and `status` (supportgraph, through its
//      `_entities`, as the token's user): the picks are ${ORDER_ID} (an order of the token's
//      company) and ${FOREIGN_ORDER_ID} (another company's), which must come back as data and
//      as null.
//   3. Without a token, supportgraph's part is refused, not answered.
// Needs GATEWAY_URL, GATEWAY_TOKEN, ORDER_ID, ORDER_NUMBER and FOREIGN_ORDER_ID. Exit code 0
// only when every check passes.

import { createServer } from 'node:http';

import { createGatewayRuntime } from '@graphql-hive/gateway';
import { composeServices } from '@theguild/federation-composition';
import { buildSchema, graphql, parse } from 'graphql';

const base = (process.env.GATEWAY_URL ?? '').replace(/\/+$/, '');
const token = process.env.GATEWAY_TOKEN ?? '';
const orderId = process.env.ORDER_ID ?? '';
const orderNumber = process.env.ORDER_NUMBER ?? '';
const foreignOrderId = process.env.FOREIGN_ORDER_ID ?? '';
if (!base || !token || !orderId || !orderNumber || !foreignOrderId) {
  console.error('GATEWAY_URL, GATEWAY_TOKEN, ORDER_ID, ORDER_NUMBER and FOREIGN_ORDER_ID must be set');
  process.exit(2);
}

const failures = [];
function check(ok, what, detail = '') {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${detail ? ` — ${detail}` : ''}`);
  if (!ok) failures.push(what);
  return ok;
}

const guard = setTimeout(() => {
  console.error('FAIL nothing finished within 90 s');
  process.exit(1);
}, 90_000);

async function post(url, body, headers = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return response.json();
}

/** Listens on a free loopback port; resolves to the server's base URL. */
function listen(server) {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`));
  });
}

// --- The partner's subgraph: plain graphql-js, with the federation fields written out. ---
const PARTNER_SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])

type Order @key(fields: "id") {
  id: ID!
  partnerNote: String!
}

type Query {
  "Orders the partner picked, by ID; one the caller may not see comes back null."
  partnerPicks: [Order]!
}
`;
const partnerSchema = buildSchema(`
scalar _Any
type _Service { sdl: String }
union _Entity = Order
type Order { id: ID! partnerNote: String! }
type Query {
  partnerPicks: [Order]!
  _service: _Service!
  _entities(representations: [_Any!]!): [_Entity]!
}
`);
const note = (id) => `picked by the partner: ${id.slice(0, 12)}`;
const partnerRoot = {
  partnerPicks: () =>
    [orderId, foreignOrderId].map((id) => ({ __typename: 'Order', id, partnerNote: note(id) })),
  _service: () => ({ sdl: PARTNER_SDL }),
  _entities: ({ representations }) =>
    representations.map((r) => ({ __typename: 'Order', id: r.id, partnerNote: note(r.id) })),
};
const partnerSeen = [];
const partner = createServer(async (request, response) => {
  let text = '';
  for await (const chunk of request) text += chunk;
  const { query, variables } = JSON.parse(text);
  partnerSeen.push(request.headers.authorization ?? null);
  const result = await graphql({
    schema: partnerSchema,
    source: query,
    rootValue: partnerRoot,
    variableValues: variables,
  });
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify(result));
});
const partnerUrl = `${await listen(partner)}/graphql`;

// --- Compose, as a partner's CI would. ---
const service = await post(`${base}/graphql`, { query: '{ _service { sdl } }' }, {
  authorization: `Bearer ${token}`,
});
const supportgraphSdl = service?.data?._service?.sdl;
check(typeof supportgraphSdl === 'string' && supportgraphSdl.includes('@key'),
  "supportgraph's _service answers a Federation v2 SDL");
const composed = composeServices([
  { name: 'supportgraph', typeDefs: parse(supportgraphSdl), url: `${base}/graphql` },
  { name: 'partner', typeDefs: parse(PARTNER_SDL), url: partnerUrl },
]);
check(!composed.errors, 'the two subgraphs compose into a supergraph',
  (composed.errors ?? []).map((e) => e.message).join('; '));
if (composed.errors) {
  process.exit(1);
}

// --- Hive Gateway over the supergraph, forwarding the client's token. ---
const gateway = createGatewayRuntime({
  supergraph: composed.supergraphSdl,
  logging: false,
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) => ({
      authorization: request.headers.get('authorization'),
    }),
  },
});
const router = createServer(gateway);
const routerUrl = `${await listen(router)}/graphql`;
const asUser = { authorization: `Bearer ${token}` };

// 1. From supportgraph to the partner.
const orders = await post(routerUrl, {
  query: '{ orders(first: 3) { edges { node { id orderNumber partnerNote } } } }',
}, asUser);
const edges = orders?.data?.orders?.edges ?? [];
check(edges.length === 3 && !orders.errors, "supportgraph's orders arrive through the router",
  JSON.stringify(orders).slice(0, 400));
check(edges.every((e) => e.node.partnerNote === note(e.node.id)),
  "each order carries the partner's note, resolved by the partner's _entities");

// 2. From the partner to supportgraph, as the token's user.
const picks = await post(routerUrl, {
  query: '{ partnerPicks { id orderNumber status partnerNote } }',
}, asUser);
const [own, foreign] = picks?.data?.partnerPicks ?? [];
check(own?.orderNumber === orderNumber && typeof own?.status === 'string',
  "the company's own order is completed by supportgraph's _entities",
  JSON.stringify(picks).slice(0, 400));
check(foreign?.orderNumber == null && foreign?.status == null,
  "another company's order gets nothing from supportgraph", JSON.stringify(foreign));
check(partnerSeen.includes(`Bearer ${token}`), 'the router forwarded the bearer token');

// 3. Without the token, supportgraph refuses its part.
const anonymous = await post(routerUrl, { query: '{ orders(first: 1) { totalCount } }' });
check(anonymous?.data?.orders == null && (anonymous?.errors ?? []).length > 0,
  "without a token, supportgraph's part is refused", JSON.stringify(anonymous).slice(0, 300));

clearTimeout(guard);
router.close();
partner.close();
await gateway.dispose?.();
if (failures.length) {
  console.error(`\n${failures.length} check(s) failed`);
  process.exit(1);
}
console.log('\nfederation: every check passed');
process.exit(0);
