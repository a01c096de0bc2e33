//! The sandbox's identity provider, as the gateway uses it: its settings (shared with
//! `supportgraph sandbox` and `supportgraph token`), the demo user whose token GraphiQL
//! pre-fills, and the development keys a production gateway must refuse.

use std::time::Duration;

use jsonwebtoken::jwk::Jwk;
use supportgraph_adapters::sandbox::SandboxConfig;
use supportgraph_adapters::sandbox::identity::{IdentityConfig, SandboxIdentityProvider};

use super::StartupError;
use crate::app::DemoIdentity;
use crate::settings::{Profile, Settings};

/// The simulators' settings, for the embedded sandbox and for `supportgraph sandbox` alike.
pub fn sandbox_config(settings: &Settings) -> Result<SandboxConfig, StartupError> {
    Ok(SandboxConfig {
        seed: settings.sandbox.seed,
        faults: settings.sandbox.faults.clone(),
        identity: sandbox_identity(settings)?,
        auto_approve_after: settings
            .sandbox
            .auto_approve_after_ms
            .map(Duration::from_millis),
        extra_orders: settings.sandbox.extra_orders,
    })
}

/// The sandbox identity provider's settings: issuer and audience from `auth`, the development
/// key from `sandbox.identity_key_file`.
pub fn sandbox_identity(settings: &Settings) -> Result<IdentityConfig, StartupError> {
    let path = &settings.sandbox.identity_key_file;
    let signing_key_pem =
        std::fs::read_to_string(path).map_err(|source| StartupError::IdentityKey {
            path: path.clone(),
            source,
        })?;
    Ok(IdentityConfig {
        issuer: settings.auth.issuer.clone(),
        audience: settings.auth.audience.clone(),
        token_ttl_seconds: settings.sandbox.token_ttl_seconds,
        signing_key_pem,
        key_id: settings.sandbox.identity_key_id.clone(),
    })
}

/// The identity GraphiQL pre-fills tokens for: the first demo user, in the sandbox profile with
/// `graphiql.prefill_demo_token` (the production profile never pre-fills).
pub(super) fn demo_identity(settings: &Settings) -> Result<Option<DemoIdentity>, StartupError> {
    if settings.profile != Profile::Sandbox
        || !settings.graphiql.enabled
        || !settings.graphiql.prefill_demo_token
    {
        return Ok(None);
    }
    let config = sandbox_identity(settings)?;
    let provider = SandboxIdentityProvider::new(&config)
        .map_err(|e| StartupError::DemoIdentity(e.to_string()))?;
    let (user, _) = supportgraph_adapters::sandbox::demo::users()
        .into_iter()
        .next()
        .ok_or_else(|| StartupError::DemoIdentity("the demo data has no users".to_owned()))?;
    Ok(Some(DemoIdentity {
        provider,
        user_id: user.user_id.to_owned(),
    }))
}

/// The sandbox's development key, compiled in so that a production gateway refuses it even when
/// the file is not deployed.
const DEVELOPMENT_KEY_PEM: &str = include_str!("../../config/sandbox-identity-dev-key.pem");

/// The public keys a production gateway must never trust: the shipped development key, and the
/// configured sandbox key file when it differs.
pub(super) fn development_keys(settings: &Settings) -> Vec<Jwk> {
    let mut pems = vec![DEVELOPMENT_KEY_PEM.to_owned()];
    pems.extend(std::fs::read_to_string(&settings.sandbox.identity_key_file).ok());
    pems.iter()
        .filter_map(|pem| {
            let config = IdentityConfig {
                issuer: String::new(),
                audience: String::new(),
                token_ttl_seconds: 0,
                signing_key_pem: pem.clone(),
                key_id: "development".to_owned(),
            };
            SandboxIdentityProvider::new(&config).ok()
        })
        .flat_map(|idp| idp.jwks().keys)
        .collect()
}
