//! `inquiryUpdated`: one inquiry's changes as they happen — support's answers, status changes,
//! the customer's own replies — over the websocket at `/graphql/ws` (see `http::ws`), from the
//! one reading of the support system's change feed per gateway instance ([`crate::inquiry_feed`]).
//!
//! Authorisation is checked twice: when subscribing (the inquiry must be among those of the
//! customer numbers the caller may use with Inquiries; another company's inquiry is NOT_FOUND,
//! like one that does not exist) and again when each change arrives — the caller's registration
//! profile, read through the profile cache, must still authorise Inquiries on the inquiry's
//! customer number — so access withdrawn during a subscription stops its changes.
//!
//! A subscription never skips a change silently: when it cannot tell whether its caller may see
//! one (the profile cannot be read: `BACKEND_UNAVAILABLE`, backend `registration`), or when it
//! fell so far behind the feed that changes were dropped for it (`BACKEND_UNAVAILABLE`, backend
//! `support`, with `missedChanges`), it ends with that error. The client then reads the inquiry
//! again and subscribes again.

use std::sync::Arc;

use async_graphql::{Context, ErrorExtensions, Object, Result, Subscription};
use futures::Stream;
use supportgraph_adapters::model::InquiryNumber;
use tokio::sync::broadcast;

use super::scope::{find_inquiry, inquiry_scope};
use super::types::{Inquiry, InquiryMessage, InquiryStatus};
use crate::app::App;
use crate::auth::Caller;
use crate::countries::Tool;
use crate::error::GatewayError;
use crate::federation::call_budget::CallBudget;
use crate::federation::scope::ToolScope;
use crate::graphql::common::input::identifier;
use crate::graphql::common::scalars::DateTime;
use crate::inquiry_feed::InquiryEvent;

/// One change of an inquiry, as the support system recorded it.
pub struct InquiryUpdate(Arc<InquiryEvent>);

/// One change of an inquiry, as the support system recorded it: a message added to its thread
/// (support's answer, or a reply), a status change, or both.
#[Object]
impl InquiryUpdate {
    /// The inquiry that changed.
    async fn tracking_number(&self) -> &str {
        &self.0.change.tracking_number
    }

    /// The status the inquiry is in after the change.
    async fn status(&self) -> InquiryStatus {
        self.0.change.status.into()
    }

    /// When the change happened (UTC).
    async fn at(&self) -> DateTime {
        DateTime(self.0.change.at)
    }

    /// The message the change added to the thread (support's answer, or a reply); null for a
    /// change that added none, or when the inquiry could not be read when the change was passed
    /// on.
    async fn message(&self) -> Option<InquiryMessage> {
        let id = &self.0.change.message.as_ref()?.id;
        let inquiry = self.0.inquiry.as_ref()?;
        let message = inquiry.messages.iter().find(|m| &m.id == id)?;
        Some(InquiryMessage::of(inquiry, message.clone()))
    }

    /// The whole inquiry as it was when the change was passed on — read once for every
    /// subscriber, so selecting it costs nothing more. Null when that lookup failed; it may
    /// already show a later change when the inquiry changed twice within one reading of the feed.
    async fn inquiry(&self) -> Option<Inquiry> {
        self.0.inquiry.clone().map(Inquiry)
    }
}

/// Whether the caller may be told of a change of `customer_number`'s inquiry now: their profile
/// (through the cache) authorises Inquiries on it. `Err` when they are no longer registered
/// (`FORBIDDEN`), or when the profile cannot be read now (`BACKEND_UNAVAILABLE`: the change can
/// be neither sent nor withheld knowingly).
async fn authorised_now(
    app: &App,
    user_id: &str,
    customer_number: &str,
) -> Result<bool, GatewayError> {
    match app.profiles.get(user_id).await {
        Ok(Some(profile)) => Ok(ToolScope::region_for(
            Tool::Inquiries,
            &profile,
            &app.countries.snapshot(),
            customer_number,
        )
        .is_some()),
        Ok(None) => Err(GatewayError::Forbidden(
            "your user ID is no longer registered for the e-tools".to_owned(),
        )),
        Err(error) => Err(GatewayError::from_adapter(&error, None)),
    }
}

/// The error that ends a subscription that fell `missed` changes behind the feed: like the
/// support system being unavailable to it, with its own message and the count.
fn missed_changes(missed: u64) -> async_graphql::Error {
    let mut error: async_graphql::Error = GatewayError::BackendUnavailable {
        backend: "support".to_owned(),
        region: None,
    }
    .into();
    error.message = format!(
        "this subscription fell behind and missed {missed} changes: read the inquiry again and subscribe again"
    );
    error.extend_with(|_, e| e.set("missedChanges", missed))
}

/// What one subscription carries from change to change.
struct Watching {
    app: Arc<App>,
    user_id: String,
    tracking_number: String,
    customer_number: String,
    changes: broadcast::Receiver<Arc<InquiryEvent>>,
}

impl Watching {
    /// The next change this subscriber may see, or the error that ends the subscription; `None`
    /// once the feed is gone.
    async fn next(&mut self) -> Option<Result<InquiryUpdate>> {
        loop {
            let event = match self.changes.recv().await {
                Ok(event) => event,
                Err(broadcast::error::RecvError::Lagged(missed)) => {
                    tracing::warn!(
                        missed,
                        "inquiry feed: a slow subscriber missed changes; ending its subscription"
                    );
                    return Some(Err(missed_changes(missed)));
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            };
            let change = &event.change;
            if change.tracking_number != self.tracking_number
                || change.customer_number != self.customer_number
            {
                continue;
            }
            match authorised_now(&self.app, &self.user_id, &self.customer_number).await {
                Ok(true) => return Some(Ok(InquiryUpdate(event))),
                Ok(false) => continue,
                Err(error) => return Some(Err(error.into())),
            }
        }
    }
}

/// Subscriptions of My inquiries.
#[derive(Default)]
pub struct InquiriesSubscription;

#[Subscription]
impl InquiriesSubscription {
    /// One of your company's inquiries as it changes — support's answers, status changes,
    /// replies — each within about `inquiries.feed_poll_ms` (1 s by default). Only over the
    /// websocket at `/graphql/ws` (graphql-transport-ws), signed in through `connection_init`.
    /// The inquiry must be one of the customer numbers you may use with Inquiries (NOT_FOUND
    /// otherwise), and each change is sent only if you still are when it happens.
    async fn inquiry_updated(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The inquiry's tracking number (`INQ-10000019`).")]
        tracking_number: String,
    ) -> Result<impl Stream<Item = Result<InquiryUpdate>>> {
        let tracking_number = identifier::<InquiryNumber>("trackingNumber", &tracking_number)?;
        let app = ctx.data::<Arc<App>>()?.clone();
        let caller = ctx.data::<Caller>()?;
        let user_id = caller.principal()?.user_id.clone();
        let scope = inquiry_scope(ctx, None).await?;
        // Registered before the lookup, so a change made meanwhile is not missed.
        let changes = app.inquiry_feed.subscribe();
        let budget = match ctx.data_opt::<Arc<CallBudget>>() {
            Some(budget) => budget.clone(),
            None => Arc::new(CallBudget::new(1)),
        };
        let inquiry = find_inquiry(&app, &budget, &scope.customers, tracking_number.as_str())
            .await?
            .ok_or(GatewayError::NotFound)?;
        let watching = Watching {
            app,
            user_id,
            tracking_number: inquiry.tracking_number,
            customer_number: inquiry.customer_number,
            changes,
        };
        Ok(futures::stream::unfold(
            Some(watching),
            |watching| async move {
                let mut watching = watching?;
                match watching.next().await? {
                    Ok(update) => Some((Ok(update), Some(watching))),
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
        let error = missed_changes(3);
        assert!(
            error.message.contains("missed 3 changes"),
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
            Some(&async_graphql::Value::from("support"))
        );
        assert_eq!(
            extensions.get("missedChanges"),
            Some(&async_graphql::Value::from(3u64))
        );
    }
}
