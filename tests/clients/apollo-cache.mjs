// Apollo Client 4 (in Node, over fetch) against ${GATEWAY_URL}/graphql, as the demo user whose
// token is in ${GATEWAY_TOKEN} (globex-avery):
//   1. The normalised cache updates itself from a mutation payload: read `me.tools`, request
//      access for a ToolAccess that is NOT_REQUESTED, then read `me.tools` from the cache only —
//      that ToolAccess must now be PENDING, with no request sent. This needs a stable `id` on
//      Me and ToolAccess, and the payload returning the changed ToolAccess.
//   2. Automatic persisted queries with Apollo's PersistedQueryLink: the first client sends the
//      hash alone, gets PERSISTED_QUERY_NOT_FOUND and retries with the text; a second client with
//      a fresh cache then succeeds with the hash alone (its request carries no `query`).
// Exit code 0 only when every check passes.

import { createHash, randomBytes } from 'node:crypto';
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';

const base = (process.env.GATEWAY_URL ?? '').replace(/\/+$/, '');
const token = process.env.GATEWAY_TOKEN ?? '';
if (!base || !token) {
  console.error('GATEWAY_URL and GATEWAY_TOKEN must be set (the token for globex-avery)');
  process.exit(2);
}
const uri = `${base}/graphql`;
const headers = { authorization: `Bearer ${token}` };

const failures = [];
function check(ok, what, detail = '') {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${detail ? ` — ${detail}` : ''}`);
  if (!ok) failures.push(what);
  return ok;
}

/** A fetch that records each request's body and each response's status and text. */
function recordingFetch(log) {
  return async (input, init = {}) => {
    const entry = { method: init.method ?? 'GET', url: String(input) };
    try {
      entry.body = typeof init.body === 'string' ? JSON.parse(init.body) : null;
    } catch {
      entry.body = init.body;
    }
    const response = await fetch(input, init);
    entry.status = response.status;
    entry.text = await response.clone().text();
    log.push(entry);
    return response;
  };
}

function short(value) {
  return JSON.stringify(value).slice(0, 300);
}

async function cacheUpdatesFromMutationPayload() {
  console.log('-- normalised cache: a mutation payload updates me.tools');
  const log = [];
  const client = new ApolloClient({
    link: new HttpLink({ uri, headers, fetch: recordingFetch(log) }),
    cache: new InMemoryCache(),
  });
  const ME_TOOLS = gql`
    query MeTools {
      me { id userId tools { id tool customerNumber status } }
    }
  `;
  const { data } = await client.query({ query: ME_TOOLS, fetchPolicy: 'network-only' });
  const tools = data?.me?.tools ?? [];
  check(tools.length > 0, 'me.tools answers', `${tools.length} ToolAccess for ${data?.me?.userId}`);
  check(tools.every((t) => typeof t.id === 'string' && t.id.length > 0), 'every ToolAccess has an id');
  const ids = new Set(tools.map((t) => t.id));
  check(ids.size === tools.length, 'ToolAccess ids are distinct');

  const open = tools.filter((t) => t.status === 'NOT_REQUESTED');
  const target =
    open.find((t) => t.tool === 'INVOICES' && t.customerNumber === '1000102') ?? open[0];
  if (!check(Boolean(target), 'a ToolAccess is NOT_REQUESTED (to ask for)',
    target ? `${open.length} of ${tools.length}` : short(tools))) return;
  console.log(`     asking for ${target.tool} on ${target.customerNumber} (${target.id})`);

  const REQUEST = gql`
    mutation Request($input: RequestToolAuthorizationInput!) {
      requestToolAuthorization(input: $input) {
        authorization { id tool customerNumber status }
        userErrors { field message code }
      }
    }
  `;
  const { data: answer } = await client.mutate({
    mutation: REQUEST,
    variables: {
      input: {
        tool: target.tool,
        customerNumber: target.customerNumber,
        justification: 'Apollo client check: I reconcile this customer number',
      },
    },
  });
  const payload = answer?.requestToolAuthorization;
  check((payload?.userErrors ?? []).length === 0, 'the mutation has no userErrors', short(payload?.userErrors));
  check(payload?.authorization?.status === 'PENDING', 'the payload returns the ToolAccess as PENDING', short(payload?.authorization));
  check(payload?.authorization?.id === target.id, 'the payload ToolAccess has the same id as in me.tools',
    `${payload?.authorization?.id} vs ${target.id}`);

  const requestsBefore = log.length;
  const cached = client.readQuery({ query: ME_TOOLS });
  const { data: cacheOnly } = await client.query({ query: ME_TOOLS, fetchPolicy: 'cache-only' });
  check(log.length === requestsBefore, 'reading me.tools from the cache sent no request');
  for (const [how, result] of [['readQuery', cached], ["fetchPolicy: 'cache-only'", cacheOnly]]) {
    const now = result?.me?.tools?.find((t) => t.id === target.id);
    check(now?.status === 'PENDING', `${how}: the cached ToolAccess now shows PENDING`, short(now));
  }
}

async function persistedQueryRoundTrip() {
  console.log('-- automatic persisted queries (PersistedQueryLink)');
  const sha256 = (text) => createHash('sha256').update(text).digest('hex');
  // A document no gateway has seen, so the first request cannot hit a registration of an
  // earlier run (registrations may live in a shared Redis).
  const nonce = randomBytes(6).toString('hex');
  const DOCUMENT = gql(`
    query PersistedCheck {
      run_${nonce}: __typename
      me { userId }
    }
  `);
  const newClient = (log) =>
    new ApolloClient({
      link: ApolloLink.from([
        new PersistedQueryLink({ sha256 }),
        new HttpLink({ uri, headers, fetch: recordingFetch(log) }),
      ]),
      cache: new InMemoryCache(),
    });

  const firstLog = [];
  const first = await newClient(firstLog).query({ query: DOCUMENT, fetchPolicy: 'network-only' });
  check(first.data?.me?.userId !== undefined, 'first client: the query succeeds', short(first.data));
  check(firstLog.length === 2, 'first client: two requests (hash, then hash with text)',
    firstLog.map((e) => `${e.method} ${e.status} query:${Boolean(e.body?.query)}`).join('; '));
  const [hashOnly, withText] = firstLog;
  check(Boolean(hashOnly?.body?.extensions?.persistedQuery?.sha256Hash) && !hashOnly?.body?.query,
    'first request: hash only', short(hashOnly?.body));
  check(/PERSISTED_QUERY_NOT_FOUND|PersistedQueryNotFound/.test(hashOnly?.text ?? ''),
    'first answer: PERSISTED_QUERY_NOT_FOUND', `status ${hashOnly?.status}: ${hashOnly?.text?.slice(0, 200)}`);
  check(Boolean(withText?.body?.query) && Boolean(withText?.body?.extensions?.persistedQuery),
    'second request: hash and text', short(withText?.body?.extensions));

  const secondLog = [];
  const second = await newClient(secondLog).query({ query: DOCUMENT, fetchPolicy: 'network-only' });
  check(second.data?.me?.userId === first.data?.me?.userId, 'second client (fresh cache): the query succeeds', short(second.data));
  check(secondLog.length === 1, 'second client: one request', `${secondLog.length} requests`);
  check(secondLog.every((e) => e.body?.query === undefined) && secondLog.length > 0,
    'second client: the request carried the hash and no query text', short(secondLog[0]?.body));
}

for (const step of [cacheUpdatesFromMutationPayload, persistedQueryRoundTrip]) {
  try {
    await step();
  } catch (error) {
    const detail = error?.errors ? short(error.errors) : (error?.stack ?? String(error));
    check(false, `${step.name} ran to the end`, detail);
  }
}

if (failures.length > 0) {
  console.error(`\n${failures.length} check(s) failed: ${failures.join('; ')}`);
  process.exit(1);
}
console.log('\nApollo Client: every check passed');
process.exit(0);
