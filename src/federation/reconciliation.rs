//! Invoices against the installed inventory: each invoice line with a serial number is looked up
//! in the online inventory system of its customer number's country, for a whole page of
//! invoices at once — one batch call per system (per 100 serial numbers) however many invoices
//! and lines the page holds — through the inventory's DataLoader (`InventoryLoader`).
//!
//! A line is *matched* when an item with its serial number is installed for the invoice's
//! customer number, *unmatched* when the system answered and has none, and *unchecked* when it
//! cannot be said: the line has no serial number (software, services), the country has no online
//! inventory, the caller is not authorised for Inventory on that customer number (the inventory
//! is theirs to see only with that authorisation), or the system did not answer.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use supportgraph_adapters::model::{InventoryItem, Invoice, UserProfile};

use super::fan_out::RegionFailure;
use super::inventory::{InventoryLoader, SerialRef, inventory_scope, region_of};
use crate::countries::{CountryDirectory, InventorySource};

/// What one line's serial number came to.
#[derive(Debug, Clone, PartialEq)]
pub enum LineMatch {
    /// Installed for the invoice's customer number: the item.
    Matched(Box<InventoryItem>),
    /// The system answered and has no such item for that customer number.
    Unmatched,
    /// Could not be checked (see the module's doc).
    Unchecked,
}

/// What the inventory says about a set of invoices' lines.
#[derive(Debug, Clone, Default)]
pub struct Installed {
    /// Per (customer number, serial number): the system that was asked, and the item it has.
    checked: HashMap<(String, String), Option<InventoryItem>>,
    /// Systems that could not answer.
    pub failures: Vec<RegionFailure>,
}

impl Installed {
    /// What a line of `invoice` with `serial_number` came to.
    pub fn line(&self, invoice: &Invoice, serial_number: Option<&str>) -> LineMatch {
        let Some(serial) = serial_number else {
            return LineMatch::Unchecked;
        };
        match self
            .checked
            .get(&(invoice.customer_number.clone(), serial.to_owned()))
        {
            Some(Some(item)) => LineMatch::Matched(Box::new(item.clone())),
            Some(None) => LineMatch::Unmatched,
            None => LineMatch::Unchecked,
        }
    }

    /// Adds what `other` found (another page of the same request).
    pub fn absorb(&mut self, other: Installed) {
        self.checked.extend(other.checked);
        self.failures.extend(other.failures);
    }

    /// Whether any line of `invoice` is unmatched.
    pub fn has_unmatched(&self, invoice: &Invoice) -> bool {
        invoice
            .lines
            .iter()
            .any(|line| self.line(invoice, line.serial_number.as_deref()) == LineMatch::Unmatched)
    }
}

/// Looks up every serial number on `invoices` in the inventory systems the caller may see, in
/// one batch call per system (per 100 serial numbers).
#[tracing::instrument(name = "federation", skip_all, fields(otel.kind = "internal", otel.name = "inventory.installed"))]
pub async fn installed(
    invoices: &[Invoice],
    profile: &UserProfile,
    countries: &CountryDirectory,
    loader: &InventoryLoader,
) -> Installed {
    // The customer numbers whose inventory the caller may see, per system.
    let by_system: BTreeMap<InventorySource, Arc<[String]>> =
        match inventory_scope(profile, countries, None) {
            Ok(scope) => scope
                .by_system
                .into_iter()
                .map(|(system, customers)| (system, customers.into()))
                .collect(),
            Err(_) => BTreeMap::new(),
        };
    let system_of = |customer: &str| {
        by_system
            .iter()
            .find(|(_, customers)| customers.iter().any(|c| c == customer))
            .map(|(system, customers)| (*system, customers.clone()))
    };
    let mut keys: Vec<SerialRef> = Vec::new();
    let mut asked: Vec<(String, String, SerialRef)> = Vec::new();
    for invoice in invoices {
        let Some((system, customers)) = system_of(&invoice.customer_number) else {
            continue;
        };
        for serial in invoice
            .lines
            .iter()
            .filter_map(|l| l.serial_number.as_ref())
        {
            let key = SerialRef {
                system,
                customers: customers.clone(),
                serial_number: serial.clone(),
            };
            if !keys.contains(&key) {
                keys.push(key.clone());
            }
            asked.push((invoice.customer_number.clone(), serial.clone(), key));
        }
    }
    let mut installed = Installed::default();
    if keys.is_empty() {
        return installed;
    }
    let answers = match loader.load(&keys).await {
        Ok(answers) => answers,
        Err(never) => match never {},
    };
    let mut failed: BTreeMap<InventorySource, RegionFailure> = BTreeMap::new();
    for (customer, serial, key) in asked {
        let found = match answers.get(&key) {
            Some(Ok(item)) if item.customer_number == customer => Some(item.clone()),
            Some(Ok(_)) | None => None,
            Some(Err(error)) => {
                failed.entry(key.system).or_insert_with(|| RegionFailure {
                    region: region_of(key.system),
                    error: error.clone(),
                });
                continue;
            }
        };
        installed.checked.insert((customer, serial), found);
    }
    installed.failures = failed.into_values().collect();
    installed
}
