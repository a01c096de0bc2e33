// React components as a frontend team writes them against supportgraph with Apollo Client 4:
// each hook takes a document generated from ../operations (src/react/gql/), so `data` and
// `variables` are typed by the operation itself: a field the operation does not select, or a
// variable it does not declare, does not compile. No result type is written by hand.
import { useMutation, useQuery } from '@apollo/client/react';
import { useState } from 'react';

import {
  DashboardDocument,
  MyInquiriesDocument,
  RequestInvoicesAccessDocument,
  StatementDocument,
  type StatementQueryVariables,
} from './gql/graphql.js';

/** What a component shows while its query is on its way, or when it failed. */
function Pending({ what, error }: { what: string; error?: Error | undefined }) {
  return error ? <p role="alert">{what}: {error.message}</p> : <p>Loading {what}…</p>;
}

/** Order Status: who you are, your tools, your company's newest orders. */
export function Dashboard({ first }: { first: number }) {
  const { data, error } = useQuery(DashboardDocument, { variables: { first } });
  if (!data?.me || !data.orders) return <Pending what="Dashboard" error={error} />;
  const { me, orders } = data;
  return (
    <section id="dashboard">
      <h1>{me.name}</h1>
      <ul className="tools">
        {me.tools.map((access) => (
          <li key={access.id} data-tool={`${access.tool} ${access.customerNumber}`}>
            {access.tool} on {access.customerNumber}: <b>{access.status}</b>
          </li>
        ))}
      </ul>
      <table className="orders">
        <caption>{orders.edges.length} of {orders.totalCount} orders</caption>
        <tbody>
          {orders.edges.map(({ node }) => (
            <tr key={node.id}>
              <td>{node.orderNumber}</td>
              <td>{node.orderDate}</td>
              <td>{node.status}</td>
              <td>{node.total.amount} {node.total.currency}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** One customer number's month: the closing balance and each line with its document. */
export function Statement(variables: StatementQueryVariables) {
  const { data, error } = useQuery(StatementDocument, { variables });
  const statement = data?.statements?.[0];
  if (!statement) return <Pending what="Statement" error={error} />;
  return (
    <section id="statement">
      <h2>{statement.customerNumber} {statement.period}</h2>
      <p className="closing">{statement.closingBalance.amount} {statement.currency}</p>
      <ul>
        {(data.statementLines?.edges ?? []).map(({ node }, i) => (
          <li key={i}>
            {node.date} {node.kind} {node.amount.amount}{' '}
            {/* The union narrows on __typename: each member has its own number field. */}
            {node.document?.__typename === 'Invoice' && node.document.invoiceNumber}
            {node.document?.__typename === 'CreditNote' && node.document.creditNoteNumber}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The pre-filled inquiry form's contact, and your latest inquiries. */
export function MyInquiries({ first }: { first: number }) {
  const { data, error } = useQuery(MyInquiriesDocument, { variables: { first } });
  if (!data) return <Pending what="MyInquiries" error={error} />;
  const { contact } = data.inquiryForm;
  return (
    <section id="inquiries">
      <p className="contact">{contact.name} &lt;{contact.email}&gt;</p>
      <ul>
        {data.inquiries.edges.map(({ node }) => (
          <li key={node.id}>
            {node.trackingNumber} {node.status}: {node.subject}
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * A button asking the customer administrator for Invoices on a customer number. The answer's
 * ToolAccess has the same id as the one `Dashboard` lists, so Apollo's normalised cache updates
 * the Dashboard's status by itself, with no refetch.
 */
export function RequestInvoicesAccess({ customerNumber }: { customerNumber: string }) {
  const [justification, setJustification] = useState('');
  const [request, { data, loading, error }] = useMutation(RequestInvoicesAccessDocument);
  const answer = data?.requestToolAuthorization;
  return (
    <form
      id="request-invoices-access"
      onSubmit={(event) => {
        event.preventDefault();
        // Errors show through `error` below; the promise is not needed.
        request({ variables: { customerNumber, justification } }).catch(() => {});
      }}
    >
      <input
        value={justification}
        onChange={(event) => setJustification(event.target.value)}
        placeholder="Why you need Invoices"
      />
      <button type="submit" disabled={loading}>
        {`Request Invoices on ${customerNumber}`}
      </button>
      {answer?.authorization && <p>{answer.authorization.status}</p>}
      {answer?.userErrors.map((e) => <p role="alert" key={e.code}>{e.message}</p>)}
      {error && <p role="alert">{error.message}</p>}
    </form>
  );
}
