//! The changed inquiries, looked up in batches: once per page of changes for the subscribers,
//! and once per batch of answer e-mails for the e-mails.

use std::collections::{HashMap, HashSet};

use supportgraph_adapters::AdapterError;
use supportgraph_adapters::model::Inquiry;
use supportgraph_adapters::ports::LOOKUP_BATCH;

use crate::app::App;

/// The inquiries one lookup found.
#[derive(Default)]
pub(super) struct Fetched {
    /// By tracking number.
    found: HashMap<String, Inquiry>,
    /// Tracking numbers whose lookup failed (and may work next time).
    failed: HashSet<String>,
}

/// What a lookup of one inquiry came to.
pub(super) enum Lookup<'a> {
    Found(&'a Inquiry),
    /// The support system answered without it: the inquiry is gone (or never was its customer
    /// number's).
    Missing,
    Failed,
}

impl Fetched {
    /// The inquiry `tracking_number` of `customer_number`.
    pub(super) fn lookup(&self, tracking_number: &str, customer_number: &str) -> Lookup<'_> {
        if self.failed.contains(tracking_number) {
            return Lookup::Failed;
        }
        match self.found.get(tracking_number) {
            // An inquiry answered for another customer number than the change's is not this one.
            Some(inquiry) if inquiry.customer_number == customer_number => Lookup::Found(inquiry),
            _ => Lookup::Missing,
        }
    }
}

/// The inquiries `wanted` names as (tracking number, customer number), one batch call per
/// [`LOOKUP_BATCH`] tracking numbers (naming the customer numbers of those only). A failed call
/// marks its tracking numbers failed; a call that could never be made (a number the adapter
/// refuses) leaves them missing.
pub(super) async fn fetch(app: &App, wanted: &[(&str, &str)]) -> Fetched {
    let mut numbers: Vec<&str> = wanted.iter().map(|(tracking, _)| *tracking).collect();
    numbers.sort_unstable();
    numbers.dedup();
    let mut fetched = Fetched::default();
    for batch in numbers.chunks(LOOKUP_BATCH) {
        let tracking: Vec<String> = batch.iter().map(|t| (*t).to_owned()).collect();
        let mut customers: Vec<String> = wanted
            .iter()
            .filter(|(t, _)| batch.contains(t))
            .map(|(_, customer)| (*customer).to_owned())
            .collect();
        customers.sort_unstable();
        customers.dedup();
        match app.support.inquiries_by_number(&customers, &tracking).await {
            Ok(inquiries) => fetched.found.extend(
                inquiries
                    .into_iter()
                    .map(|inquiry| (inquiry.tracking_number.clone(), inquiry)),
            ),
            Err(error @ AdapterError::InvalidRequest { .. }) => tracing::error!(
                %error,
                "inquiry feed: the changed inquiries cannot be looked up; going on without them"
            ),
            Err(error) => {
                tracing::warn!(
                    %error,
                    "inquiry feed: looking up the changed inquiries failed"
                );
                fetched.failed.extend(tracking);
            }
        }
    }
    fetched
}
