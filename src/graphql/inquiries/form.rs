//! `inquiryForm`: the web form of an inquiry, pre-filled from the caller's registration profile
//! — who to contact, the company, the customer numbers an inquiry may be about — with the
//! categories there are in the caller's country, the limits the form must keep, and when an
//! answer would be due if it were sent now.
//!
//! A category exists in a country when the tool it is about does (ORDERS needs Order Status
//! OnLine there, INVOICES Invoices On-Line, ...); REGISTRATION and OTHER exist everywhere, and
//! INVENTORY wherever inventory questions are taken — online or, where there is no online
//! inventory, only by inquiry.

use std::sync::Arc;

use async_graphql::{Context, Object, Result, SimpleObject};
use chrono::Utc;
use supportgraph_adapters::model::{self, MAX_INQUIRY_SUBJECT, MAX_INQUIRY_TEXT, Tool};

use super::attachments::ACCEPTED_KINDS;
use super::types::InquiryCategory;
use crate::app::App;
use crate::auth::Caller;
use crate::countries::{Country, CountryDirectory};
use crate::error::GatewayError;
use crate::federation::scope::ToolScope;
use crate::graphql::common::exclusions::{ExcludedCustomer, excluded_customers};
use crate::graphql::common::scalars::DateTime;

/// The tool a category is about, if it needs one.
fn tool_of(category: model::InquiryCategory) -> Option<Tool> {
    use model::InquiryCategory as C;
    match category {
        C::Orders => Some(Tool::OrderStatus),
        C::Invoices => Some(Tool::Invoices),
        C::Statements => Some(Tool::Statements),
        C::Contracts => Some(Tool::Contracts),
        C::Inventory => Some(Tool::Inventory),
        C::Registration | C::Other => None,
    }
}

/// Whether `category` exists in `country`.
pub fn category_available(country: &Country, category: model::InquiryCategory) -> bool {
    tool_of(category).is_none_or(|tool| country.has(tool))
}

/// The categories there are in the country `code` (none for a country not in the directory).
pub fn categories_in(countries: &CountryDirectory, code: &str) -> Vec<InquiryCategory> {
    let Some(country) = countries.get(code) else {
        return Vec::new();
    };
    model::InquiryCategory::ALL
        .into_iter()
        .filter(|c| country.has(Tool::Inquiries) && category_available(country, *c))
        .map(Into::into)
        .collect()
}

/// The contact details the form starts with: the caller's, from the registration profile.
#[derive(SimpleObject)]
pub struct InquiryFormContact {
    /// Your name.
    pub name: String,
    /// Your e-mail address: the acknowledgment and the answers go there.
    pub email: String,
    /// Your telephone number.
    pub phone: String,
    /// The language of the e-mails (BCP 47).
    pub language: String,
}

/// A customer number an inquiry may be about.
#[derive(SimpleObject)]
pub struct InquiryFormCustomer {
    /// The customer number.
    pub customer_number: String,
    /// Its country (ISO 3166-1 alpha-2).
    pub country: String,
    /// The categories there are in its country.
    pub categories: Vec<InquiryCategory>,
    /// When an answer would be due if you submitted now (its country's business calendar).
    pub response_due_by: DateTime,
}

/// What the form must keep to.
#[derive(SimpleObject)]
pub struct InquiryFormLimits {
    /// The longest subject, in characters.
    pub max_subject_length: i32,
    /// The longest description or message, in characters.
    pub max_description_length: i32,
    /// The most files one submission or reply carries.
    pub max_attachments: i32,
    /// The largest file, in bytes.
    pub max_attachment_bytes: u64,
    /// The media types of the files accepted (decided by their content, not their name).
    pub accepted_file_types: Vec<String>,
}

/// The inquiry form, pre-filled.
#[derive(SimpleObject)]
pub struct InquiryForm {
    /// The category asked for, when it exists in your country.
    pub category: Option<InquiryCategory>,
    /// The categories there are in your country.
    pub categories: Vec<InquiryCategory>,
    /// Who to contact, from your profile (change it on the form if needed).
    pub contact: InquiryFormContact,
    /// Your company's registered name.
    pub company_name: String,
    /// The customer numbers you may submit an inquiry about (authorised for Inquiries).
    pub customer_numbers: Vec<InquiryFormCustomer>,
    /// Your company's customer numbers you may not submit about, and why.
    pub excluded_customers: Vec<ExcludedCustomer>,
    /// The limits a submission keeps to.
    pub limits: InquiryFormLimits,
}

/// The form's query field.
#[derive(Default)]
pub struct InquiryFormQuery;

#[Object]
impl InquiryFormQuery {
    /// The inquiry form, pre-filled from your registration profile. With `category`, that
    /// category is pre-selected; one that does not exist in your country is
    /// `FEATURE_NOT_AVAILABLE`.
    async fn inquiry_form(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The category to pre-select.")] category: Option<InquiryCategory>,
    ) -> Result<InquiryForm> {
        let app = ctx.data::<Arc<App>>()?;
        let caller = ctx.data::<Caller>()?;
        caller.principal()?;
        let profile = caller.profile(&app.profiles).await?;
        let countries = app.countries.snapshot();
        let categories = categories_in(&countries, &profile.country);
        if let Some(asked) = category
            && !categories.contains(&asked)
        {
            let tool = tool_of(asked.into()).unwrap_or(Tool::Inquiries);
            return Err(GatewayError::FeatureNotAvailable {
                tool: tool.as_str(),
                country: profile.country.clone(),
            }
            .into());
        }
        let scope = ToolScope::for_tool(Tool::Inquiries, profile, &countries, None)?;
        let now = Utc::now();
        let customer_numbers = profile
            .customers
            .iter()
            .filter(|c| {
                scope
                    .by_region
                    .values()
                    .flatten()
                    .any(|n| n == &c.customer_number)
            })
            .filter_map(|c| {
                let country = countries.get(&c.country)?;
                Some(InquiryFormCustomer {
                    customer_number: c.customer_number.clone(),
                    country: c.country.clone(),
                    categories: categories_in(&countries, &c.country),
                    response_due_by: DateTime(country.response_due_by(now)),
                })
            })
            .collect();
        let limits = &app.settings.inquiries;
        Ok(InquiryForm {
            category,
            categories,
            contact: InquiryFormContact {
                name: profile.name.clone(),
                email: profile.email.clone(),
                phone: profile.phone.clone(),
                language: profile.language.clone(),
            },
            company_name: profile.company_name.clone(),
            customer_numbers,
            excluded_customers: excluded_customers(scope.excluded),
            limits: InquiryFormLimits {
                max_subject_length: MAX_INQUIRY_SUBJECT as i32,
                max_description_length: MAX_INQUIRY_TEXT as i32,
                max_attachments: limits.max_files_per_message as i32,
                max_attachment_bytes: limits.max_file_bytes,
                accepted_file_types: ACCEPTED_KINDS
                    .iter()
                    .map(|k| k.content_type().to_owned())
                    .collect(),
            },
        })
    }
}
