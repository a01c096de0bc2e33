//! [`RegistrationBackend`] over HTTP.

use async_trait::async_trait;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::wire::{WireAuthorization, WireAuthorizationRequest, WireUser};
use crate::AdapterError;
use crate::client::{BackendClient, Fetched, Posted};
use crate::model::ids::clip;
use crate::model::{
    AuthorizationRefusal, CustomerNumber, FreeText, Tool, ToolAuthorization, UserProfile,
};
use crate::ports::RegistrationBackend;
use crate::resilience::BreakerReport;

/// The registration adapter.
#[derive(Debug, Clone)]
pub struct HttpRegistrationBackend {
    client: BackendClient,
}

impl HttpRegistrationBackend {
    /// An adapter reaching the registration system through `client`.
    pub fn new(client: BackendClient) -> Self {
        Self { client }
    }
}

/// `v1/users/{id}` with the ID percent-encoded as one path segment.
fn user_path(user_id: &str) -> String {
    let encoded = utf8_percent_encode(user_id, PATH_SEGMENT);
    format!("v1/users/{encoded}")
}

/// Everything but letters, digits, `-`, `_` and `~` is encoded — `.` too, so an ID of `..` cannot
/// climb out of its path segment.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'~');

#[async_trait]
impl RegistrationBackend for HttpRegistrationBackend {
    fn instance(&self) -> &str {
        self.client.name()
    }

    fn breakers(&self) -> Vec<BreakerReport> {
        self.client.breakers()
    }

    async fn user_profile(&self, user_id: &str) -> Result<Option<UserProfile>, AdapterError> {
        match self
            .client
            .get_json_or_not_found::<WireUser>("user_profile", &user_path(user_id), &[])
            .await?
        {
            Fetched::Found(user) if user.user_id == user_id => Ok(Some(user.into())),
            Fetched::Found(user) => Err(self.client.contract_violation(format!(
                "asked for user \"{}\", got \"{}\"",
                clip(user_id),
                clip(&user.user_id)
            ))),
            Fetched::NotFound => Ok(None),
        }
    }

    async fn request_tool_authorization(
        &self,
        user_id: &str,
        tool: Tool,
        customer_number: &str,
        justification: &str,
    ) -> Result<Result<ToolAuthorization, AuthorizationRefusal>, AdapterError> {
        self.client
            .check::<CustomerNumber>("customer number", [customer_number])?;
        self.client
            .check::<FreeText>("justification", [justification])?;
        let body = WireAuthorizationRequest {
            tool,
            customer_number: customer_number.to_owned(),
            justification: justification.to_owned(),
        };
        let path = format!("{}/tool-authorizations", user_path(user_id));
        match self
            .client
            .post_json::<_, WireAuthorization>("request_tool_authorization", &path, &body)
            .await?
        {
            Posted::Accepted(authorization) => {
                if authorization.tool != tool || authorization.customer_number != customer_number {
                    return Err(self.client.contract_violation(
                        "the authorisation answered is not the one requested",
                    ));
                }
                Ok(Ok(authorization.into()))
            }
            Posted::Refused(code) => match code.as_str() {
                "NOT_COMPANY_CUSTOMER" => Ok(Err(AuthorizationRefusal::NotCompanyCustomer)),
                "ALREADY_AUTHORIZED" => Ok(Err(AuthorizationRefusal::AlreadyAuthorized)),
                "INVALID_JUSTIFICATION" => Ok(Err(AuthorizationRefusal::InvalidJustification)),
                other => Err(self
                    .client
                    .contract_violation(format!("unknown refusal code {other:?}"))),
            },
        }
    }
}
