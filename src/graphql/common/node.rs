//! `node(id:)`: refetch anything by its global ID, with the caller's authorisation checked again.
//!
//! The ID says which tool's object it names; the lookup itself is that tool's (each tool's
//! folder says how one of its objects is found again).

use std::sync::Arc;

use async_graphql::{Context, ID, Interface, Object, Result};
use supportgraph_adapters::model::UserProfile;

use super::global_id::GlobalId;
use crate::app::App;
use crate::auth::Caller;
use crate::countries::Tool;
use crate::error::GatewayError;
use crate::federation::billing::InvoiceBatcher;
use crate::federation::call_budget::CallBudget;
use crate::federation::inventory::InventoryBatcher;
use crate::federation::orders::OrderBatcher;
use crate::federation::scope::ToolScope;
use crate::graphql::access::{Customer, Me, ToolAccess};
use crate::graphql::contracts::scope::find_contract;
use crate::graphql::contracts::types::Contract;
use crate::graphql::inquiries::scope::find_inquiry;
use crate::graphql::inquiries::types::Inquiry;
use crate::graphql::inventory::{InventoryItem, item_by_id};
use crate::graphql::invoices::query::{credit_note_by_id, invoice_by_id};
use crate::graphql::invoices::{CreditNote, Invoice};
use crate::graphql::orders::{Order, order_by_id};

/// Anything with a global ID.
// One value per `node` answer, never stored: boxing the large variants would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Opaque global ID."))]
pub enum Node {
    /// An order.
    Order(Order),
    /// The signed-in user.
    Me(Me),
    /// One of the company's customer numbers.
    Customer(Customer),
    /// The user's authorisation for a tool on a customer number.
    ToolAccess(ToolAccess),
    /// An installed item.
    InventoryItem(InventoryItem),
    /// An invoice.
    Invoice(Invoice),
    /// A credit note.
    CreditNote(CreditNote),
    /// An inquiry to the support team.
    Inquiry(Inquiry),
    /// A contract.
    Contract(Contract),
}

/// The `node` query field.
#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// The object with this global ID. `NOT_FOUND` for an ID that is malformed, edited, or
    /// belongs to a customer number you may not see — the answer never says which.
    //
    // An ID whose fields fail their types (`GlobalId::decode`), or that names another user, is
    // refused before anything is fetched.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global ID.")] id: ID,
    ) -> Result<Option<Node>> {
        find_node(ctx, &id).await
    }
}

/// The object `id` names, found again with the caller's authorisation checked: what `node`
/// answers, and what a federation router's `_entities` gets (`graphql::subgraph`).
pub async fn find_node(ctx: &Context<'_>, id: &ID) -> Result<Option<Node>> {
    // Places in both lookup batches first (an ID may name either kind): whatever ends this
    // lookup early, or the kind it is not, gives them up.
    let order_ticket = ctx.data::<OrderBatcher>()?.ticket();
    let item_ticket = ctx.data::<InventoryBatcher>()?.ticket();
    let invoice_ticket = ctx.data::<InvoiceBatcher>()?.ticket();
    let app = ctx.data::<Arc<App>>()?;
    let caller = ctx.data::<Caller>()?;
    let user_id = &caller.principal()?.user_id;
    let Some(global_id) = GlobalId::decode(id) else {
        return Err(GatewayError::NotFound.into());
    };
    // Another user's `Me` or authorisations: refused here, before anything is fetched.
    if let GlobalId::User { user_id: owner } | GlobalId::ToolAccess { user_id: owner, .. } =
        &global_id
        && owner != user_id
    {
        return Err(GatewayError::NotFound.into());
    }
    let profile = caller.profile(&app.profiles).await?;
    let not_found = || async_graphql::Error::from(GatewayError::NotFound);
    match global_id {
        GlobalId::User { .. } => Ok(Some(Node::Me(Me::new(profile.clone())))),
        GlobalId::Customer { customer_number } => {
            Customer::find(profile, &app.countries.snapshot(), &customer_number)
                .map(|c| Some(Node::Customer(c)))
                .ok_or_else(not_found)
        }
        GlobalId::ToolAccess {
            user_id: owner,
            tool,
            customer_number,
        } => ToolAccess::find(
            profile,
            &app.countries.snapshot(),
            &owner,
            tool,
            &customer_number,
        )
        .map(|a| Some(Node::ToolAccess(a)))
        .ok_or_else(not_found),
        GlobalId::InventoryItem {
            customer_number,
            serial_number,
        } => {
            let item =
                item_by_id(item_ticket, app, caller, &customer_number, &serial_number).await?;
            Ok(Some(Node::InventoryItem(item)))
        }
        GlobalId::Invoice {
            region,
            customer_number,
            invoice_number,
        } => {
            let invoice = invoice_by_id(
                invoice_ticket,
                app,
                profile,
                region,
                customer_number,
                invoice_number,
            )
            .await?;
            Ok(Some(Node::Invoice(invoice)))
        }
        GlobalId::CreditNote {
            region,
            customer_number,
            credit_note_number,
        } => {
            let budget = ctx.data::<Arc<CallBudget>>()?;
            let note = credit_note_by_id(
                app,
                budget,
                profile,
                region,
                customer_number,
                credit_note_number,
            )
            .await?;
            Ok(Some(Node::CreditNote(note)))
        }
        GlobalId::Contract {
            customer_number,
            contract_number,
        } => {
            let budget = ctx.data::<Arc<CallBudget>>()?;
            let customers = [customer_number];
            if !in_tool_scope(app, profile, Tool::Contracts, &customers[0]) {
                return Err(not_found());
            }
            find_contract(app, budget, &customers, &contract_number)
                .await?
                .map(|c| Some(Node::Contract(Contract(c))))
                .ok_or_else(not_found)
        }
        GlobalId::Inquiry {
            customer_number,
            tracking_number,
        } => {
            let budget = ctx.data::<Arc<CallBudget>>()?;
            let customers = [customer_number];
            if !in_tool_scope(app, profile, Tool::Inquiries, &customers[0]) {
                return Err(not_found());
            }
            find_inquiry(app, budget, &customers, &tracking_number)
                .await?
                .map(|i| Some(Node::Inquiry(Inquiry(i))))
                .ok_or_else(not_found)
        }
        GlobalId::Order {
            region,
            customer_number,
            order_number,
        } => {
            let order = order_by_id(
                order_ticket,
                app,
                profile,
                region,
                customer_number,
                order_number,
            )
            .await?;
            Ok(Some(Node::Order(order)))
        }
    }
}

/// Whether the caller is authorised for `tool` on `customer_number` (checked before a lookup,
/// so another company's ID costs no backend call).
fn in_tool_scope(app: &App, profile: &UserProfile, tool: Tool, customer_number: &str) -> bool {
    ToolScope::region_for(tool, profile, &app.countries.snapshot(), customer_number).is_some()
}
