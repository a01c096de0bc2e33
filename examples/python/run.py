"""The shared example operations (../operations/*.graphql, variables in
../operations/variables.json) run with Python gql, as a data team's script would.

The client is given the checked-in schema (schema/supportgraph.graphql), so gql validates each
document locally before sending it. Each answer must have every top-level field non-null and no
errors; the script stops at the first that does not (exit 1). Prints `ran <Operation>` per
operation.

  GATEWAY_URL    the gateway (default http://127.0.0.1:4000)
  GATEWAY_TOKEN  a bearer token: TOKEN=$(cargo run -q --release -- token)
"""

import json
import os
import sys
from pathlib import Path

from gql import Client, GraphQLRequest, gql
from gql.transport.requests import RequestsHTTPTransport
from graphql import OperationDefinitionNode

HERE = Path(__file__).resolve().parent
OPERATIONS = HERE.parent / "operations"
SCHEMA = HERE.parent.parent / "schema" / "supportgraph.graphql"


def operation_name(request: GraphQLRequest) -> str:
    """The name of the document's (only) operation."""
    for definition in request.document.definitions:
        if isinstance(definition, OperationDefinitionNode) and definition.name:
            return definition.name.value
    raise ValueError("the document names no operation")


def main() -> int:
    token = os.environ.get("GATEWAY_TOKEN")
    if not token:
        print("GATEWAY_TOKEN is not set: TOKEN=$(cargo run -q --release -- token)", file=sys.stderr)
        return 2
    url = os.environ.get("GATEWAY_URL", "http://127.0.0.1:4000").rstrip("/") + "/graphql"
    variables = json.loads((OPERATIONS / "variables.json").read_text())
    transport = RequestsHTTPTransport(
        url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30, retries=0
    )
    client = Client(transport=transport, schema=SCHEMA.read_text())
    print(url)
    with client as session:
        for path in sorted(OPERATIONS.glob("*.graphql")):
            parsed = gql(path.read_text())
            name = operation_name(parsed)
            request = GraphQLRequest(
                parsed.document, variable_values=variables.get(name, {}), operation_name=name
            )
            try:
                # Validated against the schema here, then sent; errors in the answer raise.
                data = session.execute(request)
            except Exception as error:  # gql's TransportQueryError, graphql-core's GraphQLError
                print(f"FAIL {name}: {error}", file=sys.stderr)
                return 1
            empty = [field for field, value in data.items() if value is None]
            if not data or empty:
                print(f"FAIL {name}: no data for {empty or 'any field'}: {data}", file=sys.stderr)
                return 1
            print(f"ran {name}: {list(data)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
