#!/usr/bin/env bash
# The shared example operations (../operations/*.graphql, variables in ../operations/variables.json)
# sent with nothing but curl and jq, as a shell script or a CI job would. Each answer must have
# data, every top-level field of it non-null, and no errors; the script stops at the first that
# does not (exit 1). Prints `ran <Operation>` per operation.
#
#   GATEWAY_URL   the gateway (default http://127.0.0.1:4000)
#   GATEWAY_TOKEN a bearer token: TOKEN=$(cargo run -q --release -- token)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
operations="$here/../operations"
url="${GATEWAY_URL:-http://127.0.0.1:4000}"
url="${url%/}/graphql"
: "${GATEWAY_TOKEN:?set GATEWAY_TOKEN, e.g. GATEWAY_TOKEN=\$(cargo run -q --release -- token)}"
for tool in curl jq; do
  command -v "$tool" >/dev/null || { echo "$tool is needed" >&2; exit 2; }
done

answer="$(mktemp)"
trap 'rm -f "$answer"' EXIT

echo "$url"
for file in "$operations"/*.graphql; do
  # The operation's name: the first `query Name` or `mutation Name` of the file.
  name="$(grep -oE '^(query|mutation) [A-Za-z_][A-Za-z0-9_]*' "$file" | head -n1 | cut -d' ' -f2)"
  [[ -n "$name" ]] || { echo "FAIL $file names no operation" >&2; exit 1; }
  body="$(jq -n --rawfile query "$file" --arg name "$name" \
    --argjson variables "$(jq --arg name "$name" '.[$name] // {}' "$operations/variables.json")" \
    '{query: $query, operationName: $name, variables: $variables}')"
  status="$(curl -sS -o "$answer" -w '%{http_code}' "$url" \
    -H "Authorization: Bearer $GATEWAY_TOKEN" \
    -H 'Content-Type: application/json' \
    -H 'Accept: application/graphql-response+json' \
    --data-binary "$body")"
  if [[ "$status" != 200 ]] || ! jq -e '
      (.errors // [] | length) == 0
      and (.data | type) == "object"
      and all(.data[]; . != null)' "$answer" >/dev/null; then
    echo "FAIL $name: HTTP $status $(head -c 2000 "$answer")" >&2
    exit 1
  fi
  echo "ran $name: $(jq -c '.data | keys_unsorted' "$answer")"
done
