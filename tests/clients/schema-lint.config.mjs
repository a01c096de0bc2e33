// The lint of the client-facing schema, schema/supportgraph.graphql (ESLint flat config, run by
// .ci/check-schema-lint). It starts from graphql-eslint's `schema-all` and `schema-relay` sets;
// every rule switched off or configured below says why, and README.md ("Schema quality") lists
// them. The schema is generated from the Rust code, so a finding is fixed there (a `///` doc
// comment, `#[graphql(desc = "...")]`), then the file is regenerated with `cargo run -- schema`.
//
// Names already in the schema are never renamed to please a rule (that would break clients):
// such a name is listed in `KNOWN_EXCEPTIONS` with its reason, so the rule still holds for
// everything new.
//
// SCHEMA_FILE names the schema file, relative to the working directory, which is ESLint's base
// path: .ci/check-schema-lint runs ESLint in the schema's directory (the tests lint broken copies
// elsewhere).
import graphql from "@graphql-eslint/eslint-plugin";

const schemaFile = process.env.SCHEMA_FILE ?? "schema/supportgraph.graphql";

// Single findings accepted on purpose: the rule, the definition the finding is in, its exact
// message, and why.
const KNOWN_EXCEPTIONS = [
  {
    rule: "no-unreachable-types",
    in: "specifiedBy",
    message: "Directive `specifiedBy` is unreachable.",
    why: "a directive of the GraphQL spec that async-graphql always prints; not ours to remove",
  },
  {
    rule: "input-name",
    in: "Mutation",
    message: 'Input "trackingNumber" should be named "input" for "Mutation.closeInquiry"',
    why: "closeInquiry takes the tracking number alone; renaming the argument breaks clients",
  },
  {
    rule: "relay-edge-types",
    in: "StatementLineEdge",
    message: "Edge type's field `node` must implement `Node` interface.",
    why: "a statement line's ID is stable but not global: lines are listed, never fetched by node(id:)",
  },
  ...[
    ["Contract", "contractNumber"],
    ["Contract", "contractType"],
    ["CreditNote", "creditNoteNumber"],
    ["Customer", "customerNumber"],
    ["Invoice", "invoiceNumber"],
    ["Invoice", "invoiceDate"],
    ["Order", "orderNumber"],
    ["Order", "orderDate"],
  ].map(([type, field]) => ({
    rule: "no-typename-prefix",
    in: type,
    message: `Field "${field}" starts with the name of the parent type "${type}"`,
    why: "the business's own terms (printed on orders, invoices and contracts, used by every backend); renaming breaks clients",
  })),
];

// Object types that rightly have no `id: ID!`: payloads, connections and edges (by suffix), and
// values that only exist inside their parent (a line of an invoice, an address, an amount).
// ContractComment, InquiryAttachment and InquiryMessage have an `id: String!`, the backend's own
// ID of a comment, document or message, not a global ID; changing its type would break clients.
const TYPES_WITHOUT_ID = [
  "Address",
  "ConfigurationFeature",
  "ContractAlert",
  "ContractAlerts",
  "ContractApproval",
  "ContractComment",
  "ContractEvent",
  "ContractParty",
  "ContractPrint",
  "ContractSignature",
  "ContractVersion",
  "ExcludedCustomer",
  "ExportLink",
  "GuestOrderStatus",
  "GuestShipment",
  "InquiryAttachment",
  "InquiryContact",
  "InquiryForm",
  "InquiryFormContact",
  "InquiryFormCustomer",
  "InquiryFormLimits",
  "InquiryMessage",
  "InquiryUpdate",
  "InventoryLocation",
  "InventoryRequest",
  "InvoiceLine",
  "InvoiceReconciliation",
  "Lease",
  "Maintenance",
  "Money",
  "OrderExport",
  "OrderLine",
  "OrderParty",
  "OrderStatusChange",
  "OrderStatusEvent",
  "PageInfo",
  "Profile",
  "ServiceLevel",
  "Shipment",
  "StatementTotals",
  "UserError",
];

// The name of the definition (type, input, enum, directive...) that `line` (1-based) is in: the
// printed SDL starts every definition at column 0.
const definitionAt = (lines, line) => {
  for (let index = line - 1; index >= 0; index -= 1) {
    const found = /^(?:type|input|enum|interface|union|scalar|directive)\s+@?(\w+)/.exec(lines[index]);
    if (found) return found[1];
  }
  return undefined;
};

const isKnownException = (lines, finding) =>
  KNOWN_EXCEPTIONS.some(
    (known) =>
      finding.ruleId === `@graphql-eslint/${known.rule}` &&
      finding.message === known.message &&
      definitionAt(lines, finding.line) === known.in,
  );

// The text of the file being linted, kept by `preprocess` for `postprocess`.
let linted = [];

export default [
  {
    files: ["**/*.graphql"],
    languageOptions: {
      parser: graphql.parser,
      parserOptions: { graphQLConfig: { schema: schemaFile } },
    },
    plugins: { "@graphql-eslint": graphql },
    // Drops the findings listed in KNOWN_EXCEPTIONS, nothing else.
    processor: {
      meta: { name: "supportgraph-known-exceptions" },
      preprocess: (text) => {
        linted = text.split("\n");
        return [text];
      },
      postprocess: ([findings]) => findings.filter((finding) => !isKnownException(linted, finding)),
      supportsAutofix: true,
    },
    rules: {
      ...graphql.configs["flat/schema-all"].rules,
      ...graphql.configs["flat/schema-relay"].rules,

      // Everything described: types, fields, arguments, input fields, enum values, scalars,
      // directives. The arguments of the spec's own @include, @skip and @specifiedBy are printed
      // by async-graphql without descriptions.
      "@graphql-eslint/require-description": [
        "error",
        {
          types: true,
          rootField: true,
          DirectiveDefinition: true,
          FieldDefinition: true,
          InputValueDefinition: true,
          EnumValueDefinition: true,
          ignoredSelectors: [
            "InputValueDefinition[parent.kind=DirectiveDefinition][parent.name.value=/^(include|skip|specifiedBy)$/]",
          ],
        },
      ],
      "@graphql-eslint/strict-id-in-types": [
        "error",
        {
          acceptedIdNames: ["id"],
          acceptedIdTypes: ["ID"],
          exceptions: {
            suffixes: ["Payload", "Connection", "Edge"],
            types: TYPES_WITHOUT_ID,
          },
        },
      ],
      // Short bounded lists (an invoice's lines, a contract's parties) are plain lists; only
      // lists that grow without bound are connections.
      "@graphql-eslint/relay-edge-types": ["error", { listTypeCanWrapOnlyEdgeType: false }],
      // Connections page forwards (first/after), which is all the portal and the exports need;
      // backward arguments would be a promise nobody uses.
      "@graphql-eslint/relay-arguments": ["error", { includeBoth: false }],

      // Off: field order follows the reading order in the portal (id, numbers, dates, parties),
      // which GraphiQL and the docs show as is.
      "@graphql-eslint/alphabetize": "off",
      // Off: mutations and subscriptions are the tools and the live updates of the product.
      "@graphql-eslint/no-root-type": "off",
      // Off: payloads return the changed object and userErrors; a `query: Query` field adds
      // nothing a client cannot ask for in the next request.
      "@graphql-eslint/require-field-of-type-query-in-mutation-result": "off",
      // Off: a mutation always answers its payload (failures are userErrors), so the payload is
      // non-null; making it nullable now would break clients.
      "@graphql-eslint/require-nullable-result-in-root": "off",
      // Off: it wants a deletionDate argument on @deprecated, which async-graphql cannot print;
      // a deprecation's reason says when instead.
      "@graphql-eslint/require-deprecation-date": "off",
    },
  },
];
