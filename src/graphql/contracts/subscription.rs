//! `contractAlerts` (subscription): the alerts the contracts system raises — a contract waiting
//! for an approver, for a signature, a contract reaching a horizon of its end (the system's daily
//! check) — as they are raised, over the websocket at `/graphql/ws` (see `http::ws`), from the
//! one reading of the system's change feed per gateway instance ([`crate::contract_feed`]).
//!
//! Authorisation is checked twice: when subscribing (a signed-in caller with Contracts on at
//! least one customer number) and again when each alert arrives — the caller's registration
//! profile, read through the profile cache, must authorise Contracts on the alert's customer
//! number at that moment, and for APPROVAL_NEEDED name the caller an approver for it — so access
//! withdrawn during a subscription stops the alerts it covered, and another company's alerts are
//! never sent.
//!
//! A subscription never skips an alert silently: when it cannot tell whether its caller may see
//! one (the profile cannot be read: `BACKEND_UNAVAILABLE`, backend `registration`), or when it
//! fell so far behind the feed that alerts were dropped for it (`BACKEND_UNAVAILABLE`, backend
//! `contracts`, with `missedAlerts`), it ends with that error. The client then asks
//! `contractAlerts` (the query) again and subscribes again.

use std::sync::Arc;

use async_graphql::{Context, ErrorExtensions, Result, Subscription};
use futures::Stream;
use supportgraph_adapters::model;

use super::alerts::ContractAlert;
use super::scope::contract_scope;
use crate::app::App;
use crate::auth::Caller;
use crate::contract_feed::{ContractFeedSubscription, Missed};
use crate::countries::Tool;
use crate::error::GatewayError;
use crate::federation::scope::ToolScope;

/// Whether the caller may be told of `alert` about a contract of `customer_number` now: their
/// profile (through the cache) authorises Contracts on it and, for an approval, names them an
/// approver for it. `Err` when they are no longer registered (`FORBIDDEN`), or when the profile
/// cannot be read now (`BACKEND_UNAVAILABLE`: the alert can be neither sent nor withheld
/// knowingly).
async fn may_see(
    app: &App,
    user_id: &str,
    customer_number: &str,
    alert: model::ContractAlertKind,
) -> Result<bool, GatewayError> {
    match app.profiles.get(user_id).await {
        Ok(Some(profile)) => {
            let authorised = ToolScope::region_for(
                Tool::Contracts,
                &profile,
                &app.countries.snapshot(),
                customer_number,
            )
            .is_some();
            let approves = match alert {
                model::ContractAlertKind::ApprovalNeeded => {
                    profile.approves_contracts_for(customer_number)
                }
                _ => true,
            };
            Ok(authorised && approves)
        }
        Ok(None) => Err(GatewayError::Forbidden(
            "your user ID is no longer registered for the e-tools".to_owned(),
        )),
        Err(error) => Err(GatewayError::from_adapter(&error, None)),
    }
}

/// The error that ends a subscription that fell `missed` alerts behind the feed: like the
/// contracts system being unavailable to it, with its own message and the count.
fn missed_alerts(Missed(missed): Missed) -> async_graphql::Error {
    let mut error: async_graphql::Error = GatewayError::BackendUnavailable {
        backend: "contracts".to_owned(),
        region: None,
    }
    .into();
    error.message = format!(
        "this subscription fell behind and missed {missed} alerts: ask contractAlerts again and subscribe again"
    );
    error.extend_with(|_, e| e.set("missedAlerts", missed))
}

/// What one subscription carries from alert to alert.
struct Watching {
    app: Arc<App>,
    user_id: String,
    alerts: ContractFeedSubscription,
}

impl Watching {
    /// The next alert this subscriber may see, or the error that ends the subscription; `None`
    /// once the feed is gone.
    async fn next(&mut self) -> Option<Result<ContractAlert>> {
        loop {
            let event = match self.alerts.next().await {
                Ok(event) => event?,
                Err(missed) => {
                    tracing::warn!(
                        missed = missed.0,
                        "contract feed: a slow subscriber missed alerts; ending its subscription"
                    );
                    return Some(Err(missed_alerts(missed)));
                }
            };
            let change = &event.change;
            let Some(alert) = change.alert else {
                continue;
            };
            match may_see(&self.app, &self.user_id, &change.customer_number, alert).await {
                Ok(true) => {
                    return Some(Ok(ContractAlert::of_change(
                        change,
                        alert,
                        event.contract.clone(),
                    )));
                }
                Ok(false) => continue,
                Err(error) => return Some(Err(error.into())),
            }
        }
    }
}

/// Subscriptions of Contracts OnLine.
#[derive(Default)]
pub struct ContractsSubscription;

#[Subscription]
impl ContractsSubscription {
    /// Your company's contract alerts as the contracts system raises them, each within about
    /// `contracts.feed_poll_ms` (1 s by default): a contract submitted for approval on a customer
    /// number you approve contracts for (APPROVAL_NEEDED), one sent for your company's signature
    /// (SIGNATURE_NEEDED), and one reaching a horizon of its end in the system's daily check
    /// (ENDING_SOON, with the days it announced as `daysLeft` and `horizon`). Only over the
    /// websocket at `/graphql/ws` (graphql-transport-ws), signed in through `connection_init`.
    /// Each alert is sent only if you are authorised for Contracts on its customer number when
    /// it is raised. What needs you already is the `contractAlerts` query's.
    async fn contract_alerts(
        &self,
        ctx: &Context<'_>,
    ) -> Result<impl Stream<Item = Result<ContractAlert>>> {
        let app = ctx.data::<Arc<App>>()?.clone();
        let user_id = ctx.data::<Caller>()?.principal()?.user_id.clone();
        contract_scope(ctx, None).await?;
        let alerts = app.contract_feed.subscribe();
        let watching = Watching {
            app,
            user_id,
            alerts,
        };
        Ok(futures::stream::unfold(
            Some(watching),
            |watching| async move {
                let mut watching = watching?;
                match watching.next().await? {
                    Ok(alert) => Some((Ok(alert), Some(watching))),
                    // The error ends the subscription: nothing follows it.
                    Err(error) => Some((Err(error), None)),
                }
            },
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subscriber_that_fell_behind_is_told_so_with_a_stable_code() {
        let error = missed_alerts(Missed(3));
        assert!(
            error.message.contains("missed 3 alerts"),
            "{}",
            error.message
        );
        let extensions = error.extensions.expect("extensions");
        assert_eq!(
            extensions.get("code"),
            Some(&async_graphql::Value::from("BACKEND_UNAVAILABLE"))
        );
        assert_eq!(
            extensions.get("backend"),
            Some(&async_graphql::Value::from("contracts"))
        );
        assert_eq!(
            extensions.get("missedAlerts"),
            Some(&async_graphql::Value::from(3u64))
        );
    }
}
