//! My inquiries: the pre-filled form, submitting an inquiry or asking for a representative, the
//! history with its threads and documents, replies, closing, and live updates.

pub(crate) mod links;
