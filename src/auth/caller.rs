//! The caller of one request: their verified identity and, fetched at most once per request, their
//! registration profile (and so their company's customer numbers and tool authorisations).

use std::net::IpAddr;
use std::sync::Arc;

use supportgraph_adapters::model::UserProfile;
use tokio::sync::OnceCell;

use super::{Principal, ProfileCache};
use crate::error::GatewayError;

/// Who is calling, attached to every GraphQL request.
pub struct Caller {
    principal: Option<Principal>,
    client_ip: IpAddr,
    profile: OnceCell<Arc<UserProfile>>,
}

impl Caller {
    /// A caller with a verified token.
    pub fn authenticated(principal: Principal, client_ip: IpAddr) -> Self {
        Self {
            principal: Some(principal),
            client_ip,
            profile: OnceCell::new(),
        }
    }

    /// A caller without a token.
    pub fn guest(client_ip: IpAddr) -> Self {
        Self {
            principal: None,
            client_ip,
            profile: OnceCell::new(),
        }
    }

    /// The address the request came from (for per-client limits).
    pub fn client_ip(&self) -> IpAddr {
        self.client_ip
    }

    /// The verified identity, or `UNAUTHENTICATED` for a guest.
    pub fn principal(&self) -> Result<&Principal, GatewayError> {
        self.principal.as_ref().ok_or(GatewayError::Unauthenticated(
            "this field needs a signed-in user",
        ))
    }

    /// The caller's registration profile, fetched once per request.
    pub async fn profile(
        &self,
        profiles: &ProfileCache,
    ) -> Result<&Arc<UserProfile>, GatewayError> {
        let principal = self.principal()?;
        self.profile
            .get_or_try_init(|| async {
                match profiles.get(&principal.user_id).await {
                    Ok(Some(profile)) => Ok(profile),
                    Ok(None) => Err(GatewayError::Forbidden(
                        "your user ID is not registered for the e-tools: register once, then sign in again"
                            .to_owned(),
                    )),
                    Err(error) => Err(GatewayError::from_adapter(&error, None)),
                }
            })
            .await
    }
}
