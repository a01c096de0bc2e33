//! What a `subscribe` message runs through before its subscription starts: the caller of the
//! connection, the same document limits and per-principal rate limit as `/graphql`, the rule that
//! only a subscription with one root field is served here, and a subscription slot of the
//! connection and the principal, held until the subscription ends.
//!
//! It is the [`Executor`] async-graphql's websocket engine runs each `subscribe` through, one per
//! connection, wrapping the schema.

use std::sync::{Arc, OnceLock};

use async_graphql::parser::types::{DocumentOperations, OperationType, Selection};
use async_graphql::{Data, Executor, Request, Response, ServerError};
use futures::StreamExt;
use futures::stream::BoxStream;

use super::init::Session;
use crate::app::App;
use crate::auth::Caller;
use crate::error::{ErrorCode, GatewayError};
use crate::graphql::limits::admit;
use crate::graphql::{AppSchema, RequestOrigin, errors};
use crate::telemetry::RequestTrace;
use crate::telemetry::metrics::OpenSubscription;

/// Runs one connection's subscriptions.
#[derive(Clone)]
pub(super) struct SocketExecutor {
    schema: AppSchema,
    app: Arc<App>,
    session: Arc<OnceLock<Session>>,
    /// Where links point without a `links.public_base_url`: the upgrade request's origin.
    origin: Option<RequestOrigin>,
}

impl SocketExecutor {
    /// An executor over `schema` for the connection whose caller `session` will hold, which
    /// came to `origin`.
    pub(super) fn new(
        schema: AppSchema,
        app: Arc<App>,
        session: Arc<OnceLock<Session>>,
        origin: Option<RequestOrigin>,
    ) -> Self {
        Self {
            schema,
            app,
            session,
            origin,
        }
    }

    /// The subscription `request` asks for, checked and holding its slot (and its place in the
    /// active-subscriptions gauge); or why not. It belongs to `trace`.
    async fn open(
        &self,
        mut request: Request,
        trace: RequestTrace,
    ) -> Result<BoxStream<'static, Response>, ServerError> {
        let session = self.session.get().ok_or_else(|| {
            GatewayError::Unauthenticated("send connection_init with your token first")
                .to_server_error()
        })?;
        // Documents by id, and the safelist when one is required, as on `/graphql`.
        self.app
            .persisted
            .resolve(&mut request)
            .await
            .map_err(|e| e.to_server_error())?;
        let estimate = admit(
            &self.app.document_limits.snapshot(),
            &self.app.admitted_documents,
            &mut request,
        )?;
        let field = only_one_subscription(&mut request).map_err(|e| e.to_server_error())?;
        let slot = session.connection.subscribe().map_err(|refused| {
            let mut error = ServerError::new(refused.to_string(), None);
            error
                .extensions
                .get_or_insert_with(Default::default)
                .set("code", ErrorCode::RateLimited.as_str());
            error
        })?;
        let user_id = &session.principal.user_id;
        self.app
            .rate_limits
            .check(user_id, estimate.backend_calls.max(1))
            .await
            .map_err(|e| e.to_server_error())?;
        let caller = Caller::authenticated(session.principal.clone(), session.client_ip);
        let mut request = request.data(caller).data(trace);
        if let Some(origin) = &self.origin {
            request = request.data(origin.clone());
        }
        let stream = self.schema.execute_stream(request);
        let open = OpenSubscription::open(&field, SUBSCRIPTION_FIELDS);
        Ok(stream
            .map(move |mut response| {
                // The slot, and the subscription's place in the gauge, live as long as its stream.
                let _held = (&slot, &open);
                errors::normalise(&mut response);
                errors::stamp_trace_id(&mut response, &trace.trace_id());
                response
            })
            .boxed())
    }
}

/// The root fields of the schema's `Subscription` type: the `field` label of the
/// active-subscriptions gauge (a test keeps it in step with the schema).
const SUBSCRIPTION_FIELDS: &[&str] = &["orderStatusChanged", "inquiryUpdated", "contractAlerts"];

/// Refuses anything but a subscription with exactly one root field (the GraphQL spec's rule; one
/// slot is one stream): queries and mutations go to `/graphql`. The field's name comes back.
fn only_one_subscription(request: &mut Request) -> Result<String, GatewayError> {
    let name = request.operation_name.clone();
    let document = request
        .parsed_query()
        .map_err(|_| GatewayError::bad_input("query", "the document does not parse"))?;
    let operation = match (&document.operations, name.as_deref()) {
        (DocumentOperations::Single(op), _) => Some(op),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.values().next(),
        (DocumentOperations::Multiple(_), None) => None,
    };
    let Some(operation) = operation else {
        return Err(GatewayError::bad_input(
            "operationName",
            "name the operation to run (the document holds several, or not this one)",
        ));
    };
    if operation.node.ty != OperationType::Subscription {
        return Err(GatewayError::bad_input(
            "query",
            "only subscriptions are served on /graphql/ws: send queries and mutations to /graphql",
        ));
    }
    let items = &operation.node.selection_set.node.items;
    match items.as_slice() {
        [item] => match &item.node {
            Selection::Field(field) => Ok(field.node.name.node.to_string()),
            _ => Err(GatewayError::bad_input(
                "query",
                "a subscription selects exactly one root field",
            )),
        },
        _ => Err(GatewayError::bad_input(
            "query",
            "a subscription selects exactly one root field",
        )),
    }
}

impl Executor for SocketExecutor {
    async fn execute(&self, _request: Request) -> Response {
        let error = GatewayError::bad_input(
            "query",
            "only subscriptions are served on /graphql/ws: send queries and mutations to /graphql",
        );
        Response::from_errors(vec![error.to_server_error()])
    }

    fn execute_stream(
        &self,
        request: Request,
        _session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        let executor = self.clone();
        // Each subscription is a trace of its own (a connection lives long and runs many): its
        // span lasts as long as the subscription, and what its events make the backends do
        // belongs to it.
        let span = tracing::info_span!(
            "subscription",
            otel.kind = "server",
            otel.name = "subscription",
            trace_id = tracing::field::Empty,
        );
        let trace = RequestTrace::start(&span, None);
        let opened = futures::stream::once(async move { executor.open(request, trace).await })
            .flat_map(move |opened| match opened {
                Ok(stream) => stream,
                Err(error) => futures::stream::once(async move {
                    let mut response = Response::from_errors(vec![error]);
                    errors::normalise(&mut response);
                    errors::stamp_trace_id(&mut response, &trace.trace_id());
                    response
                })
                .boxed(),
            })
            .boxed();
        in_span(opened, span)
    }
}

/// `stream`, polled inside `span`.
fn in_span(
    mut stream: BoxStream<'static, Response>,
    span: tracing::Span,
) -> BoxStream<'static, Response> {
    futures::stream::poll_fn(move |cx| {
        let _entered = span.enter();
        stream.poll_next_unpin(cx)
    })
    .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(query: &str, name: Option<&str>) -> Result<String, GatewayError> {
        let mut request = Request::new(query);
        if let Some(name) = name {
            request = request.operation_name(name);
        }
        only_one_subscription(&mut request)
    }

    #[test]
    fn the_gauges_fields_are_the_schemas_subscriptions() {
        let sdl = crate::graphql::sdl();
        let document = async_graphql::parser::parse_schema(&sdl).expect("the SDL parses");
        let mut fields: Vec<String> = document
            .definitions
            .iter()
            .filter_map(|definition| match definition {
                async_graphql::parser::types::TypeSystemDefinition::Type(ty)
                    if ty.node.name.node == "Subscription" =>
                {
                    match &ty.node.kind {
                        async_graphql::parser::types::TypeKind::Object(object) => Some(
                            object
                                .fields
                                .iter()
                                .map(|f| f.node.name.node.to_string())
                                .collect::<Vec<_>>(),
                        ),
                        _ => None,
                    }
                }
                _ => None,
            })
            .flatten()
            .collect();
        fields.sort();
        let mut known: Vec<String> = SUBSCRIPTION_FIELDS.iter().map(|f| f.to_string()).collect();
        known.sort();
        assert_eq!(fields, known);
    }

    #[test]
    fn only_a_subscription_of_one_field_is_served() {
        let one = "subscription { orderStatusChanged { status } }";
        assert!(check(one, None).is_ok());
        assert!(check("{ me { id } }", None).is_err());
        assert!(check("mutation { a }", None).is_err());
        let two =
            "subscription { a: orderStatusChanged { status } b: orderStatusChanged { status } }";
        assert!(check(two, None).is_err());
        let named = "query Q { me { id } } subscription S { orderStatusChanged { status } }";
        assert!(check(named, Some("S")).is_ok());
        assert!(check(named, Some("Q")).is_err());
        assert!(check(named, None).is_err());
    }
}
