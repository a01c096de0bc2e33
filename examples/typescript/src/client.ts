// A minimal typed GraphQL client over Node's fetch: the document decides the types of the
// variables it takes and of the data it answers, so a call that does not match the schema
// does not compile.
import type { TypedDocumentString } from './gql/graphql.js';

/** How a document travels: as its text, or as its persisted-document id alone. */
export type Mode = 'text' | 'ids-only';

/** One GraphQL error as the gateway sends it. */
export interface GraphQLError {
  message: string;
  extensions?: { code?: string };
}

/** An answer with errors, or without data. */
export class GraphQLRequestError extends Error {
  constructor(
    readonly operation: string,
    readonly status: number,
    readonly errors: GraphQLError[],
  ) {
    const codes = errors.map((e) => e.extensions?.code ?? '?').join(', ');
    super(`${operation}: HTTP ${status}, errors [${codes}]: ${errors.map((e) => e.message).join('; ')}`);
  }
}

/** Where the gateway is and who asks. */
export interface Endpoint {
  url: string;
  token: string;
  mode: Mode;
}

/** Runs `document` with `variables` and answers its data, or throws on any error. */
export async function execute<TResult, TVariables>(
  endpoint: Endpoint,
  operation: string,
  document: TypedDocumentString<TResult, TVariables>,
  variables: NoInfer<TVariables>,
): Promise<TResult> {
  const body: Record<string, unknown> = { operationName: operation, variables };
  if (endpoint.mode === 'ids-only') {
    const id = document.__meta__?.['hash'];
    if (typeof id !== 'string') {
      throw new Error(`${operation}: the document has no persisted-document id (run npm run codegen)`);
    }
    body['extensions'] = { persistedQuery: { version: 1, sha256Hash: id } };
  } else {
    body['query'] = document.toString();
  }
  const response = await fetch(`${endpoint.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      authorization: `Bearer ${endpoint.token}`,
    },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as { data?: TResult | null; errors?: GraphQLError[] };
  if (!response.ok || answer.errors?.length || answer.data == null) {
    throw new GraphQLRequestError(operation, response.status, answer.errors ?? []);
  }
  return answer.data;
}
