//! The registration simulator's preference documents: kept in the sandbox process's memory, so
//! every gateway pointed at one `supportgraph sandbox` sees the same documents, and a gateway's
//! restart keeps them (the sandbox's own restart does not: it is a simulator).
//!
//! It keeps the contract documented in [`crate::registration`] — limits, versions, names unique
//! ignoring case, a repeated PUT answered with what it already stored — with the rules of
//! [`crate::model`], so the simulator and the adapter cannot disagree on them. Documents are kept
//! per user ID without asking whether the user is registered: the gateway only ever asks for the
//! signed-in user, whose profile it has read.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use chrono::{SubsecRound, Utc};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::model::{
    MAX_PREFERENCES_PER_KIND, PreferenceKind, PreferenceRefusal, check_preference_body,
    check_preference_id, check_preference_name, preference_name_key,
};
use crate::registration::wire::{WirePreference, WirePreferenceList, WirePreferenceWrite};
use crate::sandbox::openapi::Refusal;
use crate::sandbox::respond::refuse_json;

/// One user's documents, by ID.
type Documents = BTreeMap<String, WirePreference>;

/// Every user's preference documents.
#[derive(Debug, Default)]
pub struct PreferenceStore {
    users: Mutex<HashMap<String, Documents>>,
}

impl PreferenceStore {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Documents>> {
        self.users
            .lock()
            .expect("the preference table is never poisoned: no code panics holding it")
    }
}

/// The routes of the preference documents.
pub fn router(store: Arc<PreferenceStore>) -> Router {
    let (routes, _) = routes().split_for_parts();
    routes.with_state(store)
}

/// The preference documents' half of the registration contract.
pub(super) fn openapi() -> utoipa::openapi::OpenApi {
    routes().into_openapi()
}

/// Every route with its description.
fn routes() -> OpenApiRouter<Arc<PreferenceStore>> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(put, delete))
}

/// `?kind=order-report`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct KindParams {
    /// The kind of document.
    kind: PreferenceKind,
}

fn bad_request() -> Response {
    refuse_json(StatusCode::BAD_REQUEST, "BAD_REQUEST")
}

fn refuse(status: StatusCode, refusal: PreferenceRefusal) -> Response {
    refuse_json(status, refusal.code())
}

/// The user's documents of one kind, by name (ignoring case) then ID.
#[utoipa::path(
    get,
    path = "/v1/users/{user_id}/preferences",
    operation_id = "listPreferences",
    tag = "preferences",
    params(("user_id" = String, Path, description = "The user's ID (the token's `sub`), at most 256 bytes; documents are kept per user ID without asking whether the user is registered."), KindParams),
    responses(
        (status = 200, description = "The documents (none for an unknown user).", body = WirePreferenceList),
        (status = 400, description = "`BAD_REQUEST`: no `kind`, or an unknown one.", body = Refusal)
    )
)]
async fn list(
    State(store): State<Arc<PreferenceStore>>,
    Path(user_id): Path<String>,
    query: Result<Query<KindParams>, QueryRejection>,
) -> Response {
    let Ok(Query(KindParams { kind })) = query else {
        return bad_request();
    };
    let mut preferences: Vec<WirePreference> = store
        .lock()
        .get(&user_id)
        .map(|docs| docs.values().filter(|d| d.kind == kind).cloned().collect())
        .unwrap_or_default();
    preferences.sort_by_cached_key(|d| (preference_name_key(&d.name), d.id.clone()));
    Json(WirePreferenceList { preferences }).into_response()
}

/// The version an `If-Match` names: `None` without one; `Err` for one that is not a quoted
/// version of 1 or more.
fn if_match(headers: &HeaderMap) -> Result<Option<u64>, ()> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let tag = value.to_str().map_err(|_| ())?.trim();
    let version = tag
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .ok_or(())?;
    match version.parse::<u64>() {
        Ok(v) if v >= 1 && version.bytes().all(|b| b.is_ascii_digit()) => Ok(Some(v)),
        _ => Err(()),
    }
}

/// Creates a document, or replaces the version `If-Match` names.
///
/// A PUT of exactly what is stored (a repeat) answers it unchanged, whatever `If-Match` says.
/// Without `If-Match` it creates the document (at most 50 per user and kind); with one it
/// replaces that version. Names are unique per user and kind, ignoring case.
#[utoipa::path(
    put,
    path = "/v1/users/{user_id}/preferences/{id}",
    operation_id = "putPreference",
    tag = "preferences",
    params(
        ("user_id" = String, Path, description = "The user's ID (the token's `sub`), at most 256 bytes; documents are kept per user ID without asking whether the user is registered."),
        ("id" = String, Path, description = "The document's ID, chosen by the caller: a lower-case UUID (`8-4-4-4-12` hexadecimal digits)."),
        ("If-Match" = Option<String>, Header, description = "The version replaced, quoted: `\"3\"`. Absent to create.")
    ),
    request_body(content = WirePreferenceWrite, description = "The document: its name is 1 to 80 characters, no control characters, no white space at either end; its body at most 16 KiB as compact JSON."),
    responses(
        (status = 201, description = "Created: version 1.", body = WirePreference),
        (status = 200, description = "Replaced (one version more), or a repeat answered with what is stored.", body = WirePreference),
        (status = 400, description = "`BAD_REQUEST`: the body does not parse, or `If-Match` is not a quoted version of 1 or more.", body = Refusal),
        (status = 404, description = "`NOT_FOUND`: `If-Match` names a version of a document that does not exist.", body = Refusal),
        (status = 409, description = "`VERSION_CONFLICT` (the stored document is of another version or kind, or exists and no `If-Match` was sent) or `NAME_TAKEN`.", body = Refusal),
        (status = 422, description = "`INVALID_PREFERENCE` (the ID, name or body breaks its rule) or `TOO_MANY` (50 of the kind already).", body = Refusal)
    )
)]
async fn put(
    State(store): State<Arc<PreferenceStore>>,
    Path((user_id, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Result<Json<WirePreferenceWrite<'static>>, JsonRejection>,
) -> Response {
    let (Ok(Json(write)), Ok(expected)) = (body, if_match(&headers)) else {
        return bad_request();
    };
    let valid = check_preference_id(&id)
        .and_then(|()| check_preference_name(&write.name))
        .and_then(|()| check_preference_body(&write.body));
    if valid.is_err() {
        return refuse_json(StatusCode::UNPROCESSABLE_ENTITY, "INVALID_PREFERENCE");
    }
    let mut users = store.lock();
    let none = Documents::new();
    let docs = users.get(&user_id).unwrap_or(&none);
    let version = match (docs.get(&id), expected) {
        // What it asks for is already stored: a repeat, answered with what it stored.
        (Some(stored), _)
            if stored.kind == write.kind
                && stored.name == write.name
                && stored.body == *write.body =>
        {
            return (StatusCode::OK, Json(stored.clone())).into_response();
        }
        (Some(stored), Some(expected))
            if stored.kind == write.kind && stored.version == expected =>
        {
            expected.saturating_add(1)
        }
        (Some(_), _) => return refuse(StatusCode::CONFLICT, PreferenceRefusal::VersionConflict),
        (None, Some(_)) => return refuse(StatusCode::NOT_FOUND, PreferenceRefusal::NotFound),
        (None, None) => {
            let of_kind = docs.values().filter(|d| d.kind == write.kind).count();
            if of_kind >= MAX_PREFERENCES_PER_KIND {
                return refuse(StatusCode::UNPROCESSABLE_ENTITY, PreferenceRefusal::TooMany);
            }
            1
        }
    };
    let key = preference_name_key(&write.name);
    let taken = docs
        .values()
        .any(|d| d.id != id && d.kind == write.kind && preference_name_key(&d.name) == key);
    if taken {
        return refuse(StatusCode::CONFLICT, PreferenceRefusal::NameTaken);
    }
    let stored = WirePreference {
        id: id.clone(),
        kind: write.kind,
        name: write.name.into_owned(),
        body: write.body.into_owned(),
        version,
        updated_at: Utc::now().trunc_subsecs(3),
    };
    users.entry(user_id).or_default().insert(id, stored.clone());
    let status = if version == 1 {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    (status, Json(stored)).into_response()
}

/// Deletes a document of the kind named.
#[utoipa::path(
    delete,
    path = "/v1/users/{user_id}/preferences/{id}",
    operation_id = "deletePreference",
    tag = "preferences",
    params(("user_id" = String, Path, description = "The user's ID (the token's `sub`), at most 256 bytes; documents are kept per user ID without asking whether the user is registered."), ("id" = String, Path, description = "The document's ID, chosen by the caller: a lower-case UUID (`8-4-4-4-12` hexadecimal digits)."), KindParams),
    responses(
        (status = 204, description = "Deleted."),
        (status = 400, description = "`BAD_REQUEST`: no `kind`, or an unknown one.", body = Refusal),
        (status = 404, description = "`NOT_FOUND`: no such document of that kind.", body = Refusal)
    )
)]
async fn delete(
    State(store): State<Arc<PreferenceStore>>,
    Path((user_id, id)): Path<(String, String)>,
    query: Result<Query<KindParams>, QueryRejection>,
) -> Response {
    let Ok(Query(KindParams { kind })) = query else {
        return bad_request();
    };
    let mut users = store.lock();
    let Some(docs) = users.get_mut(&user_id) else {
        return refuse(StatusCode::NOT_FOUND, PreferenceRefusal::NotFound);
    };
    if docs.get(&id).is_none_or(|d| d.kind != kind) {
        return refuse(StatusCode::NOT_FOUND, PreferenceRefusal::NotFound);
    }
    docs.remove(&id);
    if docs.is_empty() {
        users.remove(&user_id);
    }
    StatusCode::NO_CONTENT.into_response()
}
