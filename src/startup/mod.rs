//! Building and running the gateway. This is the one place that names concrete adapters: it reads
//! the settings, starts the embedded sandbox when asked, binds every port to its implementation,
//! and opens the listening socket.

// The one module allowed to name concrete adapters and the sandbox (see clippy.toml).
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

mod backends;
mod identity;
mod shutdown;

use std::future::IntoFuture;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use supportgraph_adapters::sandbox::{self, SandboxError, SandboxHandle};
use tokio::net::TcpListener;

pub use backends::Backends;
use backends::Wiring;
use identity::{demo_identity, development_keys};
pub use identity::{sandbox_config, sandbox_identity};
pub use shutdown::{Draining, OpenSocket};
use shutdown::{close_connections_while_draining, drain, shutdown_signal};

use crate::app::App;
use crate::auth::{KeySetClientError, ProfileCache, TokenVerifier};
use crate::cache::{Cache, IdempotencyStore, RedisConfigError};
use crate::carriers::{CarrierDirectory, CarriersError};
use crate::contract_feed::ContractFeedHub;
use crate::countries::{CountriesError, CountryDirectory};
use crate::graphql::limits::DocumentLimits;
use crate::http::persisted::PersistedQueries;
use crate::http::{HttpState, router};
use crate::limits::{GuestLimiter, PrincipalLimiter};
use crate::reload::Reloadable;
use crate::settings::{Profile, Settings};

/// The gateway could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The country directory is missing or invalid.
    #[error(transparent)]
    Countries(#[from] CountriesError),
    /// The carrier directory is missing or invalid.
    #[error(transparent)]
    Carriers(#[from] CarriersError),
    /// The embedded sandbox could not start.
    #[error("the embedded sandbox could not start: {0}")]
    Sandbox(#[from] SandboxError),
    /// A backend has no URL and there is no embedded sandbox to stand in.
    #[error("{0}: no base URL is configured and the embedded sandbox is off")]
    NoBackendUrl(&'static str),
    /// The sandbox identity provider's key file cannot be read.
    #[error("sandbox.identity_key_file: cannot read {path}: {source}")]
    IdentityKey {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The shared cache tier's settings are unusable.
    #[error(transparent)]
    Redis(#[from] RedisConfigError),
    /// GraphiQL's demo identity (the sandbox identity provider) could not be set up.
    #[error("graphiql.prefill_demo_token: cannot mint demo tokens: {0}")]
    DemoIdentity(String),
    /// The HTTP client could not be built.
    #[error("could not build the HTTP client: {0}")]
    HttpClient(String),
    /// Signed links cannot be made: no usable `links.signing_key`.
    #[error("links.signing_key: {0}")]
    Links(#[from] crate::links::LinkKeyError),
    /// The token verifier's own key-set client (which follows no redirects) could not be built.
    #[error(
        "auth: {0}; refusing to start rather than fetch keys with a client that follows redirects"
    )]
    KeySetClient(#[from] KeySetClientError),
    /// A mail template of the binary does not render (a bug the template tests catch first).
    #[error(transparent)]
    MailTemplates(#[from] crate::mail_templates::TemplateError),
    /// The persisted-documents manifest (the safelist) is unusable.
    #[error("persisted_documents.manifest: {0}")]
    Manifest(#[from] crate::http::safelist::ManifestError),
    /// The listening socket could not be opened.
    #[error("could not listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
}

/// A gateway ready to serve.
pub struct Application {
    listener: TcpListener,
    local_addr: SocketAddr,
    app: Arc<App>,
    sandbox: Option<Arc<SandboxHandle>>,
}

impl StartupError {
    /// Whether the error is in the configuration (exit code 2) rather than the environment.
    pub fn is_configuration(&self) -> bool {
        !matches!(
            self,
            Self::Bind { .. } | Self::HttpClient(_) | Self::KeySetClient(_)
        )
    }
}

impl Application {
    /// Starts the embedded sandbox if configured, wires the adapters, builds the shared state
    /// ([`assemble_app`]'s one path) and binds the listening socket (port 0 picks a free one).
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        let sandbox = if settings.sandbox.embedded {
            let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
            Some(Arc::new(
                sandbox::start(sandbox_config(&settings)?, loopback).await?,
            ))
        } else {
            None
        };
        let sandbox_ref = sandbox.as_deref();
        let backends = Wiring::new(&settings, sandbox_ref)?.backends(&settings)?;
        let jwks_url = match (&settings.auth.jwks_url, sandbox_ref) {
            (Some(url), _) => url.clone(),
            (None, Some(sandbox)) => sandbox.jwks_url(),
            (None, None) => return Err(StartupError::NoBackendUrl("auth.jwks_url")),
        };
        let addr = SocketAddr::new(settings.server.bind, settings.server.port);
        let app = assemble(settings, backends, jwks_url)?;

        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| StartupError::Bind { addr, source })?;
        let local_addr = listener
            .local_addr()
            .map_err(|source| StartupError::Bind { addr, source })?;
        Ok(Self {
            listener,
            local_addr,
            app,
            sandbox,
        })
    }

    /// The port the gateway listens on.
    pub fn port(&self) -> u16 {
        self.local_addr.port()
    }

    /// The address the gateway listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The embedded sandbox, when running one (tests use it to count calls and inject faults).
    pub fn sandbox(&self) -> Option<Arc<SandboxHandle>> {
        self.sandbox.clone()
    }

    /// The shared state.
    pub fn app(&self) -> Arc<App> {
        self.app.clone()
    }

    /// Serves until SIGINT or SIGTERM; then drains for `server.drain_delay_ms` (still serving
    /// everything, `/readyz` answering 503 `{"status":"draining"}`: see [`crate::http::health`]),
    /// stops accepting connections, lets in-flight requests finish for up to
    /// `server.shutdown_grace_ms`, and returns.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let schema = crate::graphql::build(self.app.clone());
        let grace = Duration::from_millis(self.app.settings.server.shutdown_grace_ms);
        let drain_delay = Duration::from_millis(self.app.settings.server.drain_delay_ms);
        let draining = Draining::default();
        let router = router(HttpState {
            app: self.app.clone(),
            schema,
        })
        .layer(axum::middleware::from_fn_with_state(
            draining.clone(),
            close_connections_while_draining,
        ))
        .layer(axum::Extension(draining.clone()));
        let _sandbox = self.sandbox;
        // Read for as long as the server runs, subscribers or not (answer e-mails); stopped when
        // this returns.
        let _inquiry_feed = crate::inquiry_feed::start(&self.app);
        // Reloads the directories, limits, CORS origins and safelist on SIGHUP and file change.
        let _reload = crate::reload::start(&self.app);
        let (stopping_tx, mut stopping) = tokio::sync::watch::channel(false);
        let server = axum::serve(
            self.listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown({
            let draining = draining.clone();
            async move {
                shutdown_signal().await;
                drain(&draining, drain_delay).await;
                tracing::info!(
                    "shutting down: no new connections, finishing in-flight requests, closing websockets"
                );
                draining.close_sockets();
                let _ = stopping_tx.send(true);
            }
        })
        .into_future();
        tokio::pin!(server);
        tokio::select! {
            result = &mut server => return result,
            _ = stopping.wait_for(|stopping| *stopping) => {}
        }
        // The server does not wait for upgraded connections: wait for the websockets' close
        // frames too, so their clients see 1001 rather than a cut connection.
        let finished = async {
            let (result, ()) = tokio::join!(server, draining.sockets_closed());
            result
        };
        match tokio::time::timeout(grace, finished).await {
            Ok(result) => result,
            Err(_) => {
                tracing::warn!(
                    grace_ms = grace.as_millis() as u64,
                    "grace period over: closing the remaining connections"
                );
                Ok(())
            }
        }
    }
}

/// The shared state of a gateway over `backends`, without a socket or a sandbox: what
/// [`Application::build`] serves, for callers that bring their own ports (the `operations`
/// bench runs requests through it in-process). Tokens are verified against `auth.jwks_url`,
/// which must be set; the key set is fetched only when a token is first verified.
pub fn assemble_app(settings: Settings, backends: Backends) -> Result<Arc<App>, StartupError> {
    let jwks_url = settings
        .auth
        .jwks_url
        .clone()
        .ok_or(StartupError::NoBackendUrl("auth.jwks_url"))?;
    assemble(settings, backends, jwks_url)
}

/// Loads the directories and builds everything a request may need around `backends`.
fn assemble(
    settings: Settings,
    backends: Backends,
    jwks_url: url::Url,
) -> Result<Arc<App>, StartupError> {
    let countries = CountryDirectory::load(&settings.countries_file)?;
    let carriers = CarrierDirectory::load(&settings.carriers_file)?;
    let refused_keys = match settings.profile {
        Profile::Production => development_keys(&settings),
        Profile::Sandbox => Vec::new(),
    };
    let cache = Arc::new(Cache::new(&settings.cache, &settings.redis)?);
    let idempotency = IdempotencyStore::new(
        cache.prefix(),
        Duration::from_secs(settings.cache.idempotency_ttl_seconds),
        cache.shared_tier(),
    );
    let prepared_inquiries = crate::graphql::inquiries::prepared::PreparedSubmissions::new(
        cache.prefix(),
        Duration::from_secs(settings.cache.idempotency_ttl_seconds),
        cache.shared_tier(),
    );
    let cors_origins = Arc::new(Reloadable::new(crate::http::cors::patterns(&settings.cors)));
    let safelist = crate::http::safelist::Safelist::load(
        settings.persisted_documents.manifest.as_deref(),
        settings.persisted_documents.require,
    )?;
    let persisted = PersistedQueries::new(
        &settings.persisted_documents,
        cache.prefix(),
        cache.shared_tier(),
        Arc::new(safelist),
    );
    let demo_identity = demo_identity(&settings)?;
    // Rate limits live next to the cache's shared tier, so N instances enforce one limit.
    let rate_limits = PrincipalLimiter::new(&settings.limits, cache.prefix(), cache.shared_tier());
    let guest_limiter = GuestLimiter::new(&settings.guest, cache.prefix(), cache.shared_tier());
    // Polls nothing until someone subscribes (see crate::live).
    let live = crate::live::Live::new(backends.orders.clone(), cache.clone(), &settings.live);
    let links = crate::links::LinkSigner::from_settings(&settings.links, settings.profile)?;
    let mail_templates = crate::mail_templates::MailTemplates::new()?;
    Ok(Arc::new(App {
        mail_templates,
        links,
        live,
        inquiry_feed: crate::inquiry_feed::InquiryFeedHub::new(),
        contract_feed: ContractFeedHub::new(backends.contracts.clone(), &settings.contracts),
        document_limits: Reloadable::new(DocumentLimits::from(&settings)),
        admitted_documents: Default::default(),
        persisted,
        demo_identity,
        tokens: TokenVerifier::new(&settings.auth, jwks_url, &refused_keys)?,
        profiles: ProfileCache::new(
            backends.registration.clone(),
            cache.clone(),
            Duration::from_secs(settings.cache.profile_ttl_seconds),
        ),
        registration: backends.registration,
        mail: backends.mail,
        cache,
        idempotency,
        prepared_inquiries,
        guest_limiter,
        rate_limits,
        settings,
        countries: Reloadable::new(countries),
        carriers: Reloadable::new(carriers),
        cors_origins,
        reload_state: crate::reload::ReloadState::default(),
        order_backends: backends.orders,
        billing_backends: backends.billing,
        support: backends.support,
        contracts: backends.contracts,
        inventory_backends: backends.inventory,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_set_client_that_cannot_be_built_stops_start_up_as_an_environment_error() {
        let cause = reqwest::Client::builder()
            .user_agent("not\na header value")
            .build()
            .expect_err("an invalid header value fails the build");
        let error = StartupError::from(KeySetClientError(cause));
        assert!(!error.is_configuration());
        assert!(error.to_string().contains("key set"), "{error}");
    }

    #[test]
    fn only_the_sandbox_profile_prefills_a_demo_token() {
        let sandbox = Settings::load_without_env(None).expect("the defaults load");
        let demo = demo_identity(&sandbox)
            .expect("the development key loads")
            .expect("the sandbox profile pre-fills");
        assert!(demo.provider.mint(&demo.user_id).is_ok());

        let mut production = sandbox.clone();
        production.profile = Profile::Production;
        assert!(demo_identity(&production).expect("no key needed").is_none());

        let mut switched_off = sandbox;
        switched_off.graphiql.prefill_demo_token = false;
        assert!(
            demo_identity(&switched_off)
                .expect("no key needed")
                .is_none()
        );
    }
}
