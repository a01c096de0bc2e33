//! Attachments of a submission or reply: every file checked before any is sent — count, size,
//! type decided by its bytes ([`crate::uploads::sniff`]), a safe name — then streamed to the
//! support system one after the other.
//!
//! The files arrive through the GraphQL multipart request (`http::graphql`), which spools each
//! one to an anonymous temporary file: nothing here holds a file in memory. Checking all of them
//! first is what makes a refusal clean: one refused file refuses the whole submission before
//! anything is uploaded, so nothing of it is stored.

use std::io::{Read, Seek, SeekFrom};

use async_graphql::{Context, Upload};
use serde::Serialize;
use sha2::{Digest, Sha256};
use supportgraph_adapters::model::InquiryAttachment;
use supportgraph_adapters::ports::SupportBackend;

use crate::error::GatewayError;
use crate::graphql::common::outcome::UserErrorCode;
use crate::settings::InquiriesSettings;
use crate::uploads::{FileKind, safe_file_name, sniff};

/// A file that passed every check, ready to stream.
pub struct CheckedFile {
    file: std::fs::File,
    /// What the support system is told.
    pub summary: FileSummary,
}

/// What is known of a checked file: enough to tell a retried submission from another one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileSummary {
    /// The safe name it is stored under.
    pub file_name: String,
    /// Its media type, from its bytes.
    pub content_type: &'static str,
    /// Its size in bytes.
    pub size: u64,
    /// The SHA-256 of its content, hexadecimal.
    pub sha256: String,
}

/// Why a file was refused: the user error to answer.
pub struct FileRefusal {
    /// What is wrong, for programs.
    pub code: UserErrorCode,
    /// What is wrong, for people.
    pub message: String,
}

impl FileRefusal {
    fn new(code: UserErrorCode, message: String) -> Self {
        Self { code, message }
    }
}

/// The kinds of file accepted.
pub const ACCEPTED_KINDS: [FileKind; 7] = [
    FileKind::Pdf,
    FileKind::Png,
    FileKind::Jpeg,
    FileKind::Text,
    FileKind::Csv,
    FileKind::Xlsx,
    FileKind::Docx,
];

/// The names of the accepted types, for messages.
pub const ACCEPTED_TYPES: &str = "PDF, PNG, JPEG, plain text, CSV, XLSX or DOCX";

/// Checks every upload of one submission or reply, in order; the first refusal refuses them
/// all.
pub async fn check_files(
    ctx: &Context<'_>,
    uploads: &[Upload],
    limits: &InquiriesSettings,
) -> Result<Result<Vec<CheckedFile>, FileRefusal>, GatewayError> {
    if uploads.len() > limits.max_files_per_message {
        return Ok(Err(FileRefusal::new(
            UserErrorCode::TooManyAttachments,
            format!(
                "{} files; at most {} go with one message",
                uploads.len(),
                limits.max_files_per_message
            ),
        )));
    }
    let mut checked = Vec::with_capacity(uploads.len());
    for (index, upload) in uploads.iter().enumerate() {
        let number = index + 1;
        let value = upload.value(ctx).map_err(GatewayError::internal)?;
        let sent_name = value.filename.clone();
        let max = limits.max_file_bytes;
        let name = sent_name.clone();
        let inspected = tokio::task::spawn_blocking(move || inspect(value.content, &name, max))
            .await
            .map_err(GatewayError::internal)?
            .map_err(GatewayError::internal)?;
        match inspected {
            Inspected::Empty => {
                return Ok(Err(FileRefusal::new(
                    UserErrorCode::InvalidAttachment,
                    format!("file {number} is empty"),
                )));
            }
            Inspected::TooLarge(size) => {
                return Ok(Err(FileRefusal::new(
                    UserErrorCode::AttachmentTooLarge,
                    format!("file {number} has {size} bytes; a file is at most {max} bytes"),
                )));
            }
            Inspected::Refused => {
                return Ok(Err(FileRefusal::new(
                    UserErrorCode::UnsupportedFileType,
                    format!(
                        "file {number} is not a {ACCEPTED_TYPES} file (judged by its content, not its name)"
                    ),
                )));
            }
            Inspected::Accepted {
                file,
                kind,
                size,
                sha256,
            } => checked.push(CheckedFile {
                file,
                summary: FileSummary {
                    file_name: safe_file_name(&sent_name, kind),
                    content_type: kind.content_type(),
                    size,
                    sha256,
                },
            }),
        }
    }
    Ok(Ok(checked))
}

enum Inspected {
    Empty,
    TooLarge(u64),
    Refused,
    Accepted {
        file: std::fs::File,
        kind: FileKind,
        size: u64,
        sha256: String,
    },
}

/// Sizes, sniffs and hashes one spooled file (blocking: it reads the file).
fn inspect(mut file: std::fs::File, name: &str, max: u64) -> std::io::Result<Inspected> {
    let size = file.metadata()?.len();
    if size == 0 {
        return Ok(Inspected::Empty);
    }
    if size > max {
        return Ok(Inspected::TooLarge(size));
    }
    file.seek(SeekFrom::Start(0))?;
    let Some(kind) = sniff(&mut file, name) else {
        return Ok(Inspected::Refused);
    };
    file.seek(SeekFrom::Start(0))?;
    let mut hasher = Sha256::new();
    // The sniffer judged text by the file's start; a text file must be text to its end.
    let mut text = matches!(kind, FileKind::Text | FileKind::Csv).then(TextCheck::default);
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
        if let Some(check) = &mut text
            && !check.feed(&buffer[..read])
        {
            return Ok(Inspected::Refused);
        }
    }
    if text.is_some_and(|check| !check.finish()) {
        return Ok(Inspected::Refused);
    }
    file.seek(SeekFrom::Start(0))?;
    Ok(Inspected::Accepted {
        file,
        kind,
        size,
        sha256: crate::hashing::hex(&hasher.finalize()),
    })
}

/// Whether bytes fed in pieces are UTF-8 text without control characters other than tab, line
/// feed, carriage return and form feed (the sniffer's rule for text, over a whole file).
#[derive(Default)]
struct TextCheck {
    /// The start of a character cut at the end of the last piece.
    pending: Vec<u8>,
}

impl TextCheck {
    /// Takes the next piece; `false` once the bytes are not text.
    fn feed(&mut self, piece: &[u8]) -> bool {
        let mut bytes = std::mem::take(&mut self.pending);
        bytes.extend_from_slice(piece);
        let (valid, rest) = match std::str::from_utf8(&bytes) {
            Ok(text) => (text, &[][..]),
            // Cut inside a character: the rest waits for the next piece.
            Err(error) if error.error_len().is_none() => {
                let (valid, rest) = bytes.split_at(error.valid_up_to());
                match std::str::from_utf8(valid) {
                    Ok(text) => (text, rest),
                    Err(_) => return false,
                }
            }
            Err(_) => return false,
        };
        let ok = valid
            .chars()
            .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\u{c}'));
        self.pending = rest.to_vec();
        ok
    }

    /// Whether the bytes ended on a whole character.
    fn finish(self) -> bool {
        self.pending.is_empty()
    }
}

/// Streams the checked files to the support system for `customer_number`, one after the other;
/// their IDs, to reference in the submission or reply. A file whose stored SHA-256 differs from
/// the one checked here is a failure (the bytes changed on the way).
pub async fn upload_all(
    support: &dyn SupportBackend,
    customer_number: &str,
    files: Vec<CheckedFile>,
) -> Result<Vec<InquiryAttachment>, GatewayError> {
    let mut stored = Vec::with_capacity(files.len());
    for checked in files {
        let summary = checked.summary;
        let file = tokio::fs::File::from_std(checked.file);
        let body = tokio_util::io::ReaderStream::with_capacity(file, 64 * 1024);
        let attachment = support
            .upload_attachment(
                customer_number,
                &summary.file_name,
                summary.content_type,
                summary.size,
                Box::pin(body),
            )
            .await
            .map_err(|e| GatewayError::from_adapter(&e, None))?;
        if attachment.sha256 != summary.sha256 || attachment.size != summary.size {
            return Err(GatewayError::internal(
                "the support system stored an attachment other than the one sent",
            ));
        }
        stored.push(attachment);
    }
    Ok(stored)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_text(pieces: &[&[u8]]) -> bool {
        let mut check = TextCheck::default();
        pieces.iter().all(|p| check.feed(p)) && check.finish()
    }

    #[test]
    fn text_is_judged_to_its_end_across_pieces() {
        assert!(
            is_text(&[b"serial,site\n", b"SN-1,M\xc3", b"\xbcnchen\n"]),
            "a character cut between pieces"
        );
        assert!(
            !is_text(&[b"looks like text\n", b"\x00\x01binary"]),
            "binary after a text start"
        );
        assert!(!is_text(&[b"ends inside a character \xc3"]));
        assert!(!is_text(&[b"\xff\xfe"]));
    }
}
