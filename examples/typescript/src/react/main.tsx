// Runs the React components (./components.tsx) for real against a gateway, in Node: Apollo
// Client 4's `prerenderStatic` renders the page with React's `prerenderToNodeStream` until every
// `useQuery` has its answer, then each check finds the answer's data (read back from Apollo's
// cache with the same typed document) in the rendered HTML. A mutation does not fire during
// server rendering (no effects, no events), so RequestInvoicesAccess runs through
// `client.mutate` with the same typed document the component's `useMutation` takes, and a second
// render checks that the normalised cache put its answer into the Dashboard's tool list.
// GATEWAY_URL (default http://127.0.0.1:4000) and GATEWAY_TOKEN say where and who. Prints
// `ran <Operation>` per operation; exits non-zero on the first failure.
import { strict as assert } from 'node:assert';

import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { ErrorLink } from '@apollo/client/link/error';
import { ApolloProvider } from '@apollo/client/react';
import { prerenderStatic } from '@apollo/client/react/ssr';
import { prerenderToNodeStream } from 'react-dom/static';

import variables from '../../../operations/variables.json' with { type: 'json' };
import { Dashboard, MyInquiries, RequestInvoicesAccess, Statement } from './components.js';
import {
  DashboardDocument,
  MyInquiriesDocument,
  RequestInvoicesAccessDocument,
  StatementDocument,
} from './gql/graphql.js';

const token = process.env['GATEWAY_TOKEN'];
if (!token) {
  console.error('GATEWAY_TOKEN is not set: TOKEN=$(cargo run -q --release -- token)');
  process.exit(2);
}
const url = (process.env['GATEWAY_URL'] ?? 'http://127.0.0.1:4000').replace(/\/$/, '');

/** Every error an operation answered, as the components saw it. */
const errors: string[] = [];
/** How many operations went to the gateway. */
let sent = 0;
const client = new ApolloClient({
  link: ApolloLink.from([
    new ApolloLink((operation, forward) => {
      sent += 1;
      return forward(operation);
    }),
    new ErrorLink(({ error, operation }) => {
      errors.push(`${operation.operationName}: ${error.message}`);
    }),
    new HttpLink({ uri: `${url}/graphql`, headers: { authorization: `Bearer ${token}` } }),
  ]),
  cache: new InMemoryCache(),
});

const page = (
  <ApolloProvider client={client}>
    <main>
      <Dashboard first={variables.Dashboard.first} />
      <Statement {...variables.Statement} />
      <MyInquiries first={variables.MyInquiries.first} />
      <RequestInvoicesAccess customerNumber={variables.RequestInvoicesAccess.customerNumber} />
    </main>
  </ApolloProvider>
);

/** The page's HTML once every query has answered (from the cache when it already has). */
async function render(): Promise<string> {
  const { result, aborted } = await prerenderStatic({
    tree: page,
    renderFunction: prerenderToNodeStream,
    signal: AbortSignal.timeout(30_000),
  });
  assert.ok(!aborted, 'the render did not finish within 30 s');
  assert.deepEqual(errors, [], 'the operations answered errors');
  return result;
}

/** Text as React writes it into HTML. */
function html(text: string): string {
  const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;' };
  return text.replace(/[&<>"']/g, (c) => entities[c] ?? c);
}

function rendered(page: string, text: string, what: string): void {
  assert.ok(page.includes(html(text)), `${what} (${text}) is not in the rendered page`);
}

/** The status the Dashboard shows for a tool on a customer number. */
function shownStatus(page: string, tool: string, customerNumber: string): string | undefined {
  const item = page.match(new RegExp(`<li data-tool="${tool} ${customerNumber}">(.*?)</li>`));
  return item?.[1]?.match(/<b>(\w+)<\/b>/)?.[1];
}

async function run(): Promise<Array<[string, () => string | Promise<string>]>> {
  const initial = await render();
  return [
    ['Dashboard', () => {
      const data = client.readQuery({ query: DashboardDocument, variables: variables.Dashboard });
      assert.ok(data?.me && data.orders, 'no Dashboard data');
      rendered(initial, data.me.name, 'me.name');
      assert.ok(data.orders.edges.length > 0, 'no orders');
      for (const { node } of data.orders.edges) rendered(initial, node.orderNumber, 'an order number');
      return `${data.me.name} and ${data.orders.edges.length} orders rendered by useQuery`;
    }],
    ['Statement', () => {
      const data = client.readQuery({ query: StatementDocument, variables: variables.Statement });
      const statement = data?.statements?.[0];
      assert.ok(statement, 'no statement');
      rendered(initial, statement.closingBalance.amount, 'the closing balance');
      const lines = data.statementLines?.edges ?? [];
      assert.ok(lines.length > 0, 'no statement lines');
      for (const { node } of lines) rendered(initial, node.amount.amount, 'a line amount');
      return `${statement.customerNumber} ${statement.period}: closing ${statement.closingBalance.amount} and ${lines.length} lines rendered`;
    }],
    ['MyInquiries', () => {
      const data = client.readQuery({ query: MyInquiriesDocument, variables: variables.MyInquiries });
      assert.ok(data, 'no MyInquiries data');
      rendered(initial, data.inquiryForm.contact.email, 'the contact e-mail');
      for (const { node } of data.inquiries.edges) rendered(initial, node.trackingNumber, 'a tracking number');
      return `${data.inquiryForm.contact.email} and ${data.inquiries.edges.length} inquiries rendered`;
    }],
    ['RequestInvoicesAccess', async () => {
      const v = variables.RequestInvoicesAccess;
      rendered(initial, `Request Invoices on ${v.customerNumber}`, 'the request button');
      const before = shownStatus(initial, 'INVOICES', v.customerNumber);
      assert.ok(before, `the Dashboard lists no INVOICES on ${v.customerNumber}`);
      const { data } = await client.mutate({ mutation: RequestInvoicesAccessDocument, variables: v });
      const answer = data?.requestToolAuthorization;
      assert.ok(answer, 'no answer');
      assert.deepEqual(answer.userErrors, [], 'userErrors');
      assert.ok(answer.authorization, 'authorization is null');
      const status = answer.authorization.status;
      assert.ok(['PENDING', 'AUTHORIZED'].includes(status), status);
      // Rendered again from the cache alone: the mutation's ToolAccess replaced the listed one.
      const sentBefore = sent;
      const again = await render();
      assert.equal(sent, sentBefore, 'the second render sent operations');
      assert.equal(shownStatus(again, 'INVOICES', v.customerNumber), status, 'the Dashboard after the mutation');
      return `client.mutate answered ${status}; the Dashboard, re-rendered from the cache, went from ${before} to ${status}`;
    }],
  ];
}

console.log(`${url} (React, Apollo Client prerenderStatic)`);
let name = 'render';
try {
  for (const [operation, check] of await run()) {
    name = operation;
    console.log(`ran ${operation}: ${await check()}`);
  }
} catch (error) {
  console.error(`FAIL ${name}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
} finally {
  client.stop();
}
