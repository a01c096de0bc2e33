#!/usr/bin/env bash
# Re-fetches the vendored GraphiQL and React browser builds at the pinned versions with `npm pack`
# (the npm registry only; nothing is built), strips the `sourceMappingURL` comment (the maps are
# not vendored), and copies each package's licence. To update: change a version below, run
# `assets/graphiql/update.sh`, open /graphiql, and run `cargo test --test api clients`.
set -euo pipefail

REACT_VERSION=18.3.1      # the last React with UMD builds (React 19 dropped them)
GRAPHIQL_VERSION=3.9.0    # the last GraphiQL with a UMD build (4.x and 5.x ship ES modules only)

here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fetch() { # package version -> unpacks into $work/<package>/
  local package="$1" version="$2"
  mkdir -p "$work/$package"
  (cd "$work" && npm pack --silent "$package@$version" >/dev/null)
  tar -xzf "$work/$package-$version.tgz" -C "$work/$package" --strip-components=1
}

fetch react "$REACT_VERSION"
fetch react-dom "$REACT_VERSION"
fetch graphiql "$GRAPHIQL_VERSION"

strip_map() { # drops the trailing "//# sourceMappingURL=..." / "/*# sourceMappingURL=... */" line
  sed -E '/^[[:space:]]*(\/\/|\/\*)# sourceMappingURL=/d; s@//# sourceMappingURL=[^[:space:]]*$@@' "$1" >"$2"
}

strip_map "$work/react/umd/react.production.min.js" "$here/react.production.min.js"
strip_map "$work/react-dom/umd/react-dom.production.min.js" "$here/react-dom.production.min.js"
strip_map "$work/graphiql/graphiql.min.js" "$here/graphiql.min.js"
strip_map "$work/graphiql/graphiql.min.css" "$here/graphiql.min.css"

mkdir -p "$here/licenses"
cp "$work/react/LICENSE" "$here/licenses/react.LICENSE"
cp "$work/react-dom/LICENSE" "$here/licenses/react-dom.LICENSE"
cp "$work/graphiql/LICENSE" "$here/licenses/graphiql.LICENSE"

sed -i -E "s/^(react(-dom)? )[0-9.]+/\1$REACT_VERSION/; s/^(graphiql )[0-9.]+/\1$GRAPHIQL_VERSION/" "$here/VERSIONS"
echo "updated: react $REACT_VERSION, react-dom $REACT_VERSION, graphiql $GRAPHIQL_VERSION"
(cd "$here" && sha256sum react.production.min.js react-dom.production.min.js graphiql.min.js graphiql.min.css)
