"""Python gql against a running gateway, as data teams use it: the client fetches the schema by
introspection (fetch_schema_from_transport), validates a query against it locally, and runs it.

GATEWAY_URL is the gateway's base URL, GATEWAY_TOKEN a bearer token. Exits non-zero on failure.
"""

import os
import re
import sys

from gql import Client, gql
from gql.transport.requests import RequestsHTTPTransport


def main() -> int:
    url = os.environ["GATEWAY_URL"].rstrip("/") + "/graphql"
    token = os.environ["GATEWAY_TOKEN"]
    transport = RequestsHTTPTransport(
        url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30, retries=0
    )
    client = Client(transport=transport, fetch_schema_from_transport=True)
    with client as session:
        fields = client.schema.query_type.fields
        if "orders" not in fields or "node" not in fields:
            print(f"FAIL the fetched schema lacks Query.orders or Query.node: {sorted(fields)}")
            return 1
        print(f"ok   schema fetched by introspection: Query has {len(fields)} fields")
        try:
            session.execute(gql("{ orders(first: 1) { edges { node { noSuchField } } } }"))
            print("FAIL a query with an unknown field was not refused locally")
            return 1
        except Exception as error:  # graphql-core's GraphQLError, raised before any request
            print(f"ok   an invalid query is refused locally: {str(error).splitlines()[0]}")
        result = session.execute(
            gql("{ orders(first: 3) { totalCount edges { node { id orderNumber } } } }")
        )
        numbers = [edge["node"]["orderNumber"] for edge in result["orders"]["edges"]]
        if not numbers or not all(re.fullmatch(r"\d{12}", n) for n in numbers):
            print(f"FAIL expected order numbers, got {result}")
            return 1
        print(f"ok   orders: {numbers} of {result['orders']['totalCount']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
