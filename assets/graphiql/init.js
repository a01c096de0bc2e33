// Boots GraphiQL on /graphiql. Loaded as a file (no inline script), so the page's
// Content-Security-Policy can allow scripts from 'self' only. The page hands over its settings as
// JSON in <script type="application/json" id="graphiql-config">:
//   { "endpoint": "/graphql", "headers": "<Headers tab text>" | null, "defaultQuery": "..." }
(function () {
  'use strict';

  var config = JSON.parse(document.getElementById('graphiql-config').textContent);
  var prefilled = typeof config.headers === 'string' && config.headers.length > 0;

  // GraphiQL keeps its state in localStorage under "graphiql:<name>". Our own storage, under a
  // prefix of its own so another GraphiQL on this origin cannot leak state (a stale token) in:
  //  - headers are never written to the browser: the Headers tab and the persist-headers switch
  //    live in memory only, and history/favourite entries are stored without their headers;
  //  - when the page pre-fills a freshly minted token, the tabs (document, variables, operation)
  //    live in memory too, so every load starts from the example document with the fresh token,
  //    never from a tab of a previous run whose token has expired. History and favourites stay.
  var PREFIX = 'supportgraph:';
  var MEMORY_ONLY = ['graphiql:headers', 'graphiql:shouldPersistHeaders'];
  if (prefilled) {
    MEMORY_ONLY.push('graphiql:tabState', 'graphiql:query', 'graphiql:variables',
      'graphiql:operationName');
  }
  var WITHOUT_HEADERS = ['graphiql:queries', 'graphiql:favorites'];
  var memory = Object.create(null);

  function browserStorage() {
    try {
      var probe = PREFIX + 'probe';
      window.localStorage.setItem(probe, '1');
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (e) {
      return null; // disabled or full: keep everything in memory
    }
  }
  var local = browserStorage();

  // History and favourites are stored as {"queries": [{query, variables, headers, ...}]} and
  // {"favorites": [...]}: drop every item's headers.
  function stripHeaders(value) {
    try {
      var parsed = JSON.parse(value);
      Object.keys(parsed).forEach(function (list) {
        if (Array.isArray(parsed[list])) {
          parsed[list].forEach(function (item) { if (item) delete item.headers; });
        }
      });
      return JSON.stringify(parsed);
    } catch (e) {
      return value; // not JSON: store as is
    }
  }

  function inMemory(key) {
    return !local || MEMORY_ONLY.indexOf(key) >= 0;
  }

  function ownKeys() {
    var keys = Object.keys(memory);
    if (local) {
      for (var i = 0; i < local.length; i++) {
        var key = local.key(i);
        if (key && key.indexOf(PREFIX) === 0) keys.push(key.slice(PREFIX.length));
      }
    }
    return keys;
  }

  var storage = {
    getItem: function (key) {
      if (inMemory(key)) return key in memory ? memory[key] : null;
      return local.getItem(PREFIX + key);
    },
    setItem: function (key, value) {
      if (inMemory(key)) { memory[key] = String(value); return; }
      if (WITHOUT_HEADERS.indexOf(key) >= 0) value = stripHeaders(value);
      local.setItem(PREFIX + key, value);
    },
    removeItem: function (key) {
      delete memory[key];
      if (local) local.removeItem(PREFIX + key);
    },
    clear: function () {
      ownKeys().forEach(function (key) { storage.removeItem(key); });
    },
    get length() {
      return ownKeys().length;
    },
  };

  // The schema's descriptions are hard-wrapped in the source; GraphiQL's docs show every line
  // break, so join wrapped lines of introspection descriptions (not paragraphs, lists, quotes,
  // tables or indented code) before GraphiQL sees them.
  var WRAPPED_LINE = /([^\n])\n(?![\n\-*+>|\s]|\d+[.)]\s)/g;
  function unwrapDescriptions(node) {
    if (Array.isArray(node)) { node.forEach(unwrapDescriptions); return; }
    if (!node || typeof node !== 'object') return;
    Object.keys(node).forEach(function (key) {
      var value = node[key];
      if (key === 'description' && typeof value === 'string') {
        node[key] = value.replace(WRAPPED_LINE, '$1 ');
      } else {
        unwrapDescriptions(value);
      }
    });
  }
  // Queries and mutations go over HTTP; subscriptions over graphql-ws at /graphql/ws, whose
  // connection_init carries the Headers tab's headers (the bearer token). One fetcher per set of
  // headers, so editing the token starts a new socket with the new one.
  var wsUrl = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host
    + config.endpoint + '/ws';
  var fetchers = {};
  function fetcherFor(headers) {
    var key = JSON.stringify(headers || {});
    if (!fetchers[key]) {
      fetchers[key] = GraphiQL.createFetcher({
        url: config.endpoint,
        subscriptionUrl: wsUrl,
        wsConnectionParams: headers || {},
      });
    }
    return fetchers[key];
  }
  function fetcher(params, options) {
    var result = fetcherFor(options && options.headers)(params, options);
    if (!result || typeof result.then !== 'function') return result;
    return result.then(function (answer) {
      if (answer && answer.data && answer.data.__schema) unwrapDescriptions(answer.data.__schema);
      return answer;
    });
  }

  var props = {
    fetcher: fetcher,
    defaultQuery: config.defaultQuery,
    shouldPersistHeaders: false,
    storage: storage,
  };
  if (prefilled) {
    props.defaultHeaders = config.headers;
    props.defaultEditorToolsVisibility = 'headers';
  }

  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, props));
})();
