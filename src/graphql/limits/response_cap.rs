//! A cap on the size of one answer (`limits.max_response_bytes`), enforced while the answer is
//! being built, not after.
//!
//! 125 aliases of `orders(first: 100)` once produced a 15.7 MB answer and tripled the gateway's
//! memory; checking the serialised size afterwards would still build all of it. So every field
//! adds what it will cost in JSON (its name, and its value when it is a scalar) to a running
//! total as it resolves; past the cap the field fails, and every later field fails at once,
//! without running its resolver. The failures propagate and end the request's work quickly, and
//! the HTTP layer answers with one `RESPONSE_TOO_LARGE` error instead of a partial answer.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use async_graphql::extensions::{ExtensionContext, NextResolve, ResolveInfo};
use async_graphql::{ServerError, ServerResult, Value};

use crate::error::{ErrorCode, GatewayError};

/// Installs the cap on a schema: one running total per request.
pub struct ResponseCap {
    /// The largest answer, in bytes.
    pub max_bytes: usize,
}

impl ResponseCap {
    /// A request's running total, from zero.
    pub(super) fn start(&self) -> RunningTotal {
        RunningTotal {
            max_bytes: self.max_bytes,
            bytes: AtomicUsize::new(0),
            exceeded: AtomicBool::new(false),
        }
    }
}

/// One request's answer so far, in bytes of JSON.
pub(super) struct RunningTotal {
    max_bytes: usize,
    bytes: AtomicUsize,
    exceeded: AtomicBool,
}

impl RunningTotal {
    /// Back to zero, for the next execution (a subscription's next event).
    pub(super) fn restart(&self) {
        self.bytes.store(0, Ordering::Relaxed);
        self.exceeded.store(false, Ordering::Relaxed);
    }

    fn too_large(&self) -> ServerError {
        GatewayError::ResponseTooLarge {
            max_bytes: self.max_bytes,
        }
        .to_server_error()
    }
}

impl RunningTotal {
    /// Resolves one field through `next`, adding what it costs to the total; past the cap the
    /// field fails, and every later one fails without running.
    pub(super) async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        if self.exceeded.load(Ordering::Relaxed) {
            return Err(self.too_large());
        }
        let name = info.alias.unwrap_or(info.name);
        let value = next.run(ctx, info).await?;
        let cost = name.len() + 4 + value.as_ref().map_or(4, scalar_json_bytes);
        let total = self.bytes.fetch_add(cost, Ordering::Relaxed) + cost;
        if total > self.max_bytes {
            self.exceeded.store(true, Ordering::Relaxed);
            return Err(self.too_large());
        }
        Ok(value)
    }
}

fn scalar_json_bytes(value: &Value) -> usize {
    match value {
        Value::Null => 4,
        Value::Boolean(_) => 5,
        Value::Number(_) => 20,
        Value::String(text) => text.len() + 2,
        Value::Enum(name) => name.len() + 2,
        Value::Binary(bytes) => bytes.len() * 4 / 3 + 2,
        Value::List(items) => {
            2 + items
                .iter()
                .map(|v| scalar_json_bytes(v) + 1)
                .sum::<usize>()
        }
        Value::Object(_) => 2,
    }
}

/// The cap's error, as the whole request's (no path), when an answer's errors hold it.
pub fn exceeded(errors: &[ServerError]) -> Option<ServerError> {
    let error = errors
        .iter()
        .find(|e| ErrorCode::ResponseTooLarge.is_on(e))?;
    let mut error = error.clone();
    error.path.clear();
    error.locations.clear();
    Some(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_count_in_full_and_objects_by_their_braces() {
        assert_eq!(scalar_json_bytes(&Value::from("abc")), 5);
        let list = Value::List(vec![Value::from("a"), Value::from("b")]);
        assert_eq!(scalar_json_bytes(&list), 2 + 4 + 4);
        assert_eq!(scalar_json_bytes(&Value::Object(Default::default())), 2);
    }
}
