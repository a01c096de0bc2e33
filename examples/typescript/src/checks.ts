// What each operation's answer must look like beyond its types: one function per operation,
// written against the generated result type, so a schema change that renames or removes a
// selected field stops this file compiling, and a wrong answer fails at run time.
import { strict as assert } from 'node:assert';

import type {
  ContractsToActQuery,
  DashboardQuery,
  MaintenanceEndingQuery,
  MyInquiriesQuery,
  RequestInvoicesAccessMutation,
  RequestInvoicesAccessMutationVariables,
  StatementQuery,
  StatementQueryVariables,
  UnmatchedInvoicesQuery,
} from './gql/graphql.js';

/** An exact decimal amount as the schema's `Money.amount` carries it. */
const DECIMAL = /^-?\d+(\.\d+)?$/;

function unique(ids: string[], what: string): void {
  assert.equal(new Set(ids).size, ids.length, `${what} ids repeat`);
}

export function dashboard(data: DashboardQuery, first: number): string {
  assert.ok(data.me?.userId, 'me.userId');
  assert.ok(data.me.tools.length > 0, 'me.tools is empty');
  const orders = data.orders;
  assert.ok(orders, 'orders is null');
  assert.ok(orders.edges.length > 0 && orders.edges.length <= first, `${orders.edges.length} orders`);
  assert.ok(orders.totalCount >= orders.edges.length, 'totalCount below the page');
  for (const { node } of orders.edges) {
    assert.match(node.orderNumber, /^\d{8,16}$/);
    assert.match(node.total.amount, DECIMAL);
  }
  unique(orders.edges.map((e) => e.node.id), 'order');
  return `${data.me.userId}: ${orders.edges.length} of ${orders.totalCount} orders, ${orders.excludedCustomers.length} customer numbers excluded`;
}

export function requestInvoicesAccess(
  data: RequestInvoicesAccessMutation,
  variables: RequestInvoicesAccessMutationVariables,
): string {
  const { authorization, userErrors } = data.requestToolAuthorization;
  assert.deepEqual(userErrors, [], 'userErrors');
  assert.ok(authorization, 'authorization is null');
  assert.equal(authorization.tool, 'INVOICES');
  assert.equal(authorization.customerNumber, variables.customerNumber);
  assert.ok(['PENDING', 'AUTHORIZED'].includes(authorization.status), authorization.status);
  return `Invoices on ${authorization.customerNumber}: ${authorization.status}`;
}

export function unmatchedInvoices(data: UnmatchedInvoicesQuery, first: number): string {
  const invoices = data.invoices;
  assert.ok(invoices, 'invoices is null');
  assert.ok(invoices.edges.length > 0 && invoices.edges.length <= first, `${invoices.edges.length} invoices`);
  for (const { node } of invoices.edges) {
    assert.ok(['OPEN', 'IN_REVIEW'].includes(node.status), `${node.invoiceNumber} is ${node.status}`);
    assert.ok(node.reconciliation.unmatchedLines > 0, `${node.invoiceNumber} has no unmatched line`);
    assert.match(node.total.amount, DECIMAL);
  }
  unique(invoices.edges.map((e) => e.node.id), 'invoice');
  return `${invoices.edges.length} unmatched invoices`;
}

export function statement(data: StatementQuery, variables: StatementQueryVariables): string {
  const [only, ...others] = data.statements ?? [];
  assert.ok(only, 'no statement');
  assert.equal(others.length, 0, 'more than one statement');
  assert.equal(only.customerNumber, variables.customerNumber);
  assert.equal(only.period, variables.period);
  assert.match(only.closingBalance.amount, DECIMAL);
  const lines = data.statementLines?.edges ?? [];
  assert.ok(lines.length > 0, 'no statement lines');
  const documents = lines.map(({ node }) => {
    // The union narrows on __typename: each member has its own number field.
    switch (node.document?.__typename) {
      case 'Invoice':
        return node.document.invoiceNumber;
      case 'CreditNote':
        return node.document.creditNoteNumber;
      default:
        return null;
    }
  });
  return `${only.customerNumber} ${only.period}: ${lines.length} lines (${documents.filter(Boolean).length} with a document), closing ${only.closingBalance.amount} ${only.currency}`;
}

export function maintenanceEnding(data: MaintenanceEndingQuery): string {
  const inventory = data.inventory;
  assert.ok(inventory, 'inventory is null');
  assert.ok(inventory.edges.length > 0, 'no items');
  for (const { node } of inventory.edges) {
    assert.ok(node.maintenance?.endsOn, `${node.serialNumber} has no maintenance end`);
  }
  unique(inventory.edges.map((e) => e.node.id), 'item');
  const sources = new Set(inventory.edges.map((e) => e.node.source));
  return `${inventory.edges.length} items from ${[...sources].sort().join(', ')}`;
}

export function contractsToAct(data: ContractsToActQuery): string {
  const { actionNeeded, endingSoon } = data.contractAlerts;
  for (const alert of [...actionNeeded, ...endingSoon]) {
    assert.match(alert.contractNumber, /^CTR-\d+$/);
  }
  assert.ok(actionNeeded.length + endingSoon.length > 0, 'no contract alerts');
  assert.ok(data.contracts.totalCount >= data.contracts.edges.length, 'totalCount below the page');
  return `${actionNeeded.length} to act on, ${endingSoon.length} ending soon, ${data.contracts.totalCount} ending within the window`;
}

export function myInquiries(data: MyInquiriesQuery, first: number): string {
  const form = data.inquiryForm;
  assert.match(form.contact.email, /@/);
  assert.ok(form.customerNumbers.length > 0, 'no customer numbers to ask about');
  assert.ok(form.limits.maxAttachments > 0);
  assert.ok(data.inquiries.edges.length <= first);
  return `form for ${form.contact.name} (${form.customerNumbers.length} customer numbers), ${data.inquiries.totalCount} inquiries`;
}
