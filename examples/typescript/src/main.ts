// Runs the shared example operations (../operations) against a gateway with their generated
// types, and checks each answer. GATEWAY_URL (default http://127.0.0.1:4000) and GATEWAY_TOKEN
// (`cargo run --release -- token`) say where and who; `--ids-only` sends each document's
// persisted-document id instead of its text, as a client of a safelisted gateway does.
// Prints `ran <Operation>` per operation; exits non-zero on the first failure.
import variables from '../../operations/variables.json' with { type: 'json' };

import * as check from './checks.js';
import { execute, type Endpoint } from './client.js';
import {
  ContractsToActDocument,
  DashboardDocument,
  MaintenanceEndingDocument,
  MyInquiriesDocument,
  RequestInvoicesAccessDocument,
  StatementDocument,
  UnmatchedInvoicesDocument,
} from './gql/graphql.js';

const token = process.env['GATEWAY_TOKEN'];
if (!token) {
  console.error('GATEWAY_TOKEN is not set: TOKEN=$(cargo run -q --release -- token)');
  process.exit(2);
}
const endpoint: Endpoint = {
  url: (process.env['GATEWAY_URL'] ?? 'http://127.0.0.1:4000').replace(/\/$/, ''),
  token,
  mode: process.argv.includes('--ids-only') ? 'ids-only' : 'text',
};

/** Each operation: its name, and a run that executes it and checks the answer. */
const operations: Array<[string, () => Promise<string>]> = [
  ['Dashboard', async () => {
    const v = variables.Dashboard;
    return check.dashboard(await execute(endpoint, 'Dashboard', DashboardDocument, v), v.first);
  }],
  ['RequestInvoicesAccess', async () => {
    const v = variables.RequestInvoicesAccess;
    const data = await execute(endpoint, 'RequestInvoicesAccess', RequestInvoicesAccessDocument, v);
    return check.requestInvoicesAccess(data, v);
  }],
  ['UnmatchedInvoices', async () => {
    const v = variables.UnmatchedInvoices;
    const data = await execute(endpoint, 'UnmatchedInvoices', UnmatchedInvoicesDocument, v);
    return check.unmatchedInvoices(data, v.first);
  }],
  ['Statement', async () => {
    const v = variables.Statement;
    return check.statement(await execute(endpoint, 'Statement', StatementDocument, v), v);
  }],
  ['MaintenanceEnding', async () => {
    const v = variables.MaintenanceEnding;
    return check.maintenanceEnding(await execute(endpoint, 'MaintenanceEnding', MaintenanceEndingDocument, v));
  }],
  ['ContractsToAct', async () => {
    const v = variables.ContractsToAct;
    return check.contractsToAct(await execute(endpoint, 'ContractsToAct', ContractsToActDocument, v));
  }],
  ['MyInquiries', async () => {
    const v = variables.MyInquiries;
    return check.myInquiries(await execute(endpoint, 'MyInquiries', MyInquiriesDocument, v), v.first);
  }],
];

console.log(`${endpoint.url} (${endpoint.mode})`);
for (const [name, run] of operations) {
  try {
    console.log(`ran ${name}: ${await run()}`);
  } catch (error) {
    console.error(`FAIL ${name}: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
