//! [`RegistrationBackend`] over HTTP: profiles, authorisation requests and preference documents,
//! each identifier and limit checked before a request is built, each answer checked against what
//! was asked.

use async_trait::async_trait;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::wire::{
    WireAuthorization, WireAuthorizationRequest, WirePreference, WirePreferenceList,
    WirePreferenceWrite, WireUser, entity_tag,
};
use crate::AdapterError;
use crate::client::{BackendClient, Fetched, Posted};
use crate::model::ids::clip;
use crate::model::{
    AuthorizationRefusal, CustomerNumber, FreeText, PreferenceDoc, PreferenceKind,
    PreferenceRefusal, PreferenceWrite, Tool, ToolAuthorization, UserProfile, check_preference_id,
    check_user_id,
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

    /// Refuses, unsent, a user ID the gateway's token verifier would not have accepted.
    fn check_user(&self, user_id: &str) -> Result<(), AdapterError> {
        check_user_id(user_id).map_err(|e| self.client.refuse("user ID", e))
    }

    /// A document the backend answered, checked against what was asked: its kind, its ID (when
    /// one was written) and a usable ID and version.
    fn answered(
        &self,
        doc: WirePreference,
        kind: PreferenceKind,
        written: Option<&PreferenceWrite>,
    ) -> Result<PreferenceDoc, AdapterError> {
        if doc.kind != kind {
            return Err(self.client.contract_violation(format!(
                "asked for {kind} documents, got a {} one",
                doc.kind
            )));
        }
        if let Err(e) = check_preference_id(&doc.id) {
            return Err(self
                .client
                .contract_violation(format!("a document's ID is not usable: {e}")));
        }
        if doc.version == 0 {
            return Err(self
                .client
                .contract_violation("a document of version 0; versions start at 1"));
        }
        if let Some(write) = written
            && (doc.id != write.id || doc.name != write.name || doc.body != write.body)
        {
            return Err(self.client.contract_violation(format!(
                "wrote document {}, the answer is another or holds something else",
                write.id
            )));
        }
        Ok(doc.into())
    }
}

/// `v1/users/{id}` with the ID percent-encoded as one path segment.
fn user_path(user_id: &str) -> String {
    let encoded = utf8_percent_encode(user_id, PATH_SEGMENT);
    format!("v1/users/{encoded}")
}

/// `v1/users/{id}/preferences`, the user's preference documents.
fn preferences_path(user_id: &str) -> String {
    format!("{}/preferences", user_path(user_id))
}

/// `?kind=order-report`.
fn kind_query(kind: PreferenceKind) -> [(&'static str, String); 1] {
    [("kind", kind.as_str().to_owned())]
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

    async fn list_preferences(
        &self,
        user_id: &str,
        kind: PreferenceKind,
    ) -> Result<Vec<PreferenceDoc>, AdapterError> {
        self.check_user(user_id)?;
        let list: WirePreferenceList = self
            .client
            .get_json(
                "list_preferences",
                &preferences_path(user_id),
                &kind_query(kind),
            )
            .await?;
        list.preferences
            .into_iter()
            .map(|doc| self.answered(doc, kind, None))
            .collect()
    }

    async fn put_preference(
        &self,
        user_id: &str,
        write: &PreferenceWrite,
    ) -> Result<Result<PreferenceDoc, PreferenceRefusal>, AdapterError> {
        self.check_user(user_id)?;
        write
            .check()
            .map_err(|e| self.client.refuse("preference", e))?;
        // The ID passed its check: hexadecimal digits and dashes, nothing to encode.
        let path = format!("{}/{}", preferences_path(user_id), write.id);
        let tag = write.expected_version.map(entity_tag);
        let body = WirePreferenceWrite::from(write);
        match self
            .client
            .put_json::<_, WirePreference>("put_preference", &path, tag.as_deref(), &body)
            .await?
        {
            Posted::Accepted(doc) => Ok(Ok(self.answered(doc, write.kind, Some(write))?)),
            Posted::Refused(code) => match PreferenceRefusal::from_code(&code) {
                Some(refusal) => Ok(Err(refusal)),
                None => Err(self
                    .client
                    .contract_violation(format!("unknown refusal code {code:?}"))),
            },
        }
    }

    async fn delete_preference(
        &self,
        user_id: &str,
        kind: PreferenceKind,
        id: &str,
    ) -> Result<Result<(), PreferenceRefusal>, AdapterError> {
        self.check_user(user_id)?;
        check_preference_id(id).map_err(|e| self.client.refuse("preference ID", e))?;
        let path = format!("{}/{id}", preferences_path(user_id));
        match self
            .client
            .delete("delete_preference", &path, &kind_query(kind))
            .await?
        {
            Posted::Accepted(()) => Ok(Ok(())),
            Posted::Refused(code) => match PreferenceRefusal::from_code(&code) {
                Some(PreferenceRefusal::NotFound) => Ok(Err(PreferenceRefusal::NotFound)),
                _ => Err(self
                    .client
                    .contract_violation(format!("unknown refusal code {code:?} to a delete"))),
            },
        }
    }
}
