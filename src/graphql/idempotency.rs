//! `Idempotency-Key` for mutations: a client that retries a mutation with the same key gets the
//! first answer back instead of a second side effect.
//!
//! Records are kept per user and key for `cache.idempotency_ttl_seconds` (24 h), in Redis when
//! configured so every gateway instance honours them. Concurrent requests with one key share one
//! execution. The same key with a different input is `BAD_USER_INPUT`. Failures (a backend down)
//! are not recorded, so a retry after one runs again.

use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::app::App;
use crate::cache::CacheKey;
use crate::error::GatewayError;

/// The `Idempotency-Key` header of a request, when it sent one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(pub String);

impl IdempotencyKey {
    /// The header's value, or `BAD_USER_INPUT` for one that cannot be a key.
    pub fn parse(value: &str) -> Result<Self, GatewayError> {
        let valid =
            !value.is_empty() && value.len() <= 255 && value.bytes().all(|b| b.is_ascii_graphic());
        if valid {
            Ok(Self(value.to_owned()))
        } else {
            Err(GatewayError::bad_input(
                "Idempotency-Key",
                "an Idempotency-Key is 1 to 255 visible ASCII characters",
            ))
        }
    }
}

#[derive(Clone, Serialize, Deserialize)]
struct Record<T> {
    input: String,
    outcome: T,
}

/// Runs `mutation` once per (user, key): a repeat with the same input gets the recorded outcome,
/// one with another input is refused. Without a key, it simply runs.
pub async fn once<T, F>(
    app: &App,
    key: Option<&IdempotencyKey>,
    user_id: &str,
    operation: &'static str,
    input: &impl Serialize,
    mutation: F,
) -> Result<T, GatewayError>
where
    T: Serialize + DeserializeOwned + Clone + Send + Sync + 'static,
    F: Future<Output = Result<T, GatewayError>>,
{
    let Some(key) = key else {
        return mutation.await;
    };
    let input = serde_json::to_vec(input).map_err(GatewayError::internal)?;
    let fingerprint: String = Sha256::digest(&input)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let record_key = CacheKey::new(
        "gateway",
        "idempotency",
        format!("{operation}\n{}", key.0),
        vec![user_id.to_owned()],
        Vec::new(),
        Duration::from_secs(app.settings.cache.idempotency_ttl_seconds),
    );
    let run = async {
        let outcome = mutation.await?;
        Ok(Record {
            input: fingerprint.clone(),
            outcome,
        })
    };
    let record: Record<T> = app.cache.get_or_load(&record_key, run).await?;
    if record.input != fingerprint {
        return Err(GatewayError::bad_input(
            "Idempotency-Key",
            "this Idempotency-Key was already used with a different input",
        ));
    }
    Ok(record.outcome)
}
