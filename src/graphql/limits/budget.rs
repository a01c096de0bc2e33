//! What each root field costs the backends, so an operation's backend calls can be estimated
//! before it runs and refused above `limits.max_backend_calls`.
//!
//! Many companies share the regional backends: one small request asking for 200 aliases of
//! `orders` would make 600 backend calls. The estimate is an upper bound from the fields alone:
//! a list field costs one call per instance it fans out to (with filters or not), lookups by
//! number share one batch call per instance per 100 keys (see `federation::loader`), a mutation
//! costs what it reads plus its write, and the caller's registration profile one call. Nested
//! fields are read from the same answers and cost nothing. `inventory` counts one page per
//! system; a connection page that spans two pages of a system, or a filtered `totalCount` that
//! reads every page, pays each further page from the request's budget as it is asked for
//! ([`crate::federation::call_budget`]), so a walk past the budget stops there. An `order` that is not found asks
//! once more, in the regions of the caller's customer numbers they are not authorised for, to
//! say so: that round is counted too.
//!
//! Every root field must have an entry here: a test fails for a field that has none, so a new
//! tool declares its cost when it adds its fields.

use supportgraph_adapters::model::MAX_MESSAGE_ATTACHMENTS;
use supportgraph_adapters::model::{InventorySource, Region};

/// The most keys one lookup batch call carries (the loaders split larger batches): the ports'
/// limit.
pub const LOOKUP_BATCH: u32 = supportgraph_adapters::ports::LOOKUP_BATCH as u32;

/// The order-status instances a worldwide list or lookup fans out to.
const ORDER_INSTANCES: u32 = Region::ALL.len() as u32;

/// The billing instances a worldwide invoice list or lookup fans out to.
const BILLING_INSTANCES: u32 = Region::ALL.len() as u32;

/// The online inventory systems an inventory list or lookup fans out to.
const INVENTORY_SYSTEMS: u32 = InventorySource::ALL.len() as u32;

/// What one root field costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RootCost {
    /// Nothing from any backend (`__typename`).
    Free,
    /// This many calls, plus the caller's profile.
    Calls(u32),
    /// A lookup batched with the operation's other lookups of the same kind.
    Lookup(LookupKind),
}

/// Which batch a lookup joins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LookupKind {
    /// By order number, explained when not found (`order`): a second round asks the regions
    /// of the caller's customer numbers they are not authorised for, to say so.
    ExplainedOrder,
    /// By order number (`guestOrderStatus`).
    Order,
    /// By serial number (`inventoryItem`).
    InventoryItem,
    /// By invoice number (`invoice`).
    Invoice,
    /// By global ID (`node`): any of them.
    Node,
}

/// The cost of the root field `name`, or `None` for a field this table does not know.
pub fn root_field_cost(name: &str) -> Option<RootCost> {
    Some(match name {
        "__typename" => RootCost::Free,
        "me" => RootCost::Calls(0),
        "orders" => RootCost::Calls(ORDER_INSTANCES),
        "inventory" => RootCost::Calls(INVENTORY_SYSTEMS),
        "order" => RootCost::Lookup(LookupKind::ExplainedOrder),
        "guestOrderStatus" => RootCost::Lookup(LookupKind::Order),
        "inventoryItem" => RootCost::Lookup(LookupKind::InventoryItem),
        "node" => RootCost::Lookup(LookupKind::Node),
        // Federation subgraph mode. `_service` is walked as introspection (limits::walk) and never
        // reaches this table. What `_entities` costs depends on its representations, which may
        // be variables: `limits::entities` adds them to the estimate for each request.
        "_service" | "_entities" => RootCost::Free,
        "requestToolAuthorization" => RootCost::Calls(1),
        // The saved reports, then the report's rows.
        "orderReport" => RootCost::Calls(1 + ORDER_INSTANCES),
        "saveOrderReport" | "deleteOrderReport" => RootCost::Calls(1),
        // The report is read (a saved one), the link signed.
        "orderExport" => RootCost::Calls(1),
        // The report, every page of its orders (each region, page by page, paid as it goes),
        // and the message.
        "emailOrderReport" => RootCost::Calls(2 + ORDER_INSTANCES),
        // The report is read, then written.
        "renameOrderReport" => RootCost::Calls(2),
        // The item is looked up, then the change is sent.
        "requestInventoryUpdate" | "requestServiceChange" => RootCost::Calls(2),
        // The order is looked up in every region at once, then the watcher is recorded.
        "watchOrder" => RootCost::Calls(ORDER_INSTANCES + 1),
        // The caller's profile when subscribing; the changes come from the live hub's polls,
        // which no request pays for (see `crate::live`).
        "orderStatusChanged" => RootCost::Calls(0),
        // One page from every billing instance, and the page's serial numbers from every
        // inventory system (reconciliation); a `reconciliation` filter that reads more pages pays
        // each from the request's budget and is charged after the fact.
        "invoices" => RootCost::Calls(BILLING_INSTANCES + INVENTORY_SYSTEMS),
        // The invoice, and its serial numbers from every inventory system.
        "invoice" => RootCost::Lookup(LookupKind::Invoice),
        // The invoice is looked up in every region, then the step is sent.
        "startInvoiceReview" | "approveInvoice" | "disputeInvoice" => {
            RootCost::Calls(BILLING_INSTANCES + 1)
        }
        // The invoice is looked up, its PDF read, and the message sent.
        "forwardInvoice" => RootCost::Calls(BILLING_INSTANCES + 2),
        // One statement from every billing instance (each customer number's own call).
        // One call per statement, at most this many (more are refused before any call).
        "statements" => RootCost::Calls(crate::graphql::statements::MAX_STATEMENTS_AT_ONCE as u32),
        // The statement, then the page's invoices and credit notes (one call each).
        "statementLines" => RootCost::Calls(1 + 2 * BILLING_INSTANCES),
        // The links are signed only; the download pays at its route.
        "invoiceExport" | "statementExport" => RootCost::Calls(0),
        // The profile only.
        "inquiryForm" => RootCost::Calls(0),
        // One call to the support system.
        "inquiries" | "inquiry" => RootCost::Calls(1),
        // Each file streamed, the inquiry created, the acknowledgment sent.
        "submitInquiry" => RootCost::Calls(MAX_MESSAGE_ATTACHMENTS as u32 + 2),
        "contactRepresentative" => RootCost::Calls(2),
        // The inquiry looked up, each file streamed, the reply sent.
        "replyToInquiry" => RootCost::Calls(MAX_MESSAGE_ATTACHMENTS as u32 + 2),
        // The inquiry looked up, then closed.
        "closeInquiry" => RootCost::Calls(2),
        // The inquiry looked up when subscribing; the changes come from the feed the gateway
        // reads anyway (see `crate::inquiry_feed`).
        "inquiryUpdated" => RootCost::Calls(1),
        // One search per distinct local date of the caller's customer numbers' countries (at
        // most two at any moment, whatever the countries), or one lookup.
        "contracts" => RootCost::Calls(2),
        "contract" => RootCost::Calls(1),
        // The query: a search for contracts to sign, one for those to approve, and one per distinct
        // local date (at most two) for what ends soon. The subscription of the same name is
        // charged the same though it makes none of these calls (its alerts come from the hub's
        // polls, see `crate::contract_feed`): the table knows fields by name only.
        "contractAlerts" => RootCost::Calls(4),
        "printContract" => RootCost::Calls(1), // The lookup; the download pays at its route.
        // The contract looked up, then the step sent.
        "submitContractForApproval"
        | "approveContract"
        | "rejectContract"
        | "commentOnContract"
        | "signContract" => RootCost::Calls(2),
        _ => return None,
    })
}

/// An operation's estimate, from its root fields.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Estimate {
    /// Backend calls, at most.
    pub backend_calls: u32,
    /// Lookups that join the order-number batch (`order`, `guestOrderStatus`, `node`).
    pub order_lookups: u32,
    /// Lookups that may ask again to explain a not-found (`order`).
    pub explain_lookups: u32,
    /// Lookups that join the serial-number batch (`inventoryItem`, `node`).
    pub item_lookups: u32,
    /// Lookups that join the invoice-number batch (`invoice`, `node`).
    pub invoice_lookups: u32,
    /// `invoice` fields: each reconciles its lines in every inventory system. (An invoice found
    /// through `node` may too; those calls are charged after the fact, within the budget.)
    pub reconciled_invoices: u32,
}

impl Estimate {
    /// The calls of the lookup batches this estimate expects.
    fn lookup_calls(&self) -> u32 {
        let batches = |keys: u32| keys.div_ceil(LOOKUP_BATCH);
        batches(self.order_lookups)
            .saturating_mul(ORDER_INSTANCES)
            .saturating_add(batches(self.explain_lookups).saturating_mul(ORDER_INSTANCES))
            .saturating_add(batches(self.item_lookups).saturating_mul(INVENTORY_SYSTEMS))
            .saturating_add(batches(self.invoice_lookups).saturating_mul(BILLING_INSTANCES))
    }

    /// This estimate with `lookups` more lookups by global ID (each joins the order, item and
    /// invoice batches, as `node` does) and `calls` more calls of their own: what a request's
    /// `_entities` representations add (`limits::entities`).
    pub fn with_lookups(self, lookups: u32, calls: u32) -> Estimate {
        let mut next = self;
        next.order_lookups = next.order_lookups.saturating_add(lookups);
        next.item_lookups = next.item_lookups.saturating_add(lookups);
        next.invoice_lookups = next.invoice_lookups.saturating_add(lookups);
        next.backend_calls = self
            .backend_calls
            .saturating_sub(self.lookup_calls())
            .saturating_add(next.lookup_calls())
            .saturating_add(calls);
        next
    }
}

/// The estimate for an operation with these root fields (aliases counted once each).
pub fn estimate<'a>(root_fields: impl IntoIterator<Item = &'a str>) -> Estimate {
    let mut calls: u32 = 0;
    let mut needs_profile = false;
    let mut estimate = Estimate::default();
    for name in root_fields {
        match root_field_cost(name) {
            Some(RootCost::Free) | None => {}
            Some(RootCost::Calls(n)) => {
                calls = calls.saturating_add(n);
                needs_profile = true;
            }
            Some(RootCost::Lookup(kind)) => {
                // The batches it joins: by order number, its explanation round, by serial number.
                let (order, explain, item, invoice) = match kind {
                    LookupKind::ExplainedOrder => (true, true, false, false),
                    LookupKind::Order => (true, false, false, false),
                    LookupKind::InventoryItem => (false, false, true, false),
                    LookupKind::Invoice => (false, false, false, true),
                    LookupKind::Node => (true, false, true, true),
                };
                estimate.invoice_lookups =
                    estimate.invoice_lookups.saturating_add(u32::from(invoice));
                estimate.reconciled_invoices = estimate
                    .reconciled_invoices
                    .saturating_add(u32::from(kind == LookupKind::Invoice));
                estimate.order_lookups = estimate.order_lookups.saturating_add(u32::from(order));
                estimate.explain_lookups =
                    estimate.explain_lookups.saturating_add(u32::from(explain));
                estimate.item_lookups = estimate.item_lookups.saturating_add(u32::from(item));
                // A guest's lookup (`guestOrderStatus`) has no profile to load.
                needs_profile |= kind != LookupKind::Order;
            }
        }
    }
    estimate.backend_calls = calls
        .saturating_add(u32::from(needs_profile))
        .saturating_add(estimate.lookup_calls())
        // Each invoice found on its own reconciles its lines in every inventory system.
        .saturating_add(
            estimate
                .reconciled_invoices
                .saturating_mul(INVENTORY_SYSTEMS),
        );
    estimate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_root_field_of_the_schema_has_a_cost() {
        // The subgraph's schema in plain SDL, which lists `_service` and `_entities` as fields.
        let subgraph = async_graphql::Schema::build(
            crate::graphql::SubgraphQuery::default(),
            async_graphql::EmptyMutation,
            async_graphql::EmptySubscription,
        )
        .enable_federation()
        .finish()
        .sdl();
        assert!(subgraph.contains("_entities("), "{subgraph}");
        for sdl in [crate::graphql::sdl(), subgraph] {
            every_root_field_has_a_cost(&sdl);
        }
    }

    fn every_root_field_has_a_cost(sdl: &str) {
        let document = async_graphql::parser::parse_schema(sdl).expect("our SDL parses");
        use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
        for definition in document.definitions {
            let TypeSystemDefinition::Type(ty) = definition else {
                continue;
            };
            let name = ty.node.name.node.as_str();
            if !matches!(name, "Query" | "Mutation" | "Subscription") {
                continue;
            }
            let TypeKind::Object(object) = &ty.node.kind else {
                continue;
            };
            for field in &object.fields {
                let field = field.node.name.node.as_str();
                assert!(
                    root_field_cost(field).is_some(),
                    "{name}.{field} has no cost in graphql::limits::budget"
                );
            }
        }
    }

    #[test]
    fn the_dashboard_is_cheap_and_two_hundred_order_lists_are_not() {
        assert_eq!(estimate(["me", "orders"]).backend_calls, 1 + 3);
        assert_eq!(estimate(vec!["orders"; 200]).backend_calls, 1 + 600);
        assert_eq!(estimate(["guestOrderStatus"]).backend_calls, 3);
        assert_eq!(estimate(["__typename"]).backend_calls, 0);
    }

    #[test]
    fn lookups_share_batches_of_a_hundred() {
        let hundred = estimate(vec!["order"; 100]);
        assert_eq!(
            hundred.backend_calls,
            1 + 3 + 3,
            "a lookup, and its explanation round"
        );
        assert_eq!(hundred.order_lookups, 100);
        assert_eq!(estimate(vec!["order"; 300]).backend_calls, 1 + 9 + 9);
        assert_eq!(estimate(vec!["guestOrderStatus"; 101]).backend_calls, 6);
        let nodes = estimate(vec!["node"; 5]);
        assert_eq!(nodes.backend_calls, 1 + 3 + 2 + 3, "a node may be any kind");
        assert_eq!((nodes.order_lookups, nodes.item_lookups), (5, 5));
        assert_eq!(nodes.invoice_lookups, 5);
        let invoices = estimate(vec!["invoice"; 4]);
        assert_eq!(
            invoices.backend_calls,
            1 + 3 + 4 * 2,
            "one batch, and each invoice's reconciliation"
        );
    }
}
