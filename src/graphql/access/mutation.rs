//! `requestToolAuthorization`: the seed's first-time authorisation per tool and customer number.
//!
//! Business-rule refusals come back as `userErrors` in the payload; only authentication and
//! backend failures are top-level errors. Rules the gateway can check itself are checked before
//! the registration system is called; a malformed customer number or a justification with
//! control characters is `BAD_USER_INPUT` before anything is touched.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::{Context, InputObject, Object, Result, SimpleObject};
use supportgraph_adapters::model::{
    AuthorizationRefusal, AuthorizationStatus as ModelStatus, CustomerNumber, MAX_JUSTIFICATION,
    Tool, ToolAuthorization,
};

use super::types::ToolAccess;
use crate::app::App;
use crate::auth::Caller;
use crate::error::GatewayError;
use crate::graphql::common::idempotency::{self, IdempotencyKey, Step};
use crate::graphql::common::input::{free_text, identifier};
use crate::graphql::common::outcome::{Outcome, UserError, UserErrorCode};

/// Ask for access to a tool on a customer number.
#[derive(InputObject)]
pub struct RequestToolAuthorizationInput {
    /// The tool.
    pub tool: super::types::Tool,
    /// One of your company's customer numbers.
    pub customer_number: String,
    /// Why you need access (shown to your customer administrator); 1 to 1000 characters.
    pub justification: String,
}

/// The result of `requestToolAuthorization`.
#[derive(SimpleObject)]
pub struct RequestToolAuthorizationPayload {
    /// Your authorisation as it now stands (`PENDING` until decided); null when refused.
    pub authorization: Option<ToolAccess>,
    /// Why the request was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

impl RequestToolAuthorizationPayload {
    fn from_outcome(user_id: &str, outcome: Outcome<ToolAuthorization>) -> Self {
        let (authorization, user_errors) =
            outcome.into_parts(|a| ToolAccess::new(user_id, a.tool, &a.customer_number, a.status));
        Self {
            authorization,
            user_errors,
        }
    }
}

fn already_authorized() -> Outcome<ToolAuthorization> {
    Outcome::refused(
        "tool",
        UserErrorCode::AlreadyAuthorized,
        "you are already authorised for this tool on this customer number",
    )
}

fn not_company_customer(customer_number: &str) -> Outcome<ToolAuthorization> {
    Outcome::refused(
        "customerNumber",
        UserErrorCode::NotCompanyCustomer,
        format!("{customer_number} is not one of your company's registered customer numbers"),
    )
}

/// Checks what the gateway can check itself, then asks the registration system (a write that
/// runs to completion even when the client goes away: see [`Step`]).
async fn request_access(
    app: &Arc<App>,
    caller: &Caller,
    tool: Tool,
    customer_number: &str,
    justification: &str,
) -> Result<Step<Outcome<ToolAuthorization>>, GatewayError> {
    if justification.is_empty() || justification.chars().count() > MAX_JUSTIFICATION {
        return Ok(Step::Answer(Outcome::refused(
            "justification",
            UserErrorCode::InvalidJustification,
            format!("say in 1 to {MAX_JUSTIFICATION} characters why you need access"),
        )));
    }
    let user_id = &caller.principal()?.user_id;
    let profile = caller.profile(&app.profiles).await?;
    let Some(customer) = profile.customer(customer_number) else {
        return Ok(Step::Answer(not_company_customer(customer_number)));
    };
    if !app
        .countries
        .snapshot()
        .get(&customer.country)
        .is_some_and(|c| c.has(tool))
    {
        return Ok(Step::Answer(Outcome::refused(
            "tool",
            UserErrorCode::FeatureNotAvailable,
            format!("{tool} is not available in {}", customer.country),
        )));
    }
    if profile.authorization(tool, customer_number) == ModelStatus::Authorized {
        return Ok(Step::Answer(already_authorized()));
    }
    let (app, user_id) = (Arc::clone(app), user_id.clone());
    let (customer_number, justification) = (customer_number.to_owned(), justification.to_owned());
    Ok(Step::write(async move {
        let answer = app
            .registration
            .request_tool_authorization(&user_id, tool, &customer_number, &justification)
            .await;
        app.profiles.forget(&user_id).await;
        Ok(
            match answer.map_err(|e| GatewayError::from_adapter(&e, None))? {
                Ok(authorization) => Outcome::Done(authorization),
                Err(AuthorizationRefusal::AlreadyAuthorized) => already_authorized(),
                Err(AuthorizationRefusal::NotCompanyCustomer) => {
                    not_company_customer(&customer_number)
                }
                Err(AuthorizationRefusal::InvalidJustification) => Outcome::refused(
                    "justification",
                    UserErrorCode::InvalidJustification,
                    "the registration system did not accept the justification",
                ),
            },
        )
    }))
}

/// Mutations of the e-tools registration.
#[derive(Default)]
pub struct AuthorizationMutation;

#[Object]
impl AuthorizationMutation {
    /// Asks your customer administrator for access to a tool on one of your company's customer
    /// numbers. Answers `PENDING`; company data shows once the request is approved. Send an
    /// `Idempotency-Key` header to make retries safe: a repeat gets the first answer back.
    async fn request_tool_authorization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The tool, the customer number and why you need it.")]
        input: RequestToolAuthorizationInput,
    ) -> Result<RequestToolAuthorizationPayload> {
        let app = ctx.data::<Arc<App>>()?;
        let caller = ctx.data::<Caller>()?;
        let user_id = caller.principal()?.user_id.clone();
        let tool: Tool = input.tool.into();
        let customer_number = input.customer_number.trim();
        let justification = input.justification.trim();
        identifier::<CustomerNumber>("input.customerNumber", customer_number)?;
        free_text("input.justification", justification)?;
        let outcome = idempotency::once(
            app,
            ctx.data_opt::<IdempotencyKey>(),
            &user_id,
            "requestToolAuthorization",
            &(tool, customer_number, justification),
            Duration::from_millis(app.settings.backends.registration.timeout_ms),
            request_access(app, caller, tool, customer_number, justification),
        )
        .await?;
        Ok(RequestToolAuthorizationPayload::from_outcome(
            &user_id, outcome,
        ))
    }
}
