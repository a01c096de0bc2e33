//! [`RegistrationBackend`] over HTTP.

use async_trait::async_trait;

use super::wire::WireUser;
use crate::AdapterError;
use crate::client::{BackendClient, Fetched};
use crate::model::UserProfile;
use crate::ports::RegistrationBackend;

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

#[async_trait]
impl RegistrationBackend for HttpRegistrationBackend {
    async fn user_profile(&self, user_id: &str) -> Result<Option<UserProfile>, AdapterError> {
        let path = format!(
            "v1/users/{}",
            url::form_urlencoded::byte_serialize(user_id.as_bytes()).collect::<String>()
        );
        match self
            .client
            .get_json_or_not_found::<WireUser>(&path, &[])
            .await?
        {
            Fetched::Found(user) if user.user_id == user_id => Ok(Some(user.into())),
            Fetched::Found(user) => Err(self.client.contract_violation(format!(
                "asked for user {user_id:?}, got {:?}",
                user.user_id
            ))),
            Fetched::NotFound => Ok(None),
        }
    }
}
