//! Starts the simulator: one HTTP server, one path prefix per backend instance.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use std::time::Duration;

use tokio::task::JoinHandle;
use url::Url;

use super::faults::{FaultTable, InstanceFaults, inject};
use super::identity::{self, IdentityConfig, IdentityError, SandboxIdentityProvider};
use super::malformed;
use super::openapi;
use super::{FaultSpec, Outbox, OutboxMessage, SandboxStats};
use crate::model::Region;
use crate::registration::sandbox::RegistrationState;
use crate::support;
use crate::{billing, contracts, eu_services, mail, order_status, registration, us_inventory};

/// Every simulated backend instance, by the name used in fault configuration and errors.
pub const INSTANCES: [&str; 13] = [
    order_status::instance_name(Region::Americas),
    order_status::instance_name(Region::Emea),
    order_status::instance_name(Region::Ap),
    billing::instance_name(Region::Americas),
    billing::instance_name(Region::Emea),
    billing::instance_name(Region::Ap),
    registration::INSTANCE,
    IDENTITY,
    us_inventory::INSTANCE,
    eu_services::INSTANCE,
    mail::INSTANCE,
    support::INSTANCE,
    contracts::INSTANCE,
];

/// The identity provider's instance name (the one simulated service that is not a backend).
const IDENTITY: &str = "identity";

/// How to run the sandbox.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Seed of the demo data; the same seed always gives the same data.
    pub seed: u64,
    /// Faults to inject, by instance name (see [`INSTANCES`]).
    pub faults: BTreeMap<String, FaultSpec>,
    /// The identity provider's issuer, audience and development key.
    pub identity: IdentityConfig,
    /// Approve pending tool-authorisation requests automatically after this long; `None` waits
    /// for a decision at `registration/admin/v1/decisions`.
    pub auto_approve_after: Option<Duration>,
    /// Orders generated on top of the demo ones for the colocation provider's US customer number
    /// ([`demo::LARGE_US_CUSTOMER`](super::demo::LARGE_US_CUSTOMER)), for load scenarios and
    /// large exports; 0 for the demo data alone.
    pub extra_orders: u32,
}

/// The sandbox could not start.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// A fault was configured for an instance that does not exist.
    #[error("sandbox.faults.{0}: no such backend instance (known: {known})", known = INSTANCES.join(", "))]
    UnknownInstance(String),
    /// A fault's error rate was outside 0..=1.
    #[error("sandbox.faults.{0}.error_rate must be between 0.0 and 1.0")]
    BadErrorRate(String),
    /// A fault named a malformed payload its instance's backend does not document.
    #[error(
        "sandbox.faults.{instance}.malformed: {name:?} is not a malformed payload of this backend (known: {known})"
    )]
    UnknownMalformed {
        /// The instance.
        instance: String,
        /// The name asked for.
        name: String,
        /// The names the instance knows, comma-separated.
        known: String,
    },
    /// A fault set both a replacement body and a malformed payload.
    #[error("sandbox.faults.{0}: set replace_body or malformed, not both")]
    TwoBodies(String),
    /// The identity provider's key is unusable.
    #[error("the sandbox identity provider cannot start: {0}")]
    Identity(#[from] IdentityError),
    /// The listening socket could not be bound.
    #[error("could not listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
}

/// A running sandbox. Dropping it stops the server.
#[derive(Debug)]
pub struct SandboxHandle {
    addr: SocketAddr,
    faults: Arc<FaultTable>,
    identity: Arc<SandboxIdentityProvider>,
    outbox: Arc<Outbox>,
    server: JoinHandle<()>,
}

impl SandboxHandle {
    /// The address the sandbox listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL of one instance, e.g. `http://127.0.0.1:PORT/order-status/emea/`.
    pub fn base_url(&self, instance: &str) -> Url {
        Url::parse(&format!("http://{}/{instance}/", self.addr))
            .expect("a socket address and an instance name always form a valid URL")
    }

    /// Call counts since start or the last [`reset_stats`](Self::reset_stats).
    pub fn stats(&self) -> SandboxStats {
        self.faults.stats()
    }

    /// Zeroes the call counts.
    pub fn reset_stats(&self) {
        self.faults.reset();
    }

    /// The identity provider (tests publish new keys through it to rotate).
    pub fn identity(&self) -> &Arc<SandboxIdentityProvider> {
        &self.identity
    }

    /// The URL of the identity provider's key set.
    pub fn jwks_url(&self) -> Url {
        self.base_url(IDENTITY)
            .join(".well-known/jwks.json")
            .expect("a relative path always joins")
    }

    /// Every e-mail the simulators "sent" (through the mail service, or on their own), oldest
    /// first.
    pub fn outbox(&self) -> Vec<OutboxMessage> {
        self.outbox.messages()
    }

    /// Empties the outbox, idempotency keys included.
    pub fn clear_outbox(&self) {
        self.outbox.clear();
    }

    /// Changes the faults injected into one instance from now on.
    pub fn set_fault(&self, instance: &str, spec: FaultSpec) -> Result<(), SandboxError> {
        validate(instance, &spec)?;
        self.faults.set(instance, spec);
        Ok(())
    }
}

impl Drop for SandboxHandle {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Checks one configured fault: a known instance, an error rate within 0..=1, and a malformed
/// payload (if any) that the instance's backend documents.
pub fn validate_fault(instance: &str, spec: &FaultSpec) -> Result<(), SandboxError> {
    validate(instance, spec)
}

fn validate(instance: &str, spec: &FaultSpec) -> Result<(), SandboxError> {
    if !INSTANCES.contains(&instance) {
        return Err(SandboxError::UnknownInstance(instance.to_owned()));
    }
    if !(0.0..=1.0).contains(&spec.error_rate) {
        return Err(SandboxError::BadErrorRate(instance.to_owned()));
    }
    if let Some(name) = &spec.malformed {
        if spec.replace_body.is_some() {
            return Err(SandboxError::TwoBodies(instance.to_owned()));
        }
        if malformed::payload(instance, name).is_none() {
            return Err(SandboxError::UnknownMalformed {
                instance: instance.to_owned(),
                name: name.clone(),
                known: malformed::names(instance).join(", "),
            });
        }
    }
    Ok(())
}

/// The shared state of the stateful simulators.
struct Simulators {
    seed: u64,
    extra_orders: u32,
    registration: Arc<RegistrationState>,
    identity: Arc<SandboxIdentityProvider>,
    outbox: Arc<Outbox>,
}

fn instance_router(name: &'static str, table: &Arc<FaultTable>, sims: &Simulators) -> Router {
    let order_region = Region::ALL
        .into_iter()
        .find(|r| order_status::instance_name(*r) == name);
    let routes = match (order_region, name) {
        (Some(region), _) => {
            order_status::sandbox::router(sims.seed, region, sims.extra_orders, sims.outbox.clone())
        }
        (None, IDENTITY) => identity::router(sims.identity.clone()),
        (None, us_inventory::INSTANCE) => us_inventory::sandbox::router(sims.seed),
        (None, eu_services::INSTANCE) => eu_services::sandbox::router(sims.seed),
        (None, mail::INSTANCE) => mail::sandbox::router(sims.outbox.clone()),
        (None, support::INSTANCE) => support::sandbox::router(sims.seed),
        (None, contracts::INSTANCE) => contracts::sandbox::router(sims.seed, sims.outbox.clone()),
        _ => match Region::ALL
            .into_iter()
            .find(|r| billing::instance_name(*r) == name)
        {
            Some(region) => billing::sandbox::router(sims.seed, region),
            None => registration::sandbox::router(sims.registration.clone()),
        },
    };
    let state = InstanceFaults {
        name,
        table: table.clone(),
    };
    routes.layer(axum::middleware::from_fn_with_state(state, inject))
}

/// Generates the demo data and serves every instance on `addr` (port 0 picks a free port).
pub async fn start(config: SandboxConfig, addr: SocketAddr) -> Result<SandboxHandle, SandboxError> {
    for (instance, spec) in &config.faults {
        validate(instance, spec)?;
    }
    let table = Arc::new(FaultTable::new(&INSTANCES, config.faults, config.seed));
    let sims = Simulators {
        seed: config.seed,
        extra_orders: config.extra_orders,
        registration: Arc::new(RegistrationState::new(config.auto_approve_after)),
        identity: Arc::new(SandboxIdentityProvider::new(&config.identity)?),
        outbox: Arc::new(Outbox::new()),
    };
    let contracts = openapi::contracts();
    let router = INSTANCES.iter().fold(Router::new(), |router, name| {
        let routes = instance_router(name, &table, &sims);
        let routes = match contracts.iter().find(|c| c.instances.contains(name)) {
            Some(contract) => routes.merge(openapi::route(contract)),
            None => routes,
        };
        router.nest(&format!("/{name}"), routes)
    });
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| SandboxError::Bind { addr, source })?;
    let addr = listener
        .local_addr()
        .map_err(|source| SandboxError::Bind { addr, source })?;
    let server = tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, router).await {
            tracing::error!(%error, "sandbox server stopped");
        }
    });
    tracing::info!(%addr, "sandbox backends listening");
    Ok(SandboxHandle {
        addr,
        faults: table,
        identity: sims.identity,
        outbox: sims.outbox,
        server,
    })
}
