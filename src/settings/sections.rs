//! The sections of the settings, one struct each, every field documented; unknown keys are
//! refused.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::PathBuf;

use serde::Deserialize;
use supportgraph_adapters::sandbox::FaultSpec;
use url::Url;

/// What one request, and one principal over time, may cost. Many companies share the
/// backends: these keep one caller from using up what the others need.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsSettings {
    /// Most backend calls one operation may cause, estimated before it runs (and counted while
    /// it runs, as a backstop).
    pub max_backend_calls: u32,
    /// Most root fields (aliases included) in one operation.
    pub max_root_fields: usize,
    /// Most mutation root fields in one request.
    pub max_mutations: usize,
    /// Largest answer, in bytes of JSON; past it the request ends with an error.
    pub max_response_bytes: usize,
    /// Per principal (a token's `sub`, or a partner's client id): how many backend-call units a
    /// burst may use. A request costs its estimated backend calls, at least 1.
    pub rate_burst: u32,
    /// Per principal: backend-call units given back per second.
    pub rate_per_second: u32,
}

/// The embedded GraphiQL explorer at `/graphiql`, served from the binary (no CDN).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GraphiqlSettings {
    /// Serve the page (and its assets) at all.
    pub enabled: bool,
    /// Pre-fill the Headers tab with a fresh token for the first demo user. Only the sandbox
    /// profile has demo users: the production profile never pre-fills a token, whatever this says.
    pub prefill_demo_token: bool,
}

/// Apollo Federation v2 subgraph mode (`graphql::subgraph`): `_service { sdl }` and `_entities`,
/// so a supergraph router (Apollo Router, Hive Gateway, Cosmo) can compose this gateway's schema
/// with others. On in the sandbox profile; off, the schema has neither field.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FederationSettings {
    /// Serve the schema as a Federation v2 subgraph.
    pub enabled: bool,
}

/// Cross-origin requests from browsers (CORS).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorsSettings {
    /// Origins allowed to call the gateway, exactly (`https://portal.example.com`), or with any
    /// port (`http://localhost:*`). Empty: no cross-origin browser calls.
    pub allowed_origins: Vec<String>,
    /// How long a browser may cache a preflight answer, in seconds.
    pub max_age_seconds: u64,
}

/// Hot reload.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReloadSettings {
    /// Reload when a reloaded file changes (the settings file, `countries_file`,
    /// `carriers_file`, `persisted_documents.manifest`), besides on SIGHUP.
    pub watch_files: bool,
}

/// Cross-site request forgery prevention.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsrfSettings {
    /// Refuse a POST that a browser could send from another site without a CORS preflight
    /// (`text/plain`, a form, `multipart/form-data`, or no `Content-Type`) unless it carries a
    /// non-empty `graphql-require-preflight`, `apollo-require-preflight` or
    /// `x-supportgraph-csrf` header. On by default; turn it off only behind a proxy that does the
    /// same.
    pub enabled: bool,
}

/// Documents a client sends by hash instead of by text.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersistedDocumentsSettings {
    /// Automatic persisted queries (Apollo's protocol): a client sends a document's SHA-256;
    /// an unknown hash answers `PERSISTED_QUERY_NOT_FOUND`, the client then sends hash and text
    /// once, and later requests send the hash alone.
    pub automatic: bool,
    /// How long a registered document is kept, in seconds (in Redis when configured).
    pub automatic_ttl_seconds: u64,
    /// Largest document registered, in bytes: a larger one still runs when sent with its text,
    /// but is not kept, so registrations cannot fill the shared cache.
    pub automatic_max_bytes: usize,
    /// A safelist: a persisted-documents manifest in the Apollo / GraphQL Codegen format
    /// (`{"format":"apollo-persisted-query-manifest","version":1,"operations":[{"id","name",
    /// "type","body"}]}`, or Codegen's `{"<sha256>": "<document>"}`). Its documents run by id
    /// (`extensions.persistedQuery.sha256Hash`); the file is reloaded when it
    /// changes and on SIGHUP. Relative paths are relative to the working directory.
    #[serde(default)]
    pub manifest: Option<std::path::PathBuf>,
    /// Run only the manifest's documents: anything else is `PERSISTED_QUERY_NOT_LISTED`
    /// (automatic registration is then off too). Needs `manifest`.
    #[serde(default)]
    pub require: bool,
}

/// What is cached, and for how long (per kind of data). A TTL of 0 turns that kind's caching off.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CacheSettings {
    /// Most entries in the in-process tier.
    pub max_entries: u64,
    /// Registration profiles and tool authorisations, per user, in seconds.
    pub profile_ttl_seconds: u64,
    /// Pages of orders, per region and authorised scope, in seconds.
    pub orders_ttl_seconds: u64,
    /// Installed inventory, per system and authorised scope, in seconds.
    pub inventory_ttl_seconds: u64,
    /// How long an `Idempotency-Key` and its result are kept, in seconds.
    pub idempotency_ttl_seconds: u64,
}

/// The shared cache tier.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedisSettings {
    /// `redis://host:port/db`; with `cluster = true`, a comma-separated list of seed nodes.
    /// Unset or empty: the in-process tier serves alone.
    #[serde(default)]
    pub url: Option<String>,
    /// Connect to a Redis Cluster.
    pub cluster: bool,
    /// Prefix of every key, so several deployments can share one Redis.
    pub key_prefix: String,
    /// Timeout of one Redis command, in milliseconds (tens of ms: a slow cache is a miss).
    pub op_timeout_ms: u64,
    /// Timeout of connecting, in milliseconds.
    pub connect_timeout_ms: u64,
    /// Consecutive failures after which Redis is skipped until it answers a probe again.
    pub breaker_failures: u32,
    /// How often Redis is probed (for readiness, and to end a skip), in milliseconds.
    pub probe_interval_ms: u64,
}

/// Retries and circuit breakers, applied to every backend instance separately.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResilienceSettings {
    /// Most retries of one idempotent call: a read, or a write the backend performs once however
    /// often it arrives (a mail send, with its idempotency key); other writes are never retried.
    pub max_retries: u32,
    /// Retries allowed as a share of calls (0.2 = at most 20 % extra calls).
    pub retry_ratio: f64,
    /// First backoff before a retry, in milliseconds; doubled each time, with full jitter.
    pub retry_backoff_ms: u64,
    /// How many recent calls a breaker judges the failure rate over.
    pub breaker_window: usize,
    /// Fewest calls in the window before a breaker may open.
    pub breaker_min_calls: usize,
    /// Share of failed calls (0..=1) that opens a breaker.
    pub breaker_failure_rate: f64,
    /// How long an open breaker fails fast before it lets a probe through, in milliseconds.
    pub breaker_open_ms: u64,
}

/// The HTTP server.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    /// Address to listen on.
    pub bind: IpAddr,
    /// Port to listen on; 0 picks a free one.
    pub port: u16,
    /// Answer introspection queries.
    pub introspection: bool,
    /// Deadline for one HTTP request, in milliseconds; backend timeouts must be shorter.
    pub request_timeout_ms: u64,
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// Answers larger than this many bytes are compressed (gzip or brotli) for clients that
    /// accept it.
    pub compress_min_bytes: u16,
    /// On SIGTERM, how long in-flight requests may take to finish once the listener has closed,
    /// in milliseconds.
    pub shutdown_grace_ms: u64,
    /// On SIGTERM, how long to drain first, in milliseconds: requests are still accepted and
    /// served, `/readyz` answers 503 `{"status":"draining"}` and HTTP/1 answers carry
    /// `Connection: close`, so load balancers take the instance out before its listener closes;
    /// websockets are closed with 1001 Going Away when the drain ends, and their clients
    /// reconnect elsewhere.
    /// A second SIGTERM or SIGINT ends the drain early. 0: close the listener at once.
    pub drain_delay_ms: u64,
    /// Load balancers and proxies whose `X-Forwarded-For` is believed: a request from one of
    /// these counts against the client it names, not against the proxy.
    #[serde(default)]
    pub trusted_proxies: Vec<IpAddr>,
}

/// GraphQL execution limits and paging.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GraphqlSettings {
    /// Deepest selection nesting accepted, not counting introspection (`__schema`, `__type`).
    pub max_depth: usize,
    /// Deepest nesting accepted inside an introspection field (`__schema`, `__type`), counted
    /// from it. graphql-js's standard introspection query needs 15.
    pub max_introspection_depth: usize,
    /// Most list fields (`types`, `fields`, `args`, `inputFields`, `interfaces`,
    /// `possibleTypes`, `enumValues`, `directives`) nested inside one introspection field. The
    /// standard query needs 3; each more multiplies the answer by the schema's size.
    pub max_introspection_lists: usize,
    /// Most introspection cost in one document: each introspection field costs 10 to the power
    /// of the list fields it sits in. The standard introspection query costs about 51,000; the
    /// default admits one, not two.
    pub max_introspection_cost: u64,
    /// Highest query complexity accepted, not counting introspection.
    pub max_complexity: usize,
    /// Deepest recursion while parsing (fragments, lists).
    pub max_recursive_depth: usize,
    /// Most directives on one field, not counting introspection.
    pub max_directives: usize,
    /// Page size when a connection's `first` is omitted.
    pub default_page_size: u32,
    /// Largest `first` accepted on a connection.
    pub max_page_size: u32,
    /// Suggest the field, argument or type a client probably meant ("Did you mean ...?") in
    /// validation errors. Handy while developing; in production they describe the schema to
    /// anyone, introspection or not, so the production profile turns them off.
    pub field_suggestions: bool,
}

/// Token verification.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSettings {
    /// Required `iss` claim.
    pub issuer: String,
    /// Required `aud` claim.
    pub audience: String,
    /// Clock skew tolerated on `exp` and `nbf`, in seconds.
    pub leeway_seconds: u64,
    /// The identity provider's key set (RS256 / ES256 keys); unset means the embedded sandbox's.
    #[serde(default)]
    pub jwks_url: Option<Url>,
    /// How long a fetched key set is trusted before it is fetched again, in seconds.
    pub jwks_cache_seconds: u64,
    /// A token with an unknown `kid` refetches the key set at most once per this many seconds.
    pub jwks_min_refetch_seconds: u64,
    /// Timeout of one key-set fetch, in milliseconds.
    pub jwks_timeout_ms: u64,
}

/// Anonymous order-status lookups.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuestSettings {
    /// Lookups one client address may make per minute; more are `RATE_LIMITED`.
    pub lookups_per_minute: u32,
    /// Failed lookups (no such order) against one customer number per minute, from all
    /// addresses together; more lookups for it are `RATE_LIMITED`, so order numbers cannot be
    /// guessed from many addresses.
    pub failed_lookups_per_customer_per_minute: u32,
}

/// The simulated backends.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SandboxSettings {
    /// Start the sandbox in-process and use it for every backend without a base URL.
    pub embedded: bool,
    /// Seed of the demo data.
    pub seed: u64,
    /// Latency and failures to inject, by backend instance (`order-status/emea`, `registration`...).
    #[serde(default)]
    pub faults: BTreeMap<String, FaultSpec>,
    /// The sandbox identity provider's signing key (a DEVELOPMENT key, PKCS#8 PEM).
    pub identity_key_file: PathBuf,
    /// The `kid` of that key.
    pub identity_key_id: String,
    /// Lifetime of sandbox tokens, in seconds.
    pub token_ttl_seconds: u64,
    /// Approve tool-authorisation requests automatically after this many milliseconds; unset
    /// waits for `POST <registration>/admin/v1/decisions`.
    #[serde(default)]
    pub auto_approve_after_ms: Option<u64>,
    /// Orders generated on top of the demo ones for the colocation provider's US customer number
    /// (load scenarios, large exports); 0 for the demo data alone.
    #[serde(default)]
    pub extra_orders: u32,
}

/// Where each backend lives.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackendsSettings {
    /// The order-status system, one instance per region.
    pub order_status: RegionalBackendSettings,
    /// The registration system.
    pub registration: BackendSettings,
    /// US Inventory OnLine.
    pub us_inventory: BackendSettings,
    /// The European Services Assistant.
    pub eu_services_assistant: BackendSettings,
    /// The outgoing mail service every tool sends e-mail through.
    pub mail: BackendSettings,
    /// The billing system (invoices, credit notes, payments, statements), one instance per
    /// region.
    pub billing: RegionalBackendSettings,
    /// The customer-support system (inquiries and their attachments).
    pub support: SupportBackendSettings,
    /// The contracts system (Contracts OnLine).
    pub contracts: BackendSettings,
}

/// The customer-support system: JSON calls, and attachments streamed up and down.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupportBackendSettings {
    /// Timeout of one JSON call, in milliseconds.
    pub timeout_ms: u64,
    /// Timeout of one attachment upload or download (up to 10 MiB), in milliseconds.
    pub transfer_timeout_ms: u64,
    /// Base URL; unset means the embedded sandbox.
    #[serde(default)]
    pub base_url: Option<Url>,
}

/// A backend with one instance per region.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionalBackendSettings {
    /// Timeout of one call, in milliseconds.
    pub timeout_ms: u64,
    /// Base URL of the americas instance; unset means the embedded sandbox.
    #[serde(default)]
    pub americas: Option<Url>,
    /// Base URL of the emea instance; unset means the embedded sandbox.
    #[serde(default)]
    pub emea: Option<Url>,
    /// Base URL of the ap instance; unset means the embedded sandbox.
    #[serde(default)]
    pub ap: Option<Url>,
}

/// A backend with one global instance.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackendSettings {
    /// Timeout of one call, in milliseconds.
    pub timeout_ms: u64,
    /// Base URL; unset means the embedded sandbox.
    #[serde(default)]
    pub base_url: Option<Url>,
}
