//! The backends' contracts as OpenAPI 3.1 documents, generated from the simulators' handlers.
//!
//! A real regional system is federated by pointing an adapter at it, so what it must offer is
//! exactly what the simulator serves. Each simulator therefore registers its routes through
//! utoipa-axum's `OpenApiRouter` (`routes!` over handlers carrying `#[utoipa::path]`, wire types
//! deriving `ToSchema`): a route cannot be served without being described, and the description
//! cannot name a route that is not served. One document per backend kind; the regional instances
//! of a kind share it and are listed as its servers. The sandbox serves each at
//! `<instance>/openapi.json`; `docs/backends/<name>.openapi.json` holds the same documents
//! (`adapters/tests/openapi/` checks they match, validates them, and checks the fixtures and
//! the sandbox's answers, JSON and XML alike, against their schemas).
//!
//! Operations tagged [`SANDBOX_TAG`] are the sandbox's own controls (standing in for a back
//! office or a person): a real system need not offer them.

use axum::Router;
use axum::http::header;
use axum::routing::get;
use bytes::Bytes;
use serde::Serialize;
use utoipa::openapi::schema::{AnyOfBuilder, ObjectBuilder, Ref, Schema, Type};
use utoipa::openapi::server::Server;
use utoipa::openapi::{OpenApi, RefOr};
use utoipa::{PartialSchema, ToSchema};

use crate::model::Region;
use crate::us_inventory;
use crate::{billing, contracts, eu_services, mail, order_status, registration, support};

/// The tag of the operations only the sandbox offers (demo and test controls).
pub const SANDBOX_TAG: &str = "sandbox";

/// What the sandbox-only tag says, in every document that has such operations.
pub(crate) const SANDBOX_TAG_DESCRIPTION: &str = "The sandbox's own controls, standing in for a \
     back office or a person (demos and tests). Not part of the contract: a real system need not \
     offer them, and the gateway never calls them.";

/// The version of every contract: the `v1` of its paths.
pub(crate) const CONTRACT_VERSION: &str = "1.0.0";

/// How a JSON backend refuses a request: `{"error": CODE}` with the HTTP status, sometimes with a
/// message or a detail named in the operation's description.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Refusal {
    /// The machine-readable code (e.g. `BAD_REQUEST`, `UNKNOWN_ORDER`); each operation lists its
    /// codes.
    pub error: String,
    /// A human-readable explanation (only some refusals carry one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A body of schema `A` or `B`, or both (`anyOf`), described by `description`: a status
/// answered with a detailed refusal or a plain one, say. For a type's [`PartialSchema`], with
/// [`register_both`] as its [`ToSchema::schemas`].
pub(crate) fn any_of<A: ToSchema, B: ToSchema>(description: &str) -> RefOr<Schema> {
    AnyOfBuilder::new()
        .item(Ref::from_schema_name(A::name()))
        .item(Ref::from_schema_name(B::name()))
        .description(Some(description))
        .into()
}

/// Registers `A` and `B` (with what they refer to) as components, for [`any_of`].
pub(crate) fn register_both<A: ToSchema, B: ToSchema>(schemas: &mut Vec<(String, RefOr<Schema>)>) {
    schemas.push((A::name().into(), A::schema()));
    A::schemas(schemas);
    schemas.push((B::name().into(), B::schema()));
    B::schemas(schemas);
}

/// The bytes of a PDF (a response body's schema: `inline(Pdf)`).
pub(crate) struct Pdf;

impl PartialSchema for Pdf {
    fn schema() -> RefOr<Schema> {
        binary("application/pdf")
    }
}

impl ToSchema for Pdf {}

/// The bytes of a file of any kind, its media type in `Content-Type` (a body's schema:
/// `inline(FileBytes)`).
pub(crate) struct FileBytes;

impl PartialSchema for FileBytes {
    fn schema() -> RefOr<Schema> {
        binary("application/octet-stream")
    }
}

impl ToSchema for FileBytes {}

/// A date the way a backend writes it (`MM/DD/YYYY`, `DD.MM.YYYY`): a string of that `pattern`.
pub(crate) fn written_date(description: &str, pattern: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .pattern(Some(pattern))
        .into()
}

/// A body of raw bytes: OpenAPI 3.1 describes it as a string with its media type.
fn binary(media_type: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .content_media_type(media_type)
        .into()
}

/// One backend's contract.
#[derive(Clone)]
pub struct Contract {
    /// The file name stem, e.g. `order-status` (`docs/backends/order-status.openapi.json`).
    pub name: &'static str,
    /// The sandbox instances that serve it (see [`INSTANCES`](crate::sandbox::INSTANCES)).
    pub instances: Vec<&'static str>,
    /// The document.
    pub document: OpenApi,
}

impl Contract {
    fn new(name: &'static str, instances: Vec<&'static str>, mut document: OpenApi) -> Self {
        document.info.version = CONTRACT_VERSION.to_owned();
        document.servers = Some(
            instances
                .iter()
                .map(|instance| {
                    let mut server = Server::new(format!("/{instance}"));
                    server.description = Some(format!(
                        "The sandbox's `{instance}` instance (relative to the sandbox's address)"
                    ));
                    server
                })
                .collect(),
        );
        Self {
            name,
            instances,
            document,
        }
    }

    /// The document as served and checked in: pretty JSON with a final newline.
    pub fn to_json(&self) -> String {
        let mut json = self
            .document
            .to_pretty_json()
            .expect("an OpenAPI document always serialises");
        json.push('\n');
        json
    }
}

/// The route serving `contract`'s document at `openapi.json` (outside the instance's fault
/// injection: a contract is read by people and tools, not by the gateway).
pub(crate) fn route(contract: &Contract) -> Router {
    let json = Bytes::from(contract.to_json());
    Router::new().route(
        "/openapi.json",
        get(move || async move { ([(header::CONTENT_TYPE, "application/json")], json) }),
    )
}

/// Every backend's contract (the identity provider is not a backend: it serves a standard JSON
/// Web Key Set).
pub fn contracts() -> Vec<Contract> {
    let regional = |name: fn(Region) -> &'static str| Region::ALL.into_iter().map(name).collect();
    vec![
        Contract::new(
            "order-status",
            regional(order_status::instance_name),
            order_status::sandbox::openapi(),
        ),
        Contract::new(
            "billing",
            regional(billing::instance_name),
            billing::sandbox::openapi(),
        ),
        Contract::new(
            "registration",
            vec![registration::INSTANCE],
            registration::sandbox::openapi(),
        ),
        Contract::new(
            "us-inventory-online",
            vec![us_inventory::INSTANCE],
            us_inventory::sandbox::openapi(),
        ),
        Contract::new(
            "eu-services-assistant",
            vec![eu_services::INSTANCE],
            eu_services::sandbox::openapi(),
        ),
        Contract::new("mail", vec![mail::INSTANCE], mail::sandbox::openapi()),
        Contract::new(
            "support",
            vec![support::INSTANCE],
            support::sandbox::openapi(),
        ),
        Contract::new(
            "contracts",
            vec![contracts::INSTANCE],
            contracts::sandbox::openapi(),
        ),
    ]
}
