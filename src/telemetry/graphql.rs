//! The schema's metrics extension: notes how each GraphQL request ended, for the request metrics
//! ([`super::metrics`]). It hooks only the request as a whole — never a field — so it costs one
//! pointer copy and one boxed future per request, whatever the document.

use std::sync::{Arc, LazyLock};

use async_graphql::Response;
use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextRequest};

use super::metrics::{Outcome, record_outcome};

/// Register with `SchemaBuilder::extension(RequestMetrics)`.
#[derive(Debug, Clone, Copy)]
pub struct RequestMetrics;

/// Stateless, so one instance serves every request.
static INSTANCE: LazyLock<Arc<dyn Extension>> = LazyLock::new(|| Arc::new(RequestMetricsExtension));

impl ExtensionFactory for RequestMetrics {
    fn create(&self) -> Arc<dyn Extension> {
        INSTANCE.clone()
    }
}

struct RequestMetricsExtension;

#[async_trait::async_trait]
impl Extension for RequestMetricsExtension {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let response = next.run(ctx).await;
        record_outcome(Outcome::of(&response));
        response
    }
}
