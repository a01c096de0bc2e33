//! `orderStatusChanged`: a company's order status changes as they happen, over the websocket at
//! `/graphql/ws` (see `http::ws`), from the hub that polls each region's change feed once for
//! every subscriber (see [`crate::live`]).
//!
//! Authorisation is checked twice: when subscribing (a signed-in caller with Order Status on at
//! least one customer number) and again when each change arrives — the caller's registration
//! profile, read through the profile cache, must authorise Order Status on the change's customer
//! number at that moment — so access withdrawn during a subscription stops the changes it covered,
//! and a change of another company's order is never sent. Naming order numbers only narrows what
//! is sent: no order is looked up to subscribe, and naming another company's order yields nothing.

use std::collections::HashSet;
use std::sync::Arc;

use async_graphql::{Context, Object, Result, Subscription};
use futures::Stream;
use supportgraph_adapters::model::{self, OrderNumber};

use super::types::{Order, OrderStatus};
use crate::app::App;
use crate::auth::Caller;
use crate::countries::Tool;
use crate::error::GatewayError;
use crate::federation::scope::ToolScope;
use crate::graphql::common::domain::Region;
use crate::graphql::common::input::identifier;
use crate::graphql::common::scalars::DateTime;
use crate::live::{LiveSubscription, StatusEvent};

/// The most order numbers one subscription may name.
pub const MAX_WATCHED_ORDERS: usize = 100;

/// One order's status change, as its order-status system recorded it.
pub struct OrderStatusChange(Arc<StatusEvent>);

/// One order's status change, as its region's order-status system recorded it.
#[Object]
impl OrderStatusChange {
    /// The order that changed.
    async fn order_number(&self) -> &str {
        &self.0.change.order_number
    }

    /// The customer number that placed it.
    async fn customer_number(&self) -> &str {
        &self.0.change.customer_number
    }

    /// The region whose order-status system recorded the change.
    async fn region(&self) -> Region {
        self.0.change.region.into()
    }

    /// The status the order entered.
    async fn status(&self) -> OrderStatus {
        self.0.change.status.into()
    }

    /// When it entered it (UTC).
    async fn at(&self) -> DateTime {
        DateTime(self.0.change.at)
    }

    /// The whole order as it was when the change was passed on — fetched once for every
    /// subscriber, so selecting it costs nothing more. Null when that lookup failed; it may
    /// already show a later status than `status` when the order moved twice within one poll.
    async fn order(&self) -> Option<Order> {
        self.0.order.clone().map(Order)
    }
}

/// The order numbers a subscription names, each checked by its type: `None` for every order.
fn watched(order_numbers: Option<Vec<String>>) -> Result<Option<HashSet<String>>, GatewayError> {
    let Some(numbers) = order_numbers else {
        return Ok(None);
    };
    if numbers.is_empty() || numbers.len() > MAX_WATCHED_ORDERS {
        return Err(GatewayError::bad_input(
            "orderNumbers",
            format!(
                "name 1 to {MAX_WATCHED_ORDERS} order numbers, or leave the argument out for every order"
            ),
        ));
    }
    numbers
        .iter()
        .map(|n| identifier::<OrderNumber>("orderNumbers", n).map(String::from))
        .collect::<Result<HashSet<_>, _>>()
        .map(Some)
}

/// What one subscription carries from change to change.
struct Watching {
    app: Arc<App>,
    user_id: String,
    orders: Option<HashSet<String>>,
    changes: LiveSubscription,
}

/// Whether the caller may be told of `change` now: their profile (through the cache) authorises
/// Order Status on its customer number, in its region. `Err` when they are no longer registered;
/// a profile that cannot be read now withholds the change (logged).
async fn authorised_now(
    app: &App,
    user_id: &str,
    change: &model::OrderChange,
) -> Result<bool, GatewayError> {
    match app.profiles.get(user_id).await {
        Ok(Some(profile)) => Ok(ToolScope::region_for(
            Tool::OrderStatus,
            &profile,
            &app.countries.snapshot(),
            &change.customer_number,
        ) == Some(change.region)),
        Ok(None) => Err(GatewayError::Forbidden(
            "your user ID is no longer registered for the e-tools".to_owned(),
        )),
        Err(error) => {
            tracing::warn!(%error, "live: cannot read a subscriber's profile; change withheld");
            Ok(false)
        }
    }
}

impl Watching {
    /// The next change this subscriber may see, or the error that ends the subscription.
    async fn next(&mut self) -> Option<Result<OrderStatusChange, GatewayError>> {
        loop {
            let event = self.changes.next().await?;
            let change = &event.change;
            if self
                .orders
                .as_ref()
                .is_some_and(|orders| !orders.contains(&change.order_number))
            {
                continue;
            }
            match authorised_now(&self.app, &self.user_id, change).await {
                Ok(true) => return Some(Ok(OrderStatusChange(event))),
                Ok(false) => continue,
                Err(error) => return Some(Err(error)),
            }
        }
    }
}

/// Subscriptions of Order Status OnLine.
#[derive(Default)]
pub struct OrdersSubscription;

#[Subscription]
impl OrdersSubscription {
    /// Your company's orders' status changes as they happen, each within about a poll interval
    /// (`live.poll_interval_ms`, 1 s by default). Only over the websocket at `/graphql/ws`
    /// (graphql-transport-ws), signed in through `connection_init`. Each change is sent only if
    /// you are authorised for Order Status on its customer number when it happens. Name up to 100
    /// order numbers to follow only those; leave them out for every order you may see.
    async fn order_status_changed(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only these orders (1 to 100 order numbers); every order when omitted.")]
        order_numbers: Option<Vec<String>>,
    ) -> Result<impl Stream<Item = Result<OrderStatusChange>>> {
        let app = ctx.data::<Arc<App>>()?.clone();
        let caller = ctx.data::<Caller>()?;
        let user_id = caller.principal()?.user_id.clone();
        let orders = watched(order_numbers)?;
        let profile = caller.profile(&app.profiles).await?;
        let scope =
            ToolScope::for_tool(Tool::OrderStatus, profile, &app.countries.snapshot(), None)?;
        if scope.is_empty() {
            return Err(scope
                .empty_error(Tool::OrderStatus, &profile.country)
                .into());
        }
        let changes = app.live.hub.subscribe();
        let watching = Watching {
            app,
            user_id,
            orders,
            changes,
        };
        Ok(futures::stream::unfold(
            Some(watching),
            |watching| async move {
                let mut watching = watching?;
                match watching.next().await? {
                    Ok(change) => Some((Ok(change), Some(watching))),
                    // The error ends the subscription: nothing follows it.
                    Err(error) => Some((Err(error.into()), None)),
                }
            },
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_numbers_are_checked_by_type_and_bounded() {
        assert_eq!(watched(None).ok(), Some(None));
        let one = watched(Some(vec![" 244002010017 ".into()])).expect("valid");
        assert_eq!(one, Some(HashSet::from(["244002010017".to_owned()])));
        assert!(watched(Some(Vec::new())).is_err());
        assert!(watched(Some(vec!["2440020,10017".into()])).is_err());
        let too_many = (0..=MAX_WATCHED_ORDERS)
            .map(|n| format!("2440020{n:05}"))
            .collect();
        assert!(watched(Some(too_many)).is_err());
    }
}
