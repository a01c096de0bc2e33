//! Reading a GraphQL multipart request (the GraphQL multipart request spec): an `operations`
//! part (the GraphQL request as JSON), a `map` part (a JSON object from each file part's name to
//! the variable paths it fills), then the file parts, in that order.
//!
//! async-graphql's own reader is not used because it bounds nothing but each file's size: it
//! creates a temporary file for every part with a filename and a duplicate handle for every path
//! in the map, however many there are, and reads `operations` and `map` up to the file limit. One
//! user could exhaust the process's file descriptors, for every tenant, with a request of tiny
//! parts. Here everything is bounded before it is held:
//!
//! - `operations` and `map` are each at most `server.max_body_bytes` (413, naming the limit);
//! - the map names at most `inquiries.max_files_per_message + 1` files — one more than a message
//!   carries, so that the mutation can still answer its friendly `TOO_MANY_ATTACHMENTS` — and
//!   places them at most twice that many times in all (a file in several variables is legal but
//!   rare); more is 413. Every path must exist in the variables (400), so a typo is an error,
//!   not a silently missing file;
//! - a file part must be in the map and arrive once; any other part is refused (400) before a
//!   byte of it is stored, so no more files are spooled than the map names;
//! - each file is at most `inquiries.max_file_bytes` (413); the whole body is held to the upload
//!   limit by [`super::body_limit`] (413 too).
//!
//! Each file is spooled to an anonymous temporary file with asynchronous writes (the runtime's
//! threads never block on the disk), so memory stays flat whatever the files weigh. Refusals
//! carry messages of our own; the parser's are logged, never sent.

use std::collections::{HashMap, HashSet};
use std::io;

use async_graphql::{UploadValue, Value, Variables};
use axum::body::Body;
use axum::http::StatusCode;
use multer::{Constraints, Multipart, SizeLimit};
use tokio::io::{AsyncSeekExt, AsyncWriteExt, BufWriter};

use super::body_limit;
use crate::error::GatewayError;
use crate::settings::{InquiriesSettings, Settings};
use supportgraph_adapters::model::ids::clip;

/// How much of a file is gathered in memory before it is written out.
const SPOOL_BUFFER_BYTES: usize = 128 * 1024;

/// The limits a multipart request is read within.
#[derive(Debug, Clone, Copy)]
pub struct MultipartLimits<'a> {
    /// The most bytes of the `operations` part, and of the `map` part: `server.max_body_bytes`.
    part_bytes: u64,
    /// The attachment limits: the largest file, the most files a message carries.
    inquiries: &'a InquiriesSettings,
}

impl<'a> MultipartLimits<'a> {
    /// The limits of these settings.
    pub fn new(settings: &'a Settings) -> Self {
        Self {
            part_bytes: u64::try_from(settings.server.max_body_bytes).unwrap_or(u64::MAX),
            inquiries: &settings.inquiries,
        }
    }

    /// The most file parts a request may carry: one more than a message carries, so that the
    /// mutation refuses the extra file with a user error of its own.
    fn file_parts(&self) -> usize {
        self.inquiries.max_files_per_message.saturating_add(1)
    }

    /// The most places in the variables the map may name, over all its files.
    fn paths(&self) -> usize {
        self.file_parts().saturating_mul(2)
    }
}

/// Why a multipart request was refused.
#[derive(Debug, thiserror::Error)]
pub enum MultipartError {
    /// The first part is not `operations`.
    #[error(
        "a multipart request starts with an \"operations\" part (the GraphQL request as JSON), then \"map\", then the files"
    )]
    OperationsFirst,
    /// The second part is not `map`.
    #[error(
        "the \"operations\" part is followed by the \"map\" part: a JSON object from each file part's name to its places in the variables ({{}} for none)"
    )]
    MapSecond,
    /// `operations` is not a GraphQL request.
    #[error(
        "the \"operations\" part is not a GraphQL request: send JSON {{\"query\": ..., \"variables\": ...}}"
    )]
    Operations,
    /// `operations` is a batch.
    #[error("batches are not accepted: send one GraphQL request per multipart request")]
    Batch,
    /// `map` is not a JSON object of lists of paths.
    #[error(
        "the \"map\" part is not a JSON object from file part names to lists of variable paths"
    )]
    Map,
    /// The map places a file where the variables have nothing.
    #[error(
        "the \"map\" part places file part {file} at {path}, which the request's variables do not have: send null there"
    )]
    Path {
        /// The file part's name, shown.
        file: String,
        /// The path, shown.
        path: String,
    },
    /// `operations` or `map` is over `server.max_body_bytes`.
    #[error("the \"{part}\" part is too large: it may hold at most {}", body_limit::size(*limit))]
    PartTooLarge {
        /// `operations` or `map`.
        part: &'static str,
        /// The limit, in bytes.
        limit: u64,
    },
    /// More files than a request may carry (in the map, or as parts).
    #[error("the request carries more files than allowed")]
    TooManyFiles,
    /// The map places files at more paths than allowed.
    #[error(
        "the \"map\" part places files at more than {0} paths, the most accepted: place each file once"
    )]
    TooManyPaths(usize),
    /// A file over `inquiries.max_file_bytes`.
    #[error("a file is over the file limit")]
    FileTooLarge,
    /// The body ran over the upload limit.
    #[error("the body is over the upload limit")]
    BodyTooLarge,
    /// A part the map does not name.
    #[error(
        "the request carries part {0}, which the \"map\" part does not name: map every file to its place in the variables"
    )]
    Unmapped(String),
    /// A part that arrived twice.
    #[error("the request carries part {0} twice")]
    Duplicate(String),
    /// A part the map names that is not a file.
    #[error("part {0} is not a file: a file part needs a filename in its Content-Disposition")]
    NotAFile(String),
    /// A file the map names that the request does not carry.
    #[error("the \"map\" part names a file part the request does not carry: {0}")]
    Missing(String),
    /// Not well-formed multipart, or the body could not be read.
    #[error("the body is not well-formed multipart/form-data")]
    Malformed,
    /// Spooling a file failed on our side.
    #[error("a file could not be stored: {0}")]
    Spool(#[source] io::Error),
}

impl MultipartError {
    /// The answer's status and error: 413 over a limit (the upload limits named as the body
    /// limit names them), 500 when spooling failed, else 400.
    pub fn refusal(&self, inquiries: &InquiriesSettings) -> (StatusCode, GatewayError) {
        match self {
            Self::TooManyFiles | Self::FileTooLarge | Self::BodyTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                body_limit::upload_too_large(inquiries),
            ),
            Self::PartTooLarge { .. } | Self::TooManyPaths(_) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                GatewayError::bad_input("request", self.to_string()),
            ),
            Self::Spool(error) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                GatewayError::internal(error),
            ),
            _ => (
                StatusCode::BAD_REQUEST,
                GatewayError::bad_input("request", self.to_string()),
            ),
        }
    }
}

/// A part's or a path's name as a message shows it: quoted, and clipped.
fn shown(name: &str) -> String {
    const SHOWN_CHARS: usize = 40;
    let mut clipped: String = name.chars().take(SHOWN_CHARS).collect();
    if clipped.len() < name.len() {
        clipped.push('…');
    }
    format!("{clipped:?}")
}

/// The GraphQL request a multipart body (with this `boundary`) carries, its files spooled and
/// placed in its variables.
pub async fn read_multipart(
    body: Body,
    boundary: &str,
    limits: &MultipartLimits<'_>,
) -> Result<async_graphql::Request, MultipartError> {
    let size_limit = SizeLimit::new()
        .per_field(limits.inquiries.max_file_bytes)
        .for_field("operations", limits.part_bytes)
        .for_field("map", limits.part_bytes);
    let mut multipart = Multipart::with_constraints(
        body.into_data_stream(),
        boundary,
        Constraints::new().size_limit(size_limit),
    );
    let refused = |error| classify(error, limits);

    let operations = match multipart.next_field().await.map_err(refused)? {
        Some(field) if field.name() == Some("operations") => {
            field.bytes().await.map_err(refused)?
        }
        _ => return Err(MultipartError::OperationsFirst),
    };
    let mut request = parse_operations(&operations)?;
    drop(operations);
    let map = match multipart.next_field().await.map_err(refused)? {
        Some(field) if field.name() == Some("map") => field.bytes().await.map_err(refused)?,
        _ => return Err(MultipartError::MapSecond),
    };
    let mut map = parse_map(&map, &request.variables, limits)?;

    let mut received = HashSet::new();
    while let Some(mut field) = multipart.next_field().await.map_err(refused)? {
        if received.len() >= limits.file_parts() {
            return Err(MultipartError::TooManyFiles);
        }
        let name = field.name().unwrap_or_default().to_owned();
        if received.contains(&name) {
            return Err(MultipartError::Duplicate(shown(&name)));
        }
        let Some(paths) = map.remove(&name) else {
            return Err(MultipartError::Unmapped(shown(&name)));
        };
        let Some(filename) = field.file_name().map(str::to_owned) else {
            return Err(MultipartError::NotAFile(shown(&name)));
        };
        let content_type = field.content_type().map(ToString::to_string);
        received.insert(name);
        let Some((first, others)) = paths.split_first() else {
            // A file placed nowhere: read past, not stored.
            while field.chunk().await.map_err(refused)?.is_some() {}
            continue;
        };
        let upload = UploadValue {
            filename,
            content_type,
            content: spool(&mut field, limits).await?,
        };
        for path in others {
            request.set_upload(path, upload.try_clone().map_err(MultipartError::Spool)?);
        }
        request.set_upload(first, upload);
    }
    if let Some(missing) = map.keys().min() {
        return Err(MultipartError::Missing(shown(missing)));
    }
    Ok(request)
}

/// The `operations` part: one GraphQL request in JSON.
fn parse_operations(bytes: &[u8]) -> Result<async_graphql::Request, MultipartError> {
    serde_json::from_slice::<async_graphql::Request>(bytes).map_err(|error| {
        if bytes.trim_ascii_start().starts_with(b"[") {
            return MultipartError::Batch;
        }
        tracing::debug!(error = %clip(&error.to_string()), "malformed multipart operations");
        MultipartError::Operations
    })
}

/// The `map` part, within the limits, every path existing in `variables`.
fn parse_map(
    bytes: &[u8],
    variables: &Variables,
    limits: &MultipartLimits<'_>,
) -> Result<HashMap<String, Vec<String>>, MultipartError> {
    let map = serde_json::from_slice::<HashMap<String, Vec<String>>>(bytes).map_err(|error| {
        tracing::debug!(error = %clip(&error.to_string()), "malformed multipart map");
        MultipartError::Map
    })?;
    if map.len() > limits.file_parts() {
        return Err(MultipartError::TooManyFiles);
    }
    if map.values().map(Vec::len).sum::<usize>() > limits.paths() {
        return Err(MultipartError::TooManyPaths(limits.paths()));
    }
    for (file, paths) in &map {
        if let Some(path) = paths.iter().find(|path| !has_path(variables, path)) {
            return Err(MultipartError::Path {
                file: shown(file),
                path: shown(path),
            });
        }
    }
    Ok(map)
}

/// Whether `path` (`variables.input.attachments.0`) names a value in `variables`, as
/// [`async_graphql::Request::set_upload`] walks it (which ignores a path that names nothing).
fn has_path(variables: &Variables, path: &str) -> bool {
    let Some(path) = path.strip_prefix("variables.") else {
        return false;
    };
    let mut steps = path.split('.');
    let Some(mut value) = steps.next().and_then(|name| variables.get(name)) else {
        return false;
    };
    for step in steps {
        let next = match value {
            Value::List(list) => step
                .parse::<u32>()
                .ok()
                .and_then(|index| usize::try_from(index).ok())
                .and_then(|index| list.get(index)),
            Value::Object(object) => object.get(step),
            _ => None,
        };
        let Some(next) = next else {
            return false;
        };
        value = next;
    }
    true
}

/// A file part, written to an anonymous temporary file as it arrives and rewound; the
/// runtime's threads never wait on the disk.
async fn spool(
    field: &mut multer::Field<'_>,
    limits: &MultipartLimits<'_>,
) -> Result<std::fs::File, MultipartError> {
    let file = tokio::task::spawn_blocking(tempfile::tempfile)
        .await
        .map_err(|error| MultipartError::Spool(io::Error::other(error)))?
        .map_err(MultipartError::Spool)?;
    let mut writer = BufWriter::with_capacity(SPOOL_BUFFER_BYTES, tokio::fs::File::from_std(file));
    while let Some(chunk) = field.chunk().await.map_err(|e| classify(e, limits))? {
        writer
            .write_all(&chunk)
            .await
            .map_err(MultipartError::Spool)?;
    }
    writer.flush().await.map_err(MultipartError::Spool)?;
    let mut file = writer.into_inner();
    file.rewind().await.map_err(MultipartError::Spool)?;
    Ok(file.into_std().await)
}

/// What the parser's error means for the client: a part over its limit, the body over the
/// upload limit, or a body that is not well-formed (or could not be read).
fn classify(error: multer::Error, limits: &MultipartLimits<'_>) -> MultipartError {
    match error {
        multer::Error::FieldSizeExceeded { field_name, .. } => match field_name.as_deref() {
            Some("operations") => MultipartError::PartTooLarge {
                part: "operations",
                limit: limits.part_bytes,
            },
            Some("map") => MultipartError::PartTooLarge {
                part: "map",
                limit: limits.part_bytes,
            },
            _ => MultipartError::FileTooLarge,
        },
        multer::Error::StreamSizeExceeded { .. } => MultipartError::BodyTooLarge,
        multer::Error::StreamReadFailed(source) if body_limit::exceeded(source.as_ref()) => {
            MultipartError::BodyTooLarge
        }
        error => {
            tracing::debug!(error = %clip(&error.to_string()), "malformed multipart request");
            MultipartError::Malformed
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_must_name_a_value_in_the_variables() {
        let variables = Variables::from_json(serde_json::json!({
            "file": null,
            "input": { "attachments": [null, null] },
        }));
        assert!(has_path(&variables, "variables.file"));
        assert!(has_path(&variables, "variables.input.attachments.1"));
        assert!(!has_path(&variables, "variables.input.attachments.2"));
        assert!(!has_path(&variables, "variables.input.other"));
        assert!(!has_path(&variables, "variables.nothing"));
        assert!(!has_path(&variables, "file"));
        assert!(!has_path(&variables, "0.variables.file"));
    }

    #[test]
    fn names_are_shown_quoted_and_clipped() {
        assert_eq!(shown("0"), "\"0\"");
        let long = "x".repeat(100);
        assert_eq!(shown(&long), format!("\"{}…\"", "x".repeat(40)));
    }
}
