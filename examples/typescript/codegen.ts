// GraphQL Code Generator's configuration: the client preset types every operation in
// ../operations against the checked-in schema (a document that does not validate fails here),
// twice: src/gql/ as typed strings for the fetch client, with persisted-documents.json, the
// manifest a safelisted gateway reads; src/react/gql/ as typed ASTs (TypedDocumentNode), what
// Apollo Client's hooks take.
import type { CodegenConfig } from '@graphql-codegen/cli';

/** Shared by both outputs: how the schema's scalars and enums look in TypeScript. */
const common = {
  enumsAsTypes: true,
  useTypeImports: true,
  // Relative imports with `.js`, as Node's ES modules (tsconfig `nodenext`) need them.
  emitLegacyCommonJSImports: false,
  scalars: { Date: 'string', DateTime: 'string' },
};

const config: CodegenConfig = {
  schema: '../../schema/supportgraph.graphql',
  documents: ['../operations/*.graphql'],
  ignoreNoDocuments: false,
  generates: {
    './src/gql/': {
      preset: 'client',
      config: {
        // Plain strings rather than ASTs: a fetch client sends text, and needs no graphql-js.
        documentMode: 'string',
        ...common,
      },
      presetConfig: {
        fragmentMasking: false,
        // Ids `sha256:<SHA-256 of the normalised document>`, in each generated document's
        // __meta__.hash and as the keys of persisted-documents.json; the gateway's safelist
        // reads that file as it is and looks the ids up verbatim.
        persistedDocuments: { hashAlgorithm: 'sha256' },
      },
    },
    // The React example (src/react/): `DashboardDocument` is a TypedDocumentNode, so
    // `useQuery(DashboardDocument, ...)` infers `data` and `variables` from it.
    './src/react/gql/': {
      preset: 'client',
      config: common,
      presetConfig: { fragmentMasking: false },
    },
  },
};

export default config;
