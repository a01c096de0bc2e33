//! Typed settings, layered by figment: `config/default.toml` (compiled in) <- the file named by
//! `--config` or `SUPPORTGRAPH_CONFIG` <- `SUPPORTGRAPH_*` environment variables (`__` nests).
//!
//! Every struct denies unknown keys, so a typo stops start-up with a message naming the key
//! instead of being silently ignored.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Toml};
use serde::Deserialize;
use supportgraph_adapters::sandbox::{FaultSpec, validate_fault};
use url::Url;

/// The largest `graphql.max_page_size` accepted: backends answer at most 500 items per call, and
/// a page asks each region for one more than its size.
pub const MAX_PAGE_SIZE: u32 = 200;

/// The most clock skew `auth.leeway_seconds` may tolerate.
pub const MAX_LEEWAY_SECONDS: u64 = 300;

/// The sandbox profile, compiled into the binary so it is always the base layer.
pub const DEFAULT_TOML: &str = include_str!("../config/default.toml");

/// Which kind of deployment this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// Embedded demo backends, demo identity provider, GraphiQL on.
    Sandbox,
    /// Real backends and identity provider; sandbox keys and the embedded sandbox are refused.
    Production,
}

/// Everything the gateway can be configured with.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Sandbox or production.
    pub profile: Profile,
    /// Path of the country directory (relative paths are relative to the working directory).
    pub countries_file: PathBuf,
    /// Path of the carrier directory.
    pub carriers_file: PathBuf,
    /// The HTTP server.
    pub server: ServerSettings,
    /// GraphQL execution limits and paging.
    pub graphql: GraphqlSettings,
    /// Token verification.
    pub auth: AuthSettings,
    /// Anonymous (guest) access.
    pub guest: GuestSettings,
    /// The simulated backends.
    pub sandbox: SandboxSettings,
    /// Where each backend lives and how long to wait for it.
    pub backends: BackendsSettings,
    /// Retries and circuit breakers, for every backend instance.
    pub resilience: ResilienceSettings,
    /// What is cached, and for how long.
    pub cache: CacheSettings,
    /// The shared cache tier (optional).
    pub redis: RedisSettings,
    /// The embedded GraphiQL explorer.
    pub graphiql: GraphiqlSettings,
    /// Which browser origins may call the gateway.
    pub cors: CorsSettings,
    /// Documents registered by hash (automatic persisted queries).
    pub persisted_documents: PersistedDocumentsSettings,
    /// What one request, and one principal over time, may cost the backends.
    pub limits: LimitsSettings,
}

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
    /// Most retries of one idempotent (read) call; writes are never retried.
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
    /// On SIGTERM, how long in-flight requests may take to finish, in milliseconds.
    pub shutdown_grace_ms: u64,
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

/// The settings could not be loaded; the message names the offending key.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The named configuration file does not exist.
    #[error("configuration file {0} does not exist")]
    MissingFile(PathBuf),
    /// A key is unknown, missing, or has a value of the wrong type.
    #[error("{0}")]
    Invalid(String),
    /// A key's value is well-typed but not acceptable.
    #[error("{key}: {message}")]
    Rejected {
        /// The key, dotted (`server.port`).
        key: String,
        /// Why it was rejected.
        message: String,
    },
}

fn rejected(key: &str, message: impl Into<String>) -> SettingsError {
    SettingsError::Rejected {
        key: key.to_owned(),
        message: message.into(),
    }
}

impl Settings {
    /// Loads the layers: defaults, then `config_file` (or `SUPPORTGRAPH_CONFIG`), then the
    /// environment.
    pub fn load(config_file: Option<&Path>) -> Result<Self, SettingsError> {
        let file = config_file
            .map(Path::to_path_buf)
            .or_else(|| std::env::var_os("SUPPORTGRAPH_CONFIG").map(PathBuf::from));
        let env = Env::prefixed("SUPPORTGRAPH_")
            .split("__")
            .ignore(&["config"]);
        Self::from_figment(Self::base(file.as_deref())?.merge(env))
    }

    /// Loads the defaults and `config_file` only, ignoring the environment (for tests).
    pub fn load_without_env(config_file: Option<&Path>) -> Result<Self, SettingsError> {
        Self::from_figment(Self::base(config_file)?)
    }

    fn base(file: Option<&Path>) -> Result<Figment, SettingsError> {
        let mut figment = Figment::from(Toml::string(DEFAULT_TOML));
        if let Some(file) = file {
            if !file.is_file() {
                return Err(SettingsError::MissingFile(file.to_path_buf()));
            }
            figment = figment.merge(Toml::file(file));
        }
        Ok(figment)
    }

    fn from_figment(figment: Figment) -> Result<Self, SettingsError> {
        let settings: Settings = figment.extract().map_err(|error| {
            let messages: Vec<String> = error.into_iter().map(describe).collect();
            SettingsError::Invalid(messages.join("\n"))
        })?;
        settings.validate()?;
        Ok(settings)
    }

    fn validate(&self) -> Result<(), SettingsError> {
        let g = &self.graphql;
        if g.max_page_size == 0 {
            return Err(rejected("graphql.max_page_size", "must be at least 1"));
        }
        if g.default_page_size == 0 || g.default_page_size > g.max_page_size {
            return Err(rejected(
                "graphql.default_page_size",
                "must be between 1 and graphql.max_page_size",
            ));
        }
        let deadline = self.server.request_timeout_ms;
        for (key, timeout) in [
            (
                "backends.order_status.timeout_ms",
                self.backends.order_status.timeout_ms,
            ),
            (
                "backends.registration.timeout_ms",
                self.backends.registration.timeout_ms,
            ),
            (
                "backends.us_inventory.timeout_ms",
                self.backends.us_inventory.timeout_ms,
            ),
            (
                "backends.eu_services_assistant.timeout_ms",
                self.backends.eu_services_assistant.timeout_ms,
            ),
        ] {
            if timeout == 0 || timeout >= deadline {
                return Err(rejected(
                    key,
                    format!(
                        "must be between 1 and server.request_timeout_ms ({deadline}) - 1, so a slow backend cannot use up the whole request"
                    ),
                ));
            }
        }
        if self.auth.issuer.is_empty() {
            return Err(rejected("auth.issuer", "must not be empty"));
        }
        if self.auth.audience.is_empty() {
            return Err(rejected("auth.audience", "must not be empty"));
        }
        if g.max_page_size > MAX_PAGE_SIZE {
            return Err(rejected(
                "graphql.max_page_size",
                format!("must be at most {MAX_PAGE_SIZE}"),
            ));
        }
        if self.auth.jwks_timeout_ms == 0 || self.auth.jwks_timeout_ms >= deadline {
            return Err(rejected(
                "auth.jwks_timeout_ms",
                format!("must be between 1 and server.request_timeout_ms ({deadline}) - 1"),
            ));
        }
        let auth = &self.auth;
        if auth.leeway_seconds > MAX_LEEWAY_SECONDS {
            return Err(rejected(
                "auth.leeway_seconds",
                format!("must be at most {MAX_LEEWAY_SECONDS}: clock skew, not a grace period"),
            ));
        }
        if auth.jwks_min_refetch_seconds == 0 {
            return Err(rejected(
                "auth.jwks_min_refetch_seconds",
                "must be at least 1, or every unknown kid makes the gateway call the identity provider",
            ));
        }
        if auth.jwks_cache_seconds < auth.jwks_min_refetch_seconds {
            return Err(rejected(
                "auth.jwks_cache_seconds",
                "must be at least auth.jwks_min_refetch_seconds",
            ));
        }
        if self.redis.key_prefix.is_empty() || self.redis.key_prefix.contains(char::is_whitespace) {
            return Err(rejected("redis.key_prefix", "must be a non-empty word"));
        }
        if self.redis.op_timeout_ms == 0 || self.redis.op_timeout_ms >= deadline {
            return Err(rejected(
                "redis.op_timeout_ms",
                "must be between 1 and server.request_timeout_ms - 1 (tens of ms is right)",
            ));
        }
        if self.cache.idempotency_ttl_seconds == 0 {
            return Err(rejected(
                "cache.idempotency_ttl_seconds",
                "must be at least 1: an Idempotency-Key must be remembered",
            ));
        }
        let r = &self.resilience;
        if !(0.0..=1.0).contains(&r.retry_ratio) {
            return Err(rejected(
                "resilience.retry_ratio",
                "must be between 0.0 and 1.0",
            ));
        }
        if !(0.0..=1.0).contains(&r.breaker_failure_rate) || r.breaker_failure_rate == 0.0 {
            return Err(rejected(
                "resilience.breaker_failure_rate",
                "must be above 0.0 and at most 1.0",
            ));
        }
        if r.breaker_window == 0 || r.breaker_min_calls == 0 {
            return Err(rejected(
                "resilience.breaker_window",
                "breaker_window and breaker_min_calls must be at least 1",
            ));
        }
        if self.guest.lookups_per_minute == 0 {
            return Err(rejected("guest.lookups_per_minute", "must be at least 1"));
        }
        if self.guest.failed_lookups_per_customer_per_minute == 0 {
            return Err(rejected(
                "guest.failed_lookups_per_customer_per_minute",
                "must be at least 1",
            ));
        }
        let l = &self.limits;
        for (key, value) in [
            ("limits.max_backend_calls", l.max_backend_calls as usize),
            ("limits.max_root_fields", l.max_root_fields),
            ("limits.max_mutations", l.max_mutations),
            ("limits.max_response_bytes", l.max_response_bytes),
            ("limits.rate_burst", l.rate_burst as usize),
            ("limits.rate_per_second", l.rate_per_second as usize),
        ] {
            if value == 0 {
                return Err(rejected(key, "must be at least 1"));
            }
        }
        if l.rate_burst < l.max_backend_calls {
            return Err(rejected(
                "limits.rate_burst",
                "must be at least limits.max_backend_calls, or the largest request allowed could never run",
            ));
        }
        self.validate_http()?;
        for (instance, spec) in &self.sandbox.faults {
            validate_fault(instance, spec)
                .map_err(|e| rejected("sandbox.faults", e.to_string()))?;
        }
        if self.profile == Profile::Production {
            if self.sandbox.embedded {
                return Err(rejected(
                    "sandbox.embedded",
                    "the production profile refuses the embedded sandbox backends",
                ));
            }
            if self
                .auth
                .jwks_url
                .as_ref()
                .is_none_or(|u| u.scheme() != "https")
            {
                return Err(rejected(
                    "auth.jwks_url",
                    "the production profile needs the identity provider's key set over https; it never trusts the sandbox's development key",
                ));
            }
        }
        if !self.sandbox.embedded && self.auth.jwks_url.is_none() {
            return Err(rejected(
                "auth.jwks_url",
                "is required when sandbox.embedded is false",
            ));
        }
        if !self.sandbox.embedded {
            let b = &self.backends;
            for (key, url) in [
                ("backends.order_status.americas", &b.order_status.americas),
                ("backends.order_status.emea", &b.order_status.emea),
                ("backends.order_status.ap", &b.order_status.ap),
                ("backends.registration.base_url", &b.registration.base_url),
                ("backends.us_inventory.base_url", &b.us_inventory.base_url),
                (
                    "backends.eu_services_assistant.base_url",
                    &b.eu_services_assistant.base_url,
                ),
            ] {
                if url.is_none() {
                    return Err(rejected(key, "is required when sandbox.embedded is false"));
                }
            }
        }
        Ok(())
    }
}

impl Settings {
    /// The HTTP-facing settings: CORS origins, persisted documents, introspection limits.
    fn validate_http(&self) -> Result<(), SettingsError> {
        for origin in &self.cors.allowed_origins {
            crate::http::cors::OriginPattern::parse(origin)
                .map_err(|message| rejected("cors.allowed_origins", message))?;
        }
        if self.persisted_documents.automatic && self.persisted_documents.automatic_ttl_seconds == 0
        {
            return Err(rejected(
                "persisted_documents.automatic_ttl_seconds",
                "must be at least 1 while persisted_documents.automatic is on",
            ));
        }
        let g = &self.graphql;
        if g.max_introspection_depth == 0
            || g.max_introspection_lists == 0
            || g.max_introspection_cost == 0
        {
            return Err(rejected(
                "graphql.max_introspection_depth",
                "max_introspection_depth, max_introspection_lists and max_introspection_cost must be at least 1",
            ));
        }
        Ok(())
    }
}

/// Figment's message with the key made explicit and the profile prefix dropped.
fn describe(error: figment::Error) -> String {
    let key = error
        .path
        .iter()
        .filter(|p| p.as_str() != "default")
        .cloned()
        .collect::<Vec<_>>()
        .join(".");
    let source = error
        .metadata
        .as_ref()
        .map(|m| match &m.source {
            Some(source) => format!(" (from {} {source})", m.name),
            None => format!(" (from {})", m.name),
        })
        .unwrap_or_default();
    let kind = error.kind.to_string();
    if key.is_empty() {
        format!("{kind}{source}")
    } else {
        format!("{key}: {kind}{source}")
    }
}
