//! Who to contact about an inquiry: the form's values over the registration profile's, checked
//! by the model's rules — and only at the user's own company's mail domain, since the gateway
//! mails the contact in the vendor's name with the subject the user typed, and the form must not
//! relay mail to anyone.

use async_graphql::InputObject;
use supportgraph_adapters::model::{self, EmailAddress, InquiryContact};

use super::types::ContactChannel;

/// How to reach you about an inquiry; what you leave out comes from your registration profile.
#[derive(InputObject, Default, Clone)]
pub struct InquiryContactInput {
    /// Your name (the profile's when left out).
    pub name: Option<String>,
    /// Where the acknowledgment and the answers go: an address at your company's domain (the
    /// profile's address when left out).
    pub email: Option<String>,
    /// A telephone number (the profile's when left out).
    pub phone: Option<String>,
    /// How you prefer to be contacted (EMAIL when left out).
    pub preferred_channel: Option<ContactChannel>,
    /// The language of the e-mails, BCP 47 (the profile's when left out).
    pub language: Option<String>,
}

/// The contact: the input's values over the profile's.
pub(super) fn contact_of(
    input: &InquiryContactInput,
    profile: &model::UserProfile,
) -> Result<InquiryContact, (String, String)> {
    let email_text = input.email.as_deref().unwrap_or(&profile.email).trim();
    let email: EmailAddress = email_text.parse().map_err(|_| {
        (
            "contact.email".to_owned(),
            "this is not an e-mail address".to_owned(),
        )
    })?;
    // The gateway mails the contact in the company's name, with the subject the user typed: only
    // to an address at the user's own company, so the form cannot relay mail to anyone.
    let domain = |address: &str| {
        address
            .rsplit_once('@')
            .map(|(_, domain)| domain.to_ascii_lowercase())
    };
    if domain(email.as_str()).is_none() || domain(email.as_str()) != domain(&profile.email) {
        let own = domain(&profile.email).unwrap_or_default();
        return Err((
            "contact.email".to_owned(),
            format!("the contact's address must be at your company's domain (@{own})"),
        ));
    }
    let phone = input
        .phone
        .as_deref()
        .map(str::trim)
        .or(Some(profile.phone.as_str()).filter(|p| !p.trim().is_empty()))
        .map(str::to_owned);
    let contact = InquiryContact {
        name: input
            .name
            .as_deref()
            .unwrap_or(&profile.name)
            .trim()
            .to_owned(),
        email,
        phone,
        preferred_channel: input
            .preferred_channel
            .map_or(model::ContactChannel::Email, Into::into),
        language: input
            .language
            .as_deref()
            .unwrap_or(&profile.language)
            .trim()
            .to_owned(),
    };
    contact
        .check()
        .map_err(|e| ("contact".to_owned(), e.to_string()))?;
    Ok(contact)
}
