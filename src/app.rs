//! The shared state of a running gateway: one `Arc<App>` handed to every request.

use std::collections::BTreeMap;
use std::sync::Arc;

use supportgraph_adapters::model::Region;
use supportgraph_adapters::ports::{InventoryBackend, OrderBackend};

use crate::auth::{ProfileCache, TokenVerifier};
use crate::cache::{Cache, IdempotencyStore};
use crate::carriers::CarrierDirectory;
use crate::countries::{CountryDirectory, InventorySystem};
use crate::limits::GuestLimiter;
use crate::settings::Settings;

/// Everything a request may need, built once by [`crate::startup::Application::build`].
pub struct App {
    /// The settings the gateway started with.
    pub settings: Settings,
    /// Regions, tools and calendars per country.
    pub countries: CountryDirectory,
    /// Carrier names and tracking-page templates.
    pub carriers: CarrierDirectory,
    /// The order-status instance of every region.
    pub order_backends: BTreeMap<Region, Arc<dyn OrderBackend>>,
    /// The online inventory systems (US Inventory OnLine, the EU Services Assistant).
    pub inventory_backends: BTreeMap<InventorySystem, Arc<dyn InventoryBackend>>,
    /// The two-tier cache (in-process, plus Redis when configured).
    pub cache: Arc<Cache>,
    /// `Idempotency-Key` records of mutations.
    pub idempotency: IdempotencyStore,
    /// Registration profiles and tool authorisations, cached briefly per user.
    pub profiles: ProfileCache,
    /// Verifies bearer tokens against the identity provider's key set.
    pub tokens: TokenVerifier,
    /// Limits anonymous order lookups per client address.
    pub guest_limiter: GuestLimiter,
}
