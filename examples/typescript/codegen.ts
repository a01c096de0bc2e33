// GraphQL Code Generator's configuration: the client preset types every operation in
// ../operations against the checked-in schema (a document that does not validate fails here),
// and writes src/gql/persisted-documents.json, the manifest a safelisted gateway reads.
import type { CodegenConfig } from '@graphql-codegen/cli';

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
        enumsAsTypes: true,
        useTypeImports: true,
        // Relative imports with `.js`, as Node's ES modules (tsconfig `nodenext`) need them.
        emitLegacyCommonJSImports: false,
        scalars: { Date: 'string', DateTime: 'string' },
      },
      presetConfig: {
        fragmentMasking: false,
        // Ids `sha256:<SHA-256 of the normalised document>`, in each generated document's
        // __meta__.hash and as the keys of persisted-documents.json; the gateway's safelist
        // reads that file as it is and looks the ids up verbatim.
        persistedDocuments: { hashAlgorithm: 'sha256' },
      },
    },
  },
};

export default config;
