//! Wiring the backends: one function per kind of backend (order status, inventory,
//! registration, mail, billing, support, contracts), each used for every instance of that kind, over one pooled HTTP client
//! with the configured resilience. An instance without a configured URL is served by the embedded
//! sandbox when there is one.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use supportgraph_adapters::billing::{self, HttpBillingBackend};
use supportgraph_adapters::client::{BackendClient, BackendEndpoint};
use supportgraph_adapters::contracts::{self, HttpContractsBackend};
use supportgraph_adapters::eu_services::{self, HttpEuServices};
use supportgraph_adapters::mail::{self, HttpMailBackend};
use supportgraph_adapters::model::{InventorySource, Region};
use supportgraph_adapters::order_status::{self, HttpOrderBackend};
use supportgraph_adapters::ports::{
    BillingBackend, ContractsBackend, InventoryBackend, MailBackend, OrderBackend,
    RegistrationBackend, SupportBackend,
};
use supportgraph_adapters::registration::{self, HttpRegistrationBackend};
use supportgraph_adapters::resilience::{BreakerConfig, ResilienceConfig};
use supportgraph_adapters::sandbox::SandboxHandle;
use supportgraph_adapters::support::{self, HttpSupportBackend};
use supportgraph_adapters::us_inventory::{self, HttpUsInventory};
use url::Url;

use super::StartupError;
use crate::settings::{ResilienceSettings, Settings};

/// What every backend client is built from.
pub(super) struct Wiring<'a> {
    http: reqwest::Client,
    resilience: ResilienceConfig,
    sandbox: Option<&'a SandboxHandle>,
}

/// Every backend the gateway talks to, as ports: what [`super::assemble_app`] builds the shared
/// state over (the adapters of the settings here, in-process implementations in the benches).
pub struct Backends {
    /// The order-status instance of every region.
    pub orders: BTreeMap<Region, Arc<dyn OrderBackend>>,
    /// The online inventory systems.
    pub inventory: BTreeMap<InventorySource, Arc<dyn InventoryBackend>>,
    /// The registration system.
    pub registration: Arc<dyn RegistrationBackend>,
    /// The outgoing mail service.
    pub mail: Arc<dyn MailBackend>,
    /// The billing instance of every region.
    pub billing: BTreeMap<Region, Arc<dyn BillingBackend>>,
    /// The customer-support system.
    pub support: Arc<dyn SupportBackend>,
    /// The contracts system.
    pub contracts: Arc<dyn ContractsBackend>,
}

impl<'a> Wiring<'a> {
    /// One pooled client for every backend, with the configured resilience.
    pub(super) fn new(
        settings: &Settings,
        sandbox: Option<&'a SandboxHandle>,
    ) -> Result<Self, StartupError> {
        let http = reqwest::Client::builder()
            .pool_idle_timeout(Duration::from_secs(30))
            .user_agent(concat!("supportgraph/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| StartupError::HttpClient(e.to_string()))?;
        Ok(Self {
            http,
            resilience: resilience_config(&settings.resilience),
            sandbox,
        })
    }

    /// Every backend of the settings.
    pub(super) fn backends(&self, settings: &Settings) -> Result<Backends, StartupError> {
        Ok(Backends {
            orders: self.order_status(settings)?,
            inventory: self.inventory(settings)?,
            registration: self.registration(settings)?,
            mail: self.mail(settings)?,
            billing: self.billing(settings)?,
            support: self.support(settings)?,
            contracts: self.contracts(settings)?,
        })
    }

    /// A client for one instance: its configured URL (named by `key` in errors), or the
    /// sandbox's.
    fn client(
        &self,
        key: &'static str,
        instance: &str,
        configured: Option<&Url>,
        timeout_ms: u64,
    ) -> Result<BackendClient, StartupError> {
        let endpoint = endpoint(key, instance, configured, self.sandbox, timeout_ms)?;
        Ok(BackendClient::with_resilience(
            self.http.clone(),
            endpoint,
            self.resilience.clone(),
        ))
    }

    /// The order-status instance of every region.
    fn order_status(
        &self,
        settings: &Settings,
    ) -> Result<BTreeMap<Region, Arc<dyn OrderBackend>>, StartupError> {
        let config = &settings.backends.order_status;
        let mut backends: BTreeMap<Region, Arc<dyn OrderBackend>> = BTreeMap::new();
        for region in Region::ALL {
            let (key, url) = match region {
                Region::Americas => ("backends.order_status.americas", &config.americas),
                Region::Emea => ("backends.order_status.emea", &config.emea),
                Region::Ap => ("backends.order_status.ap", &config.ap),
            };
            let instance = order_status::instance_name(region);
            let client = self.client(key, instance, url.as_ref(), config.timeout_ms)?;
            backends.insert(region, Arc::new(HttpOrderBackend::new(client, region)));
        }
        Ok(backends)
    }

    /// The billing instance of every region.
    fn billing(
        &self,
        settings: &Settings,
    ) -> Result<BTreeMap<Region, Arc<dyn BillingBackend>>, StartupError> {
        let config = &settings.backends.billing;
        let mut backends: BTreeMap<Region, Arc<dyn BillingBackend>> = BTreeMap::new();
        for region in Region::ALL {
            let (key, url) = match region {
                Region::Americas => ("backends.billing.americas", &config.americas),
                Region::Emea => ("backends.billing.emea", &config.emea),
                Region::Ap => ("backends.billing.ap", &config.ap),
            };
            let instance = billing::instance_name(region);
            let client = self.client(key, instance, url.as_ref(), config.timeout_ms)?;
            backends.insert(region, Arc::new(HttpBillingBackend::new(client, region)));
        }
        Ok(backends)
    }

    /// The online inventory systems.
    fn inventory(
        &self,
        settings: &Settings,
    ) -> Result<BTreeMap<InventorySource, Arc<dyn InventoryBackend>>, StartupError> {
        let config = &settings.backends;
        let mut backends: BTreeMap<InventorySource, Arc<dyn InventoryBackend>> = BTreeMap::new();
        for source in InventorySource::ALL {
            let backend: Arc<dyn InventoryBackend> = match source {
                InventorySource::UsInventoryOnline => Arc::new(HttpUsInventory::new(self.client(
                    "backends.us_inventory.base_url",
                    us_inventory::INSTANCE,
                    config.us_inventory.base_url.as_ref(),
                    config.us_inventory.timeout_ms,
                )?)),
                InventorySource::EuServicesAssistant => {
                    Arc::new(HttpEuServices::new(self.client(
                        "backends.eu_services_assistant.base_url",
                        eu_services::INSTANCE,
                        config.eu_services_assistant.base_url.as_ref(),
                        config.eu_services_assistant.timeout_ms,
                    )?))
                }
            };
            backends.insert(source, backend);
        }
        Ok(backends)
    }

    /// The registration system.
    fn registration(
        &self,
        settings: &Settings,
    ) -> Result<Arc<dyn RegistrationBackend>, StartupError> {
        let config = &settings.backends.registration;
        let client = self.client(
            "backends.registration.base_url",
            registration::INSTANCE,
            config.base_url.as_ref(),
            config.timeout_ms,
        )?;
        Ok(Arc::new(HttpRegistrationBackend::new(client)))
    }

    /// The customer-support system. Its adapter streams attachments itself, so it takes the
    /// pooled client and the resilience rather than a ready-made backend client.
    fn support(&self, settings: &Settings) -> Result<Arc<dyn SupportBackend>, StartupError> {
        let config = &settings.backends.support;
        let endpoint = endpoint(
            "backends.support.base_url",
            support::INSTANCE,
            config.base_url.as_ref(),
            self.sandbox,
            config.timeout_ms,
        )?;
        Ok(Arc::new(HttpSupportBackend::new(
            self.http.clone(),
            endpoint,
            self.resilience.clone(),
            Duration::from_millis(config.transfer_timeout_ms),
        )))
    }

    /// The contracts system. Its adapter reads document PDFs with their own client, so it takes
    /// the pooled client and the resilience rather than a ready-made backend client.
    fn contracts(&self, settings: &Settings) -> Result<Arc<dyn ContractsBackend>, StartupError> {
        let config = &settings.backends.contracts;
        let endpoint = endpoint(
            "backends.contracts.base_url",
            contracts::INSTANCE,
            config.base_url.as_ref(),
            self.sandbox,
            config.timeout_ms,
        )?;
        Ok(Arc::new(HttpContractsBackend::new(
            self.http.clone(),
            endpoint,
            self.resilience.clone(),
        )))
    }

    /// The outgoing mail service.
    fn mail(&self, settings: &Settings) -> Result<Arc<dyn MailBackend>, StartupError> {
        let config = &settings.backends.mail;
        let client = self.client(
            "backends.mail.base_url",
            mail::INSTANCE,
            config.base_url.as_ref(),
            config.timeout_ms,
        )?;
        Ok(Arc::new(HttpMailBackend::new(client)))
    }
}

fn endpoint(
    key: &'static str,
    instance: &str,
    configured: Option<&Url>,
    sandbox: Option<&SandboxHandle>,
    timeout_ms: u64,
) -> Result<BackendEndpoint, StartupError> {
    let base_url = configured
        .cloned()
        .or_else(|| sandbox.map(|s| s.base_url(instance)))
        .ok_or(StartupError::NoBackendUrl(key))?;
    Ok(BackendEndpoint {
        name: instance.to_owned(),
        base_url,
        timeout: Duration::from_millis(timeout_ms),
    })
}

fn resilience_config(settings: &ResilienceSettings) -> ResilienceConfig {
    ResilienceConfig {
        breaker: BreakerConfig {
            window: settings.breaker_window,
            min_calls: settings.breaker_min_calls,
            failure_rate: settings.breaker_failure_rate,
            open_for: Duration::from_millis(settings.breaker_open_ms),
        },
        max_retries: settings.max_retries,
        retry_ratio: settings.retry_ratio,
        retry_backoff: Duration::from_millis(settings.retry_backoff_ms),
    }
}
