//! `watchOrder`: ask the order-status system to e-mail someone each time an order's status
//! changes (Order Status OnLine's "status until receipt, with notifications").
//!
//! The order is found among the caller's authorised customer numbers first — through the
//! request's order-number batch, as `order` finds it — so an order that does not exist and one of
//! another company (or of a customer number the caller is not authorised for) are the same
//! `NOT_FOUND` user error, and nothing reaches the order-status system for either. Then its
//! region's instance records the watcher; watching again is answered with the same watch. The
//! mutation honours `Idempotency-Key` like every other.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use serde::{Deserialize, Serialize};
use supportgraph_adapters::model::{self, EmailAddress, OrderNumber, WatchRefusal};

use super::types::Order;
use crate::app::App;
use crate::auth::Caller;
use crate::countries::Tool;
use crate::error::GatewayError;
use crate::federation::orders::{OrderBatcher, OrderLookup, OrderTicket, find_order};
use crate::federation::scope::ToolScope;
use crate::graphql::common::idempotency::{self, IdempotencyKey, Step};
use crate::graphql::common::input::identifier;
use crate::graphql::common::outcome::{Outcome, UserError, UserErrorCode};
use crate::hashing::short_sha256_hex;

/// Whom to e-mail about which order.
#[derive(InputObject)]
pub struct WatchOrderInput {
    /// The vendor's order number: one of your company's orders, on a customer number you are
    /// authorised for with Order Status.
    pub order_number: String,
    /// Who is e-mailed each time the order's status changes (anyone: a colleague, a shared
    /// mailbox).
    pub email: String,
}

/// Someone the order-status system e-mails when an order's status changes.
#[derive(SimpleObject)]
pub struct OrderWatch {
    /// Stable ID of this watch (the order and the address).
    pub id: ID,
    /// The order watched.
    pub order_number: String,
    /// Who is e-mailed.
    pub email: String,
    /// Whether the address was watching the order already (nothing changed).
    pub already_watching: bool,
}

/// The result of `watchOrder`.
#[derive(SimpleObject)]
pub struct WatchOrderPayload {
    /// The watch as recorded; null when refused.
    pub watch: Option<OrderWatch>,
    /// The order watched; null when refused.
    pub order: Option<Order>,
    /// Why it was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// What a successful watch came to, recorded for `Idempotency-Key` replays.
#[derive(Clone, Serialize, Deserialize)]
struct Watched {
    watch: model::OrderWatch,
    order: model::Order,
}

impl WatchOrderPayload {
    fn from_outcome(outcome: Outcome<Watched>) -> Self {
        let (watched, user_errors) = outcome.into_parts(|w| w);
        let Some(Watched { watch, order }) = watched else {
            return Self {
                watch: None,
                order: None,
                user_errors,
            };
        };
        let key = format!(
            "{}/{}/{}",
            order.region,
            watch.order_number,
            watch.email.as_str().to_ascii_lowercase()
        );
        Self {
            watch: Some(OrderWatch {
                id: ID(format!("watch-{}", short_sha256_hex(key, 12))),
                order_number: watch.order_number,
                email: watch.email.as_str().to_owned(),
                already_watching: !watch.created,
            }),
            order: Some(Order(order)),
            user_errors,
        }
    }
}

fn not_found(number: &str) -> Outcome<Watched> {
    Outcome::refused(
        "orderNumber",
        UserErrorCode::NotFound,
        format!("none of the customer numbers you are authorised for has an order {number}"),
    )
}

/// Finds the order among the caller's authorised customer numbers, then asks its region's
/// instance to record the watcher (a write that runs to completion even when the client goes
/// away: see [`Step`]).
async fn watch(
    app: &Arc<App>,
    caller: &Caller,
    ticket: OrderTicket,
    number: OrderNumber,
    email: &str,
) -> Result<Step<Outcome<Watched>>, GatewayError> {
    let Ok(email) = email.parse::<EmailAddress>() else {
        return Ok(Step::Answer(Outcome::refused(
            "email",
            UserErrorCode::InvalidEmail,
            "this is not an e-mail address the order-status system can write to",
        )));
    };
    let profile = caller.profile(&app.profiles).await?;
    let scope = ToolScope::for_tool(Tool::OrderStatus, profile, &app.countries.snapshot(), None)?;
    if scope.is_empty() {
        return Err(scope.empty_error(Tool::OrderStatus, &profile.country));
    }
    let order = match find_order(ticket, &scope.by_region, number.as_str()).await {
        OrderLookup::Found(order) => *order,
        OrderLookup::NotFound => return Ok(Step::Answer(not_found(number.as_str()))),
        OrderLookup::Unavailable(failures) => {
            let failure = failures
                .first()
                .ok_or_else(|| GatewayError::internal("an unavailable lookup without a failure"))?;
            return Err(GatewayError::from_adapter(
                &failure.error,
                Some(failure.region),
            ));
        }
    };
    let region = order.region;
    let backend =
        app.order_backends.get(&region).cloned().ok_or_else(|| {
            GatewayError::internal("a region in scope has no order-status instance")
        })?;
    Ok(Step::write(async move {
        let answer = backend
            .watch_order(&order.order_number, &email)
            .await
            .map_err(|e| GatewayError::from_adapter(&e, Some(region)))?;
        Ok(match answer {
            Ok(watch) => Outcome::Done(Watched { watch, order }),
            Err(WatchRefusal::UnknownOrder) => not_found(&order.order_number),
            Err(WatchRefusal::OrderClosed) => Outcome::refused(
                "orderNumber",
                UserErrorCode::OrderClosed,
                "the order is delivered or cancelled: its status will not change again",
            ),
            Err(WatchRefusal::TooManyWatchers) => Outcome::refused(
                "orderNumber",
                UserErrorCode::InvalidRequest,
                format!(
                    "the order has {} watchers already, the most it may have",
                    model::MAX_WATCHERS_PER_ORDER
                ),
            ),
            Err(WatchRefusal::InvalidEmail) => Outcome::refused(
                "email",
                UserErrorCode::InvalidEmail,
                "the order-status system does not take this e-mail address",
            ),
        })
    }))
}

/// Mutations of Order Status OnLine.
#[derive(Default)]
pub struct WatchMutation;

#[Object]
impl WatchMutation {
    /// Asks the order's order-status system to e-mail `email` each time the order's status
    /// changes, until it is delivered or cancelled. The order must be one of your company's, on a
    /// customer number you are authorised for with Order Status; any other is a `NOT_FOUND` user
    /// error. Watching again is answered with the same watch (`alreadyWatching`). Send an
    /// `Idempotency-Key` header to make retries safe.
    async fn watch_order(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The order to watch, and where to send its changes.")]
        input: WatchOrderInput,
    ) -> Result<WatchOrderPayload> {
        // A mutation's lookup is not among the operation's batched ones: it asks at once.
        let ticket = ctx.data::<OrderBatcher>()?.ticket();
        let app = ctx.data::<Arc<App>>()?;
        let caller = ctx.data::<Caller>()?;
        let user_id = caller.principal()?.user_id.clone();
        let number: OrderNumber = identifier("input.orderNumber", &input.order_number)?;
        let email = input.email.trim();
        let fingerprint = (number.as_str(), email.to_ascii_lowercase());
        let wait = Duration::from_millis(app.settings.backends.order_status.timeout_ms);
        let outcome = idempotency::once(
            app,
            ctx.data_opt::<IdempotencyKey>(),
            &user_id,
            "watchOrder",
            &fingerprint,
            wait,
            watch(app, caller, ticket, number.clone(), email),
        )
        .await?;
        Ok(WatchOrderPayload::from_outcome(outcome))
    }
}
