//! In-process ports answering from the sandbox's seeded demo data, so a bench can run GraphQL
//! operations through the gateway without a socket: what it measures is then the gateway's own
//! work, not HTTP, JSON decoding or a simulator's.
//!
//! The data is the sandbox's (its generators and demo cast, turned into the model once), and the
//! listings answer as the simulators do: matching, in the listing's order, after the key or
//! cursor asked, at most the limit. Each distinct question is answered once and the answer kept,
//! so a bench iteration pays only for a clone of it — about what an adapter's decoded answer
//! costs to hand over. Billing, support, contracts and mail are the real HTTP adapters pointed at
//! a discard address: the benched operations never call them.

// The unused backends are the real adapters, built here as startup builds them.
#![allow(clippy::disallowed_types)]

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use supportgraph::startup::Backends;
use supportgraph_adapters::AdapterError;
use supportgraph_adapters::billing::{self, HttpBillingBackend};
use supportgraph_adapters::client::{BackendClient, BackendEndpoint};
use supportgraph_adapters::contracts::{self, HttpContractsBackend};
use supportgraph_adapters::mail::{self, HttpMailBackend};
use supportgraph_adapters::model::{
    Address, AuthorizationRefusal, ChangeFeed, CustomerAccount, EmailAddress, InventoryChange,
    InventoryItem, InventoryPage, InventoryRefusal, InventoryRequest, InventorySource, Order,
    OrderPage, OrderQuery, OrderWatch, PageCursor, PageRequest, PreferenceDoc, PreferenceKind,
    PreferenceRefusal, PreferenceWrite, Region, Tool, ToolAuthorization, UserProfile, WatchRefusal,
};
use supportgraph_adapters::ports::{
    BillingBackend, InventoryBackend, OrderBackend, RegistrationBackend,
};
use supportgraph_adapters::resilience::ResilienceConfig;
use supportgraph_adapters::sandbox::demo;
use supportgraph_adapters::support::{self, HttpSupportBackend};
use supportgraph_adapters::{eu_services, order_status, registration, us_inventory};

/// Every port over the sandbox's demo data for `seed`.
pub fn backends(seed: u64) -> Backends {
    let orders = Region::ALL
        .into_iter()
        .map(|region| {
            let backend: Arc<dyn OrderBackend> = Arc::new(FixedOrders::new(seed, region));
            (region, backend)
        })
        .collect();
    let us: Arc<dyn InventoryBackend> = Arc::new(FixedInventory::new(
        us_inventory::INSTANCE,
        us_inventory::sandbox::generate(seed)
            .into_iter()
            .map(|record| {
                record
                    .into_model()
                    .expect("the simulator's records are valid")
            })
            .collect(),
    ));
    let eu: Arc<dyn InventoryBackend> = Arc::new(FixedInventory::new(
        eu_services::INSTANCE,
        eu_services::demo_items(seed).expect("the demo machines read"),
    ));
    let unused = Unused::new();
    Backends {
        orders,
        inventory: BTreeMap::from([
            (InventorySource::UsInventoryOnline, us),
            (InventorySource::EuServicesAssistant, eu),
        ]),
        registration: Arc::new(FixedRegistration::new()),
        mail: Arc::new(HttpMailBackend::new(unused.client(mail::INSTANCE))),
        billing: Region::ALL
            .into_iter()
            .map(|region| {
                let client = unused.client(billing::instance_name(region));
                let backend: Arc<dyn BillingBackend> =
                    Arc::new(HttpBillingBackend::new(client, region));
                (region, backend)
            })
            .collect(),
        support: Arc::new(HttpSupportBackend::new(
            unused.http.clone(),
            unused.endpoint(support::INSTANCE),
            ResilienceConfig::default(),
            Duration::from_secs(1),
        )),
        contracts: Arc::new(HttpContractsBackend::new(
            unused.http.clone(),
            unused.endpoint(contracts::INSTANCE),
            ResilienceConfig::default(),
        )),
    }
}

/// The answers given so far, by question: each one is worked out once.
struct Answers<K, V>(Mutex<HashMap<K, V>>);

impl<K: Eq + Hash, V: Clone> Answers<K, V> {
    fn new() -> Self {
        Self(Mutex::new(HashMap::new()))
    }

    fn get_or(&self, question: K, work_out: impl FnOnce() -> V) -> V {
        let mut answers = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        answers.entry(question).or_insert_with(work_out).clone()
    }
}

/// The refusal of a call the benched operations never make.
fn not_here(backend: &str) -> AdapterError {
    AdapterError::InvalidRequest {
        backend: backend.to_owned(),
        detail: "not answered by the bench's fixed ports".to_owned(),
    }
}

/// One region's order-status instance: the simulator's orders, listed as it lists them.
struct FixedOrders {
    region: Region,
    orders: Vec<Order>,
    pages: Answers<String, OrderPage>,
}

impl FixedOrders {
    fn new(seed: u64, region: Region) -> Self {
        let orders = order_status::sandbox::generate(seed, region)
            .into_iter()
            .map(|wire| {
                wire.into_model(region)
                    .expect("the simulator's orders are valid")
            })
            .collect();
        Self {
            region,
            orders,
            pages: Answers::new(),
        }
    }

    /// The simulator's listing: matching orders in the sort's order, after the key, at most
    /// the limit, with the number of matches.
    fn list(&self, query: &OrderQuery) -> OrderPage {
        let mut matching: Vec<_> = self
            .orders
            .iter()
            .filter(|o| query.customer_numbers.contains(&o.customer_number))
            .filter(|o| query.filters.matches(o))
            .map(|o| (o.sort_key(query.sort), o))
            .collect();
        matching.sort_by(|a, b| a.0.cmp(&b.0));
        let total_count = matching.len() as u64;
        let orders = matching
            .into_iter()
            .filter(|(key, _)| query.after.as_ref().is_none_or(|after| key > after))
            .take(query.limit as usize)
            .map(|(_, order)| order.clone())
            .collect();
        OrderPage {
            orders,
            total_count,
        }
    }
}

#[async_trait]
impl OrderBackend for FixedOrders {
    fn instance(&self) -> &str {
        order_status::instance_name(self.region)
    }

    fn region(&self) -> Region {
        self.region
    }

    async fn list_orders(&self, query: &OrderQuery) -> Result<OrderPage, AdapterError> {
        Ok(self.pages.get_or(format!("{query:?}"), || self.list(query)))
    }

    async fn orders_by_number(&self, numbers: &[String]) -> Result<Vec<Order>, AdapterError> {
        let found = self
            .orders
            .iter()
            .filter(|o| numbers.contains(&o.order_number));
        Ok(found.cloned().collect())
    }

    async fn status_changes(&self, _since: Option<u64>) -> Result<ChangeFeed, AdapterError> {
        Err(not_here(self.instance()))
    }

    async fn watch_order(
        &self,
        _order_number: &str,
        _email: &EmailAddress,
    ) -> Result<Result<OrderWatch, WatchRefusal>, AdapterError> {
        Err(not_here(self.instance()))
    }
}

/// An inventory system: its items in the simulator's order, paged by offset.
struct FixedInventory {
    instance: &'static str,
    items: Vec<InventoryItem>,
    pages: Answers<PageQuestion, InventoryPage>,
}

/// A page asked of an inventory system: the customer numbers, the cursor and the limit.
type PageQuestion = (Vec<String>, Option<String>, Option<u32>);

impl FixedInventory {
    /// The page size without a limit, and the largest one.
    const PAGE: usize = 500;

    fn new(instance: &'static str, items: Vec<InventoryItem>) -> Self {
        Self {
            instance,
            items,
            pages: Answers::new(),
        }
    }

    fn page(&self, customers: &[String], page: &PageRequest) -> InventoryPage {
        let mine: Vec<&InventoryItem> = self
            .items
            .iter()
            .filter(|item| customers.contains(&item.customer_number))
            .collect();
        let from = page.after.as_ref().map_or(0, |cursor| {
            cursor.as_str().parse().expect("a cursor this port issued")
        });
        let size = page
            .limit
            .map_or(Self::PAGE, |l| (l as usize).min(Self::PAGE));
        let to = (from + size).min(mine.len());
        let next = (to < mine.len())
            .then(|| PageCursor::try_from(to.to_string()).expect("an offset is a valid cursor"));
        InventoryPage {
            items: mine[from.min(to)..to].iter().map(|&i| i.clone()).collect(),
            next,
            total_count: mine.len() as u64,
        }
    }
}

#[async_trait]
impl InventoryBackend for FixedInventory {
    fn instance(&self) -> &str {
        self.instance
    }

    async fn items_page(
        &self,
        customers: &[String],
        page: &PageRequest,
    ) -> Result<InventoryPage, AdapterError> {
        let after = page.after.as_ref().map(|c| c.as_str().to_owned());
        let question = (customers.to_vec(), after, page.limit);
        Ok(self.pages.get_or(question, || self.page(customers, page)))
    }

    async fn items_by_serial(
        &self,
        serials: &[String],
    ) -> Result<Vec<InventoryItem>, AdapterError> {
        let found = self
            .items
            .iter()
            .filter(|i| serials.contains(&i.serial_number));
        Ok(found.cloned().collect())
    }

    async fn request_change(
        &self,
        _customer_number: &str,
        _serial_number: &str,
        _change: InventoryChange,
        _details: &str,
    ) -> Result<Result<InventoryRequest, InventoryRefusal>, AdapterError> {
        Err(not_here(self.instance))
    }
}

/// The registration system: the demo cast's profiles with their initial authorisations, as the
/// simulator answers them before anyone asks for more.
struct FixedRegistration {
    profiles: HashMap<String, UserProfile>,
}

impl FixedRegistration {
    fn new() -> Self {
        let profiles = demo::users()
            .into_iter()
            .map(|(user, company)| (user.user_id.to_owned(), profile(&user, &company)))
            .collect();
        Self { profiles }
    }
}

/// `user`'s profile, as the registration simulator builds it.
fn profile(user: &demo::DemoUser, company: &demo::DemoCompany) -> UserProfile {
    let mut authorizations: Vec<ToolAuthorization> = demo::initial_authorizations()
        .into_iter()
        .filter(|(u, ..)| *u == user.user_id)
        .map(|(_, tool, customer, status)| ToolAuthorization {
            tool,
            customer_number: customer.to_owned(),
            status,
        })
        .collect();
    authorizations.sort_by(|a, b| (a.tool, &a.customer_number).cmp(&(b.tool, &b.customer_number)));
    let (street, city, postal_code) = user.address;
    UserProfile {
        user_id: user.user_id.to_owned(),
        name: user.name.to_owned(),
        email: user.email.to_owned(),
        phone: user.phone.to_owned(),
        language: user.language.to_owned(),
        address: Address {
            street: street.to_owned(),
            city: city.to_owned(),
            postal_code: postal_code.to_owned(),
            country: user.country.to_owned(),
        },
        country: user.country.to_owned(),
        company_id: company.company_id.to_owned(),
        company_name: company.name.to_owned(),
        customers: company
            .accounts
            .iter()
            .map(|a| CustomerAccount {
                customer_number: a.customer_number.to_owned(),
                country: a.country.to_owned(),
            })
            .collect(),
        authorizations,
        contract_approver_for: demo::contract_approvers()
            .into_iter()
            .filter(|(u, _)| *u == user.user_id)
            .map(|(_, c)| c.to_owned())
            .collect(),
    }
}

#[async_trait]
impl RegistrationBackend for FixedRegistration {
    fn instance(&self) -> &str {
        registration::INSTANCE
    }

    async fn user_profile(&self, user_id: &str) -> Result<Option<UserProfile>, AdapterError> {
        Ok(self.profiles.get(user_id).cloned())
    }

    async fn request_tool_authorization(
        &self,
        _user_id: &str,
        _tool: Tool,
        _customer_number: &str,
        _justification: &str,
    ) -> Result<Result<ToolAuthorization, AuthorizationRefusal>, AdapterError> {
        Err(not_here(registration::INSTANCE))
    }

    async fn list_preferences(
        &self,
        _user_id: &str,
        _kind: PreferenceKind,
    ) -> Result<Vec<PreferenceDoc>, AdapterError> {
        Ok(Vec::new())
    }

    async fn put_preference(
        &self,
        _user_id: &str,
        _write: &PreferenceWrite,
    ) -> Result<Result<PreferenceDoc, PreferenceRefusal>, AdapterError> {
        Err(not_here(registration::INSTANCE))
    }

    async fn delete_preference(
        &self,
        _user_id: &str,
        _kind: PreferenceKind,
        _id: &str,
    ) -> Result<Result<(), PreferenceRefusal>, AdapterError> {
        Err(not_here(registration::INSTANCE))
    }
}

/// The real adapters of the backends the benched operations never call, at the discard port:
/// nothing listens there, and nothing is sent.
struct Unused {
    http: reqwest::Client,
}

impl Unused {
    fn new() -> Self {
        Self {
            http: reqwest::Client::new(),
        }
    }

    fn endpoint(&self, instance: &str) -> BackendEndpoint {
        BackendEndpoint {
            name: instance.to_owned(),
            base_url: format!("http://127.0.0.1:9/{instance}/")
                .parse()
                .expect("a valid URL"),
            timeout: Duration::from_secs(1),
        }
    }

    fn client(&self, instance: &str) -> BackendClient {
        BackendClient::new(self.http.clone(), self.endpoint(instance))
    }
}
