//! `inquiries` and `inquiry`: the history of the inquiries of every customer number the caller
//! is authorised for with Inquiries, newest first, each with its whole thread.
//!
//! Arguments are checked before the support system is asked; every call names the caller's
//! customer numbers, so another company's inquiry is never in an answer (`NOT_FOUND`, whether
//! or not it exists).

use std::sync::Arc;

use async_graphql::{Context, InputObject, Object, Result};
use supportgraph_adapters::model::{self, InquiryNumber, InquiryQuery, MAX_SEARCH_TEXT};

use super::scope::{find_inquiry, inquiry_scope};
use super::types::{Inquiry, InquiryCategory, InquiryConnection, InquiryEdge, InquiryStatus};
use crate::app::App;
use crate::auth::Caller;
use crate::error::GatewayError;
use crate::federation::call_budget::CallBudget;
use crate::graphql::common::connection::{PageInfo, page_size};
use crate::graphql::common::cursor::{invalid, open, seal};
use crate::graphql::common::exclusions::excluded_customers;
use crate::graphql::common::input::{customer_filter, customer_filter_not_empty, identifier};
use crate::graphql::common::scalars::Date;

const CURSOR_PREFIX: &str = "inquiry:v1:";

/// Which inquiries to list: every condition given must hold.
#[derive(InputObject, Default)]
pub struct InquiryFilter {
    /// In one of these statuses.
    pub statuses: Option<Vec<InquiryStatus>>,
    /// In one of these categories.
    pub categories: Option<Vec<InquiryCategory>>,
    /// Only these customer numbers (yours, authorised for Inquiries); all of them when left out.
    pub customer_numbers: Option<Vec<String>>,
    /// Submitted on or after this day (UTC).
    pub submitted_from: Option<Date>,
    /// Submitted on or before this day (UTC).
    pub submitted_to: Option<Date>,
    /// The tracking number, subject, description or a message contains this text (ignoring
    /// case; 1 to 200 characters).
    pub text: Option<String>,
}

fn model_filter(filter: &InquiryFilter) -> Result<model::InquiryFilter, GatewayError> {
    let text = filter.text.as_deref().map(|t| t.trim().to_owned());
    let checked = model::InquiryFilter {
        statuses: filter
            .statuses
            .iter()
            .flatten()
            .map(|s| (*s).into())
            .collect(),
        categories: filter
            .categories
            .iter()
            .flatten()
            .map(|c| (*c).into())
            .collect(),
        submitted_from: filter.submitted_from.map(|d| d.0),
        submitted_to: filter.submitted_to.map(|d| d.0),
        text,
    };
    if checked.check().is_err() {
        return Err(GatewayError::bad_input(
            "filter.text",
            format!(
                "a search text is 1 to {MAX_SEARCH_TEXT} characters, without control characters"
            ),
        ));
    }
    if let (Some(from), Some(to)) = (checked.submitted_from, checked.submitted_to)
        && from > to
    {
        return Err(GatewayError::bad_input(
            "filter.submittedFrom",
            "submittedFrom is after submittedTo",
        ));
    }
    Ok(checked)
}

fn encode_cursor(key: &model::InquiryKey) -> String {
    let json = serde_json::to_string(key).expect("an inquiry key always serialises");
    seal(CURSOR_PREFIX, &json)
}

fn decode_cursor(cursor: &str) -> Result<model::InquiryKey, GatewayError> {
    let json = open(cursor, CURSOR_PREFIX)?;
    let key: model::InquiryKey = serde_json::from_str(&json).map_err(|_| invalid())?;
    InquiryNumber::check(&key.tracking_number).map_err(|_| invalid())?;
    Ok(key)
}

/// The history's query fields.
#[derive(Default)]
pub struct InquiriesQuery;

#[Object]
impl InquiriesQuery {
    /// Your company's inquiries, newest first, over every customer number you are authorised
    /// for with Inquiries, each with its whole thread.
    async fn inquiries(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which inquiries to list.")] filter: Option<InquiryFilter>,
        #[graphql(
            desc = "Page size: 1 to the configured maximum, and at most 49 (each inquiry comes with its whole thread)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Cursor to continue after (`pageInfo.endCursor`).")] after: Option<String>,
    ) -> Result<InquiryConnection> {
        ctx.data::<Caller>()?.principal()?;
        let app = ctx.data::<Arc<App>>()?;
        let filter = filter.unwrap_or_default();
        customer_filter_not_empty(filter.customer_numbers.as_ref())?;
        let requested = customer_filter(filter.customer_numbers.as_deref())?;
        let checked = model_filter(&filter)?;
        // One more than the page is asked for, to know whether another follows.
        let limit = page_size(first, app)?.min(model::MAX_INQUIRY_PAGE - 1);
        let after_key = after.as_deref().map(decode_cursor).transpose()?;
        let scope = inquiry_scope(ctx, requested.as_deref()).await?;
        let budget = ctx.data::<Arc<CallBudget>>()?;
        let query = InquiryQuery {
            customer_numbers: scope.customers.clone(),
            filter: checked,
            after: after_key,
            limit: limit + 1,
        };
        let support = &app.support;
        let page = budget
            .spend(support.instance(), support.inquiries(&query))
            .await
            .map_err(|e| GatewayError::from_adapter(&e, None))?;
        let has_next_page = page.inquiries.len() > limit as usize;
        let edges: Vec<InquiryEdge> = page
            .inquiries
            .into_iter()
            .filter(|i| scope.customers.contains(&i.customer_number))
            .take(limit as usize)
            .map(|inquiry| InquiryEdge {
                cursor: encode_cursor(&inquiry.key()),
                node: Inquiry(inquiry),
            })
            .collect();
        Ok(InquiryConnection {
            page_info: PageInfo::of(&edges, |e| &e.cursor, has_next_page, after.is_some()),
            edges,
            total_count: page.total_count,
            excluded_customers: excluded_customers(scope.excluded),
        })
    }

    /// One of your company's inquiries by its tracking number, with its thread and documents.
    /// `NOT_FOUND` when none of your customer numbers authorised for Inquiries has it (whether
    /// or not another company does).
    async fn inquiry(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The tracking number, e.g. INQ-10000019.")] tracking_number: String,
    ) -> Result<Inquiry> {
        ctx.data::<Caller>()?.principal()?;
        let number: InquiryNumber = identifier("trackingNumber", &tracking_number)?;
        let app = ctx.data::<Arc<App>>()?;
        let scope = inquiry_scope(ctx, None).await?;
        let budget = ctx.data::<Arc<CallBudget>>()?;
        find_inquiry(app, budget, &scope.customers, number.as_str())
            .await?
            .map(Inquiry)
            .ok_or_else(|| GatewayError::NotFound.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_and_a_forged_one_is_refused() {
        let key = model::InquiryKey {
            submitted_at: chrono::Utc::now(),
            tracking_number: "INQ-10000001".into(),
        };
        assert_eq!(decode_cursor(&encode_cursor(&key)).expect("decodes"), key);
        let forged = encode_cursor(&model::InquiryKey {
            tracking_number: "INQ-1,INQ-2".into(),
            ..key
        });
        assert!(decode_cursor(&forged).is_err());
        assert!(decode_cursor("garbage").is_err());
    }
}
