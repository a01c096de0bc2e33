//! The schema's one extension, for what must happen inside execution: the answer's size cap,
//! field by field ([`super::response_cap`]), and validation answered for documents admitted
//! before ([`super::admitted`]).
//!
//! One extension, not one per concern: once a schema has any extension, async-graphql runs every
//! field through the extension chain (a registry lookup and one boxed future per extension per
//! field), so each extra extension costs per field, not per request. The request metrics are
//! therefore recorded by the HTTP layer, not by an extension.

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextResolve, NextValidation,
    ResolveInfo,
};
use async_graphql::{Response, ServerError, ServerResult, ValidationResult, Value};

use super::response_cap::{ResponseCap, RunningTotal};

/// Register with `SchemaBuilder::extension`.
pub struct Limits {
    /// The answer's size cap.
    pub cap: ResponseCap,
}

impl ExtensionFactory for Limits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(LimitsExtension {
            total: self.cap.start(),
        })
    }
}

/// One request's state.
struct LimitsExtension {
    total: RunningTotal,
}

#[async_trait::async_trait]
impl Extension for LimitsExtension {
    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        super::admitted::validate(ctx, next).await
    }

    /// Each execution is capped on its own: a subscription executes once per event, with the
    /// same extension for its whole life.
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        self.total.restart();
        next.run(ctx, operation_name).await
    }

    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        self.total.resolve(ctx, info, next).await
    }
}
