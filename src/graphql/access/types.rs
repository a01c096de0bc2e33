//! The signed-in user as the schema shows them: their registration profile, their company's
//! customer numbers, and which tools they may use on which customer number.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, Object, Result, SimpleObject};
use supportgraph_adapters::model::UserProfile;

use crate::app::App;
use crate::graphql::common::domain::{Address, Region};
use crate::graphql::common::global_id::GlobalId;

/// A self-service tool.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "supportgraph_adapters::model::Tool")]
pub enum Tool {
    /// Order Status OnLine: orders, their status and carrier tracking.
    OrderStatus,
    /// Invoices On-Line.
    Invoices,
    /// Statements OnLine.
    Statements,
    /// Contracts OnLine.
    Contracts,
    /// Installed inventory (US Inventory OnLine, or inventory questions elsewhere).
    Inventory,
    /// The European Services Assistant.
    ServicesAssistant,
    /// My inquiries and the contact module.
    Inquiries,
}

/// Where a user's first-time authorisation for a tool on a customer number stands.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "supportgraph_adapters::model::AuthorizationStatus")]
pub enum AuthorizationStatus {
    /// You may see this customer number's data in this tool.
    Authorized,
    /// Requested; awaiting your customer administrator's decision.
    Pending,
    /// Not requested yet: use `requestToolAuthorization`.
    NotRequested,
    /// Requested and refused.
    Denied,
}

/// Your authorisation for one tool on one customer number.
#[derive(SimpleObject)]
pub struct ToolAccess {
    /// Opaque global ID, the same in `me.tools` and in `requestToolAuthorization`'s answer, so a
    /// client cache updates itself; `node(id:)` fetches it again.
    #[graphql(owned)]
    pub id: ID,
    /// The tool.
    pub tool: Tool,
    /// The customer number.
    pub customer_number: String,
    /// Where your authorisation stands.
    pub status: AuthorizationStatus,
}

impl ToolAccess {
    /// `user_id`'s authorisation for `tool` on `customer_number`.
    pub fn new(
        user_id: &str,
        tool: supportgraph_adapters::model::Tool,
        customer_number: &str,
        status: supportgraph_adapters::model::AuthorizationStatus,
    ) -> Self {
        let id = GlobalId::ToolAccess {
            user_id: user_id.to_owned(),
            tool,
            customer_number: customer_number.to_owned(),
        };
        Self {
            id: ID(id.encode()),
            tool: tool.into(),
            customer_number: customer_number.to_owned(),
            status: status.into(),
        }
    }

    /// The caller's authorisation behind a `ToolAccess` global ID: `None` unless it is the
    /// caller's own, on one of their company's customer numbers, for a tool that exists there.
    pub fn find(
        profile: &UserProfile,
        countries: &crate::countries::CountryDirectory,
        user_id: &str,
        tool: supportgraph_adapters::model::Tool,
        customer_number: &str,
    ) -> Option<Self> {
        if profile.user_id != user_id {
            return None;
        }
        let customer = profile.customer(customer_number)?;
        if !countries.get(&customer.country)?.has(tool) {
            return None;
        }
        Some(Self::new(
            user_id,
            tool,
            customer_number,
            profile.authorization(tool, customer_number),
        ))
    }
}

/// Your company.
#[derive(SimpleObject)]
pub struct Company {
    /// The company's identifier at the vendor.
    pub id: ID,
    /// Its registered name.
    pub name: String,
}

/// Your registration profile: what inquiry forms are pre-filled with.
#[derive(SimpleObject)]
pub struct Profile {
    /// Display name.
    pub name: String,
    /// E-mail address.
    pub email: String,
    /// Telephone number.
    pub phone: String,
    /// Preferred language, BCP 47.
    pub language: String,
    /// ISO 3166-1 alpha-2 country you work in.
    pub country: String,
    /// Your company.
    pub company: Company,
    /// Your business address.
    pub address: Address,
}

/// One of your company's customer numbers.
#[derive(SimpleObject)]
pub struct Customer {
    /// Opaque global ID; `node(id:)` fetches it again.
    #[graphql(owned)]
    pub id: ID,
    /// The customer number.
    pub customer_number: String,
    /// ISO 3166-1 alpha-2 country it is registered in.
    pub country: String,
    /// The region whose systems hold its data; null when the country is not served.
    pub region: Option<Region>,
    /// Whether you approve contracts for it (Contracts OnLine's internal approval: the
    /// registration system names the approvers).
    pub approves_contracts: bool,
}

impl Customer {
    /// One of the caller's customer numbers, or `None` when it is not their company's.
    pub fn find(
        profile: &UserProfile,
        countries: &crate::countries::CountryDirectory,
        customer_number: &str,
    ) -> Option<Self> {
        let customer = profile.customer(customer_number)?;
        let id = GlobalId::Customer {
            customer_number: customer.customer_number.clone(),
        };
        Some(Self {
            id: ID(id.encode()),
            customer_number: customer.customer_number.clone(),
            country: customer.country.clone(),
            region: countries.get(&customer.country).map(|e| e.region.into()),
            approves_contracts: profile.approves_contracts_for(&customer.customer_number),
        })
    }
}

/// The signed-in user.
pub struct Me {
    profile: Arc<UserProfile>,
}

impl Me {
    /// The user whose profile this is.
    pub fn new(profile: Arc<UserProfile>) -> Self {
        Self { profile }
    }
}

/// The signed-in user, their company and what they may use.
#[Object]
impl Me {
    /// Your order reports: the standard ones (open, shipped in the last 30 days, delayed),
    /// then the ones you saved, by name.
    async fn order_reports(
        &self,
        ctx: &Context<'_>,
    ) -> Result<Vec<crate::graphql::orders::OrderReport>> {
        Ok(crate::graphql::orders::all_reports(ctx).await?)
    }

    /// Opaque global ID; `node(id:)` fetches it again (only for you).
    pub async fn id(&self) -> ID {
        let id = GlobalId::User {
            user_id: self.profile.user_id.clone(),
        };
        ID(id.encode())
    }

    /// Your ID at the identity provider (one ID for every tool).
    async fn user_id(&self) -> ID {
        ID(self.profile.user_id.clone())
    }

    /// Your display name.
    async fn name(&self) -> &str {
        &self.profile.name
    }

    /// ISO 3166-1 alpha-2 country you work in.
    async fn country(&self) -> &str {
        &self.profile.country
    }

    /// Your registration profile.
    async fn profile(&self) -> Profile {
        let p = &self.profile;
        Profile {
            name: p.name.clone(),
            email: p.email.clone(),
            phone: p.phone.clone(),
            language: p.language.clone(),
            country: p.country.clone(),
            company: Company {
                id: ID(p.company_id.clone()),
                name: p.company_name.clone(),
            },
            address: Address::from(&p.address),
        }
    }

    /// Your company's customer numbers.
    async fn customers(&self, ctx: &Context<'_>) -> Result<Vec<Customer>> {
        let app = ctx.data::<Arc<App>>()?;
        Ok(self
            .profile
            .customers
            .iter()
            .filter_map(|c| {
                Customer::find(&self.profile, &app.countries.snapshot(), &c.customer_number)
            })
            .collect())
    }

    /// Your authorisation for every tool that exists in each customer number's country.
    async fn tools(&self, ctx: &Context<'_>) -> Result<Vec<ToolAccess>> {
        let app = ctx.data::<Arc<App>>()?;
        let mut access = Vec::new();
        let countries = app.countries.snapshot();
        for customer in &self.profile.customers {
            let Some(country) = countries.get(&customer.country) else {
                continue;
            };
            for tool in country.tools.iter().copied() {
                access.push(ToolAccess::new(
                    &self.profile.user_id,
                    tool,
                    &customer.customer_number,
                    self.profile.authorization(tool, &customer.customer_number),
                ));
            }
        }
        Ok(access)
    }

    /// The tools that exist in your country; show only these.
    async fn features(&self, ctx: &Context<'_>) -> Result<Vec<Tool>> {
        let app = ctx.data::<Arc<App>>()?;
        Ok(match app.countries.snapshot().get(&self.profile.country) {
            Some(country) => country.tools.iter().copied().map(Tool::from).collect(),
            None => {
                tracing::warn!(country = %self.profile.country, "user's country is missing from the country directory");
                Vec::new()
            }
        })
    }
}
