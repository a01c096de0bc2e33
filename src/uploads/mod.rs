//! Files users upload (an inquiry's attachments): what they really are and what they may be
//! called, decided by the gateway before anything reaches a backend.
//!
//! [`sniff`] decides a file's type from its bytes — never from its name or the type the client
//! declared — against the allowlist (PDF, PNG, JPEG, plain text, CSV, XLSX, DOCX), so a program
//! renamed `invoice.pdf` is refused. [`names`] turns whatever name a client sent into one that is
//! safe in a mail attachment, a download header or a file system, with the extension of the
//! type the bytes are.

pub mod names;
pub mod sniff;

pub use names::safe_file_name;
pub use sniff::{FileKind, sniff};
