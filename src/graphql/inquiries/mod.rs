//! My inquiries: the pre-filled form, submitting an inquiry or asking for a representative, the
//! history with its threads and documents, replies, closing, and live updates.

pub(crate) mod attachments;
pub(crate) mod contact;
pub(crate) mod form;
pub(crate) mod history;
pub(crate) mod links;
pub mod prepared;
pub(crate) mod reply;
pub(crate) mod scope;
pub(crate) mod submit;
pub(crate) mod subscription;
pub(crate) mod types;
