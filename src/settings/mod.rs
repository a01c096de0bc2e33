//! Typed settings, layered by figment: `config/default.toml` (compiled in) <- the file named by
//! `--config` or `SUPPORTGRAPH_CONFIG` <- `SUPPORTGRAPH_*` environment variables (`__` nests).
//!
//! Every struct denies unknown keys, so a typo stops start-up with a message naming the key
//! instead of being silently ignored.
//!
//! The sections live in [`sections`], and the checks that go beyond types (a value that parses
//! but cannot work) in `validate.rs`.

mod contracts;
mod inquiries;
mod links;
mod live;
mod sections;
pub mod telemetry;
mod validate;

use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Toml};
use serde::Deserialize;

pub use contracts::ContractsSettings;
pub use inquiries::{InquiriesSettings, PortalSettings};
pub use links::{LinksSettings, SecretString};
pub use live::LiveSettings;
pub use sections::*;

/// The largest `graphql.max_page_size` accepted: backends answer at most 500 items per call, and
/// a page asks each region for one more than its size.
pub const MAX_PAGE_SIZE: u32 = 200;

/// The most clock skew `auth.leeway_seconds` may tolerate.
pub const MAX_LEEWAY_SECONDS: u64 = 300;

/// The sandbox profile, compiled into the binary so it is always the base layer.
pub const DEFAULT_TOML: &str = include_str!("../../config/default.toml");

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
    /// Federation v2 subgraph mode.
    pub federation: FederationSettings,
    /// Which browser origins may call the gateway.
    pub cors: CorsSettings,
    /// Cross-site request forgery prevention.
    pub csrf: CsrfSettings,
    /// Hot reload of the country and carrier directories, limits, CORS origins and the
    /// persisted-documents manifest.
    pub reload: ReloadSettings,
    /// Where these settings came from (not a key: set by [`Settings::load`]), so a reload reads
    /// the same layers again.
    #[serde(skip)]
    pub source: SettingsSource,
    /// Documents registered by hash (automatic persisted queries).
    pub persisted_documents: PersistedDocumentsSettings,
    /// What one request, and one principal over time, may cost the backends.
    pub limits: LimitsSettings,
    /// Signed links: short-lived URLs that work without the bearer token.
    pub links: LinksSettings,
    /// Live order status over websockets: feed polling and subscription limits.
    pub live: LiveSettings,
    /// The customer portal the inquiry e-mails link to.
    pub portal: PortalSettings,
    /// My inquiries: attachment limits and the support system's change feed.
    pub inquiries: InquiriesSettings,
    /// Contracts OnLine: the alerts' horizons and the contracts system's change feed.
    pub contracts: ContractsSettings,
    /// Traces over OTLP, whose `traceparent` is continued, and who may read `/metrics`.
    pub telemetry: telemetry::TelemetrySettings,
}

/// The layers a [`Settings`] was loaded from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SettingsSource {
    /// The settings file, when one was named.
    pub file: Option<PathBuf>,
    /// Whether `SUPPORTGRAPH_*` environment variables were read over it.
    pub env: bool,
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
        let mut settings = Self::from_figment(Self::base(file.as_deref())?.merge(env))?;
        settings.source = SettingsSource { file, env: true };
        Ok(settings)
    }

    /// Loads the defaults and `config_file` only, ignoring the environment (for tests).
    pub fn load_without_env(config_file: Option<&Path>) -> Result<Self, SettingsError> {
        let mut settings = Self::from_figment(Self::base(config_file)?)?;
        settings.source = SettingsSource {
            file: config_file.map(Path::to_path_buf),
            env: false,
        };
        Ok(settings)
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
