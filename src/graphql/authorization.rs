//! `requestToolAuthorization`: the seed's first-time authorisation per tool and customer number.
//!
//! Business-rule refusals come back as `userErrors` in the payload; only authentication and
//! backend failures are top-level errors. Rules the gateway can check itself are checked before
//! the registration system is called.

use std::sync::Arc;

use async_graphql::{Context, Enum, InputObject, Object, Result, SimpleObject};
use supportgraph_adapters::model::{AuthorizationRefusal, AuthorizationStatus as ModelStatus};

use super::me::{AuthorizationStatus, Tool, ToolAccess};
use crate::app::App;
use crate::auth::Caller;
use crate::error::GatewayError;

/// The longest justification accepted, in characters.
const MAX_JUSTIFICATION: usize = 1000;

/// What a user error is about.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum UserErrorCode {
    /// The customer number is not one of your company's.
    NotCompanyCustomer,
    /// You are already authorised.
    AlreadyAuthorized,
    /// The justification is empty or too long.
    InvalidJustification,
    /// The tool does not exist in the customer number's country.
    FeatureNotAvailable,
}

/// A business rule refused the mutation.
#[derive(SimpleObject)]
pub struct UserError {
    /// Path to the input field at fault, e.g. `["input", "customerNumber"]`.
    pub field: Vec<String>,
    /// What is wrong, for the user.
    pub message: String,
    /// What is wrong, for the program.
    pub code: UserErrorCode,
}

impl UserError {
    fn new(field: &str, code: UserErrorCode, message: impl Into<String>) -> Self {
        Self {
            field: vec!["input".to_owned(), field.to_owned()],
            message: message.into(),
            code,
        }
    }
}

/// Ask for access to a tool on a customer number.
#[derive(InputObject)]
pub struct RequestToolAuthorizationInput {
    /// The tool.
    pub tool: Tool,
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
    fn refused(error: UserError) -> Self {
        Self {
            authorization: None,
            user_errors: vec![error],
        }
    }
}

/// Mutations of the e-tools registration.
#[derive(Default)]
pub struct AuthorizationMutation;

#[Object]
impl AuthorizationMutation {
    /// Asks your customer administrator for access to a tool on one of your company's customer
    /// numbers. Answers `PENDING`; company data shows once the request is approved.
    async fn request_tool_authorization(
        &self,
        ctx: &Context<'_>,
        input: RequestToolAuthorizationInput,
    ) -> Result<RequestToolAuthorizationPayload> {
        let app = ctx.data::<Arc<App>>()?;
        let caller = ctx.data::<Caller>()?;
        let user_id = caller.principal()?.user_id.clone();
        let tool: supportgraph_adapters::model::Tool = input.tool.into();
        let customer_number = input.customer_number.trim().to_owned();
        let justification = input.justification.trim();
        if justification.is_empty() || justification.chars().count() > MAX_JUSTIFICATION {
            return Ok(RequestToolAuthorizationPayload::refused(UserError::new(
                "justification",
                UserErrorCode::InvalidJustification,
                format!("say in 1 to {MAX_JUSTIFICATION} characters why you need access"),
            )));
        }
        let profile = caller.profile(&app.profiles).await?;
        let Some(customer) = profile
            .customers
            .iter()
            .find(|c| c.customer_number == customer_number)
        else {
            return Ok(RequestToolAuthorizationPayload::refused(UserError::new(
                "customerNumber",
                UserErrorCode::NotCompanyCustomer,
                format!(
                    "{customer_number} is not one of your company's registered customer numbers"
                ),
            )));
        };
        if !app
            .countries
            .get(&customer.country)
            .is_some_and(|c| c.has(tool))
        {
            return Ok(RequestToolAuthorizationPayload::refused(UserError::new(
                "tool",
                UserErrorCode::FeatureNotAvailable,
                format!("{tool} is not available in {}", customer.country),
            )));
        }
        if profile.authorization(tool, &customer_number) == ModelStatus::Authorized {
            return Ok(already_authorized());
        }

        let answer = app
            .profiles
            .registration()
            .request_tool_authorization(&user_id, tool, &customer_number, justification)
            .await;
        app.profiles.forget(&user_id).await;
        match answer.map_err(|e| GatewayError::from_adapter(&e, None))? {
            Ok(authorization) => Ok(RequestToolAuthorizationPayload {
                authorization: Some(ToolAccess {
                    tool: authorization.tool.into(),
                    customer_number: authorization.customer_number,
                    status: AuthorizationStatus::from(authorization.status),
                }),
                user_errors: Vec::new(),
            }),
            Err(AuthorizationRefusal::AlreadyAuthorized) => Ok(already_authorized()),
            Err(AuthorizationRefusal::NotCompanyCustomer) => {
                Ok(RequestToolAuthorizationPayload::refused(UserError::new(
                    "customerNumber",
                    UserErrorCode::NotCompanyCustomer,
                    format!(
                        "{customer_number} is not one of your company's registered customer numbers"
                    ),
                )))
            }
            Err(AuthorizationRefusal::InvalidJustification) => {
                Ok(RequestToolAuthorizationPayload::refused(UserError::new(
                    "justification",
                    UserErrorCode::InvalidJustification,
                    "the registration system did not accept the justification",
                )))
            }
        }
    }
}

fn already_authorized() -> RequestToolAuthorizationPayload {
    RequestToolAuthorizationPayload::refused(UserError::new(
        "tool",
        UserErrorCode::AlreadyAuthorized,
        "you are already authorised for this tool on this customer number",
    ))
}
