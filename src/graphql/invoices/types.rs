//! The `Invoice` and `CreditNote` types, their lines and reconciliation with the installed
//! inventory, and the connection that lists invoices.
//!
//! An invoice's lines are reconciled with the inventory lazily: the first line or invoice of a
//! page that asks (`installedItem`, `match`, `reconciliation`) looks up the serial numbers of
//! the whole page at once (`federation::reconciliation`), and every other invoice of the page
//! reads that answer — one inventory call per system per page.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, Object, Result, SimpleObject};
use rust_decimal::Decimal;
use supportgraph_adapters::model;
use tokio::sync::OnceCell;

use crate::app::App;
use crate::auth::Caller;
use crate::federation::call_budget::CallBudget;
use crate::federation::inventory::InventoryLoader;
use crate::federation::reconciliation::{Installed, LineMatch, installed};
use crate::graphql::common::connection::PageInfo;
use crate::graphql::common::domain::Region;
use crate::graphql::common::exclusions::ExcludedCustomer;
use crate::graphql::common::failures::report_failures;
use crate::graphql::common::global_id::GlobalId;
use crate::graphql::common::scalars::{Date, DateTime, Money};
use crate::graphql::inventory::InventoryItem;

/// Where an invoice is in its review. The allowed steps (`startInvoiceReview`,
/// `approveInvoice`, `disputeInvoice`): OPEN → IN_REVIEW; IN_REVIEW → APPROVED or DISPUTED (with
/// a reason); DISPUTED → IN_REVIEW. APPROVED → PAID happens only when the billing system
/// receives the payment.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug, serde::Serialize, serde::Deserialize)]
#[graphql(remote = "supportgraph_adapters::model::InvoiceStatus")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum InvoiceStatus {
    /// Issued; nobody has started reviewing it.
    Open,
    /// Being reviewed at the customer.
    InReview,
    /// Approved for payment.
    Approved,
    /// Disputed by the customer, with a reason.
    Disputed,
    /// Paid.
    Paid,
}

/// A step of an invoice's review.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(remote = "supportgraph_adapters::model::InvoiceAction")]
pub enum InvoiceAction {
    /// Start (or, after a dispute, resume) the review: OPEN or DISPUTED → IN_REVIEW.
    StartReview,
    /// Approve for payment: IN_REVIEW → APPROVED.
    Approve,
    /// Dispute, with a reason: IN_REVIEW → DISPUTED.
    Dispute,
}

/// What an invoice line's serial number came to in the installed inventory.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum LineMatchStatus {
    /// An item with this serial number is installed for the invoice's customer number.
    Matched,
    /// The inventory system has no such item for that customer number.
    Unmatched,
    /// Not checked: no serial number on the line, no online inventory in the country, no
    /// Inventory authorisation for the customer number, or the system did not answer.
    Unchecked,
}

/// How an invoice's lines compare with the installed inventory.
#[derive(SimpleObject)]
pub struct InvoiceReconciliation {
    /// Lines whose serial number is installed for the invoice's customer number.
    pub matched_lines: i32,
    /// Lines whose serial number is installed nowhere for that customer number.
    pub unmatched_lines: i32,
    /// Lines that could not be checked (see `LineMatchStatus.UNCHECKED`).
    pub unchecked_lines: i32,
}

/// The installed inventory as it concerns one page of invoices, looked up once, on first use.
pub struct PageInventory {
    invoices: Vec<model::Invoice>,
    answer: OnceCell<Installed>,
}

impl PageInventory {
    /// The inventory of `invoices`, not looked up yet.
    pub fn new(invoices: Vec<model::Invoice>) -> Arc<Self> {
        Arc::new(Self {
            invoices,
            answer: OnceCell::new(),
        })
    }

    /// The inventory of `invoices`, already looked up.
    pub fn known(invoices: Vec<model::Invoice>, answer: Installed) -> Arc<Self> {
        Arc::new(Self {
            invoices,
            answer: OnceCell::new_with(Some(answer)),
        })
    }

    /// The answer, looking the page's serial numbers up the first time (and reporting the
    /// systems that failed, once).
    async fn get(&self, ctx: &Context<'_>) -> Result<&Installed> {
        self.answer
            .get_or_try_init(|| async {
                let app = ctx.data::<Arc<App>>()?;
                let caller = ctx.data::<Caller>()?;
                let budget = ctx.data::<Arc<CallBudget>>()?;
                let profile = caller.profile(&app.profiles).await?;
                let loader = InventoryLoader::new(app.inventory_backends.clone(), budget.clone());
                let answer =
                    installed(&self.invoices, profile, &app.countries.snapshot(), &loader).await;
                report_failures(ctx, &answer.failures);
                Ok::<_, async_graphql::Error>(answer)
            })
            .await
    }
}

fn money(amount: Decimal, currency: &str) -> Money {
    model::Money::new(amount, currency).into()
}

/// An invoice, with its page's inventory for reconciliation.
pub struct Invoice {
    /// The invoice.
    pub invoice: model::Invoice,
    /// Its page's inventory (shared by every invoice of the page).
    pub inventory: Arc<PageInventory>,
}

impl Invoice {
    /// An invoice on its own (not part of a page).
    pub fn single(invoice: model::Invoice) -> Self {
        let inventory = PageInventory::new(vec![invoice.clone()]);
        Self { invoice, inventory }
    }

    /// Every invoice of a page, sharing one inventory lookup.
    pub fn page(invoices: Vec<model::Invoice>) -> Vec<Self> {
        let inventory = PageInventory::new(invoices.clone());
        Self::sharing(invoices, &inventory)
    }

    /// Every invoice of a page whose inventory is `inventory`.
    pub fn sharing(invoices: Vec<model::Invoice>, inventory: &Arc<PageInventory>) -> Vec<Self> {
        invoices
            .into_iter()
            .map(|invoice| Self {
                invoice,
                inventory: inventory.clone(),
            })
            .collect()
    }

    /// Its global ID.
    pub fn global_id(invoice: &model::Invoice) -> GlobalId {
        GlobalId::Invoice {
            region: invoice.region,
            customer_number: invoice.customer_number.clone(),
            invoice_number: invoice.invoice_number.clone(),
        }
    }
}

/// An invoice, from the billing system of its customer number's region: its lines, totals,
/// review status, PDF copy, and how its lines compare with the installed inventory.
#[Object]
impl Invoice {
    /// Opaque global ID; `node(id:)` fetches the invoice again.
    pub async fn id(&self) -> ID {
        ID(Self::global_id(&self.invoice).encode())
    }

    /// The billing system's invoice number.
    async fn invoice_number(&self) -> &str {
        &self.invoice.invoice_number
    }

    /// The customer number billed.
    async fn customer_number(&self) -> &str {
        &self.invoice.customer_number
    }

    /// ISO 3166-1 alpha-2 country of the customer number.
    async fn country(&self) -> &str {
        &self.invoice.country
    }

    /// The region whose billing system issued it.
    async fn region(&self) -> Region {
        self.invoice.region.into()
    }

    /// The order invoiced, when it is for an order.
    async fn order_number(&self) -> Option<&str> {
        self.invoice.order_number.as_deref()
    }

    /// Your purchase-order number, when you gave one.
    async fn purchase_order_number(&self) -> Option<&str> {
        self.invoice.po_number.as_deref()
    }

    /// Day of issue.
    async fn invoice_date(&self) -> Date {
        Date(self.invoice.invoice_date)
    }

    /// Day payment is due.
    async fn due_date(&self) -> Date {
        Date(self.invoice.due_date)
    }

    /// Whether the due date has passed and it is not paid.
    async fn is_overdue(&self) -> bool {
        self.invoice.status != model::InvoiceStatus::Paid
            && self.invoice.due_date < chrono::Utc::now().date_naive()
    }

    /// Where it is in its review.
    async fn status(&self) -> InvoiceStatus {
        self.invoice.status.into()
    }

    /// The review steps its status allows now (see `InvoiceStatus`).
    async fn allowed_actions(&self) -> Vec<InvoiceAction> {
        model::InvoiceAction::ALL
            .into_iter()
            .filter(|a| self.invoice.status.after(*a).is_some())
            .map(Into::into)
            .collect()
    }

    /// Why it is disputed (kept after the review resumes, for the record).
    async fn dispute_reason(&self) -> Option<&str> {
        self.invoice.dispute_reason.as_deref()
    }

    /// Its lines, in order.
    async fn lines(&self) -> Vec<InvoiceLine> {
        self.invoice
            .lines
            .iter()
            .map(|line| InvoiceLine {
                line: line.clone(),
                invoice: self.invoice.clone(),
                inventory: self.inventory.clone(),
            })
            .collect()
    }

    /// Sum of the lines before tax.
    async fn subtotal(&self) -> Money {
        money(self.invoice.subtotal, &self.invoice.currency)
    }

    /// Sum of the lines' tax.
    async fn tax_total(&self) -> Money {
        money(self.invoice.tax_total, &self.invoice.currency)
    }

    /// What is billed: subtotal plus tax.
    async fn total(&self) -> Money {
        money(self.invoice.total, &self.invoice.currency)
    }

    /// When it last changed (issue, review, payment).
    async fn updated_at(&self) -> DateTime {
        DateTime(self.invoice.updated_at)
    }

    /// How its lines compare with your installed inventory (looked up for the whole page at
    /// once). Lines that could not be checked — no serial number, no online inventory or no
    /// Inventory authorisation for the customer number, or a system that did not answer (an
    /// error with the path says which) — count as unchecked.
    async fn reconciliation(&self, ctx: &Context<'_>) -> Result<InvoiceReconciliation> {
        let installed = self.inventory.get(ctx).await?;
        let mut counts = InvoiceReconciliation {
            matched_lines: 0,
            unmatched_lines: 0,
            unchecked_lines: 0,
        };
        for line in &self.invoice.lines {
            match installed.line(&self.invoice, line.serial_number.as_deref()) {
                LineMatch::Matched(_) => counts.matched_lines += 1,
                LineMatch::Unmatched => counts.unmatched_lines += 1,
                LineMatch::Unchecked => counts.unchecked_lines += 1,
            }
        }
        Ok(counts)
    }

    /// A short-lived link to the invoice's PDF copy: it works without a token (in a browser,
    /// for you only) until it expires (`links.lifetime_seconds`), and your access is checked
    /// again when it is used.
    async fn image_url(&self, ctx: &Context<'_>) -> Result<String> {
        super::documents::invoice_link(ctx, &self.invoice)
    }
}

/// One invoice line, with what reconciliation needs.
pub struct InvoiceLine {
    line: model::InvoiceLine,
    invoice: model::Invoice,
    inventory: Arc<PageInventory>,
}

/// One billed product or service.
#[Object]
impl InvoiceLine {
    /// Position of the line on the invoice, from 1.
    async fn line_number(&self) -> u32 {
        self.line.line_number
    }

    /// The vendor's product (part) number.
    async fn product_code(&self) -> &str {
        &self.line.product_code
    }

    /// Description.
    async fn description(&self) -> &str {
        &self.line.description
    }

    /// The serial number of the machine billed, for a line about one machine.
    async fn serial_number(&self) -> Option<&str> {
        self.line.serial_number.as_deref()
    }

    /// Units billed.
    async fn quantity(&self) -> u32 {
        self.line.quantity
    }

    /// Price of one unit, before tax.
    async fn unit_price(&self) -> Money {
        money(self.line.unit_price, &self.invoice.currency)
    }

    /// Tax on the line.
    async fn tax(&self) -> Money {
        money(self.line.tax, &self.invoice.currency)
    }

    /// Quantity times unit price, plus tax.
    async fn total(&self) -> Money {
        money(self.line.total, &self.invoice.currency)
    }

    /// What the line's serial number came to in your installed inventory.
    #[graphql(name = "match")]
    async fn line_match(&self, ctx: &Context<'_>) -> Result<LineMatchStatus> {
        let installed = self.inventory.get(ctx).await?;
        Ok(
            match installed.line(&self.invoice, self.line.serial_number.as_deref()) {
                LineMatch::Matched(_) => LineMatchStatus::Matched,
                LineMatch::Unmatched => LineMatchStatus::Unmatched,
                LineMatch::Unchecked => LineMatchStatus::Unchecked,
            },
        )
    }

    /// The installed item with the line's serial number, for the invoice's customer number;
    /// null when there is none or it could not be checked (see `match`). The serial numbers of
    /// a whole page of invoices are looked up at once.
    async fn installed_item(&self, ctx: &Context<'_>) -> Result<Option<InventoryItem>> {
        let installed = self.inventory.get(ctx).await?;
        Ok(
            match installed.line(&self.invoice, self.line.serial_number.as_deref()) {
                LineMatch::Matched(item) => Some((*item).into()),
                LineMatch::Unmatched | LineMatch::Unchecked => None,
            },
        )
    }
}

/// A credit note, as the billing system reports it.
pub struct CreditNote(pub model::CreditNote);

/// A credit note: money the vendor owes back against an invoice.
#[Object]
impl CreditNote {
    /// Opaque global ID; `node(id:)` fetches the credit note again.
    pub async fn id(&self) -> ID {
        ID(GlobalId::CreditNote {
            region: self.0.region,
            customer_number: self.0.customer_number.clone(),
            credit_note_number: self.0.credit_note_number.clone(),
        }
        .encode())
    }

    /// The billing system's credit-note number.
    async fn credit_note_number(&self) -> &str {
        &self.0.credit_note_number
    }

    /// The customer number credited.
    async fn customer_number(&self) -> &str {
        &self.0.customer_number
    }

    /// ISO 3166-1 alpha-2 country of the customer number.
    async fn country(&self) -> &str {
        &self.0.country
    }

    /// The region whose billing system issued it.
    async fn region(&self) -> Region {
        self.0.region.into()
    }

    /// The invoice it credits.
    async fn invoice_number(&self) -> &str {
        &self.0.invoice_number
    }

    /// Day of issue.
    async fn issue_date(&self) -> Date {
        Date(self.0.issue_date)
    }

    /// The amount credited.
    async fn amount(&self) -> Money {
        money(self.0.amount, &self.0.currency)
    }

    /// Why.
    async fn reason(&self) -> &str {
        &self.0.reason
    }

    /// A short-lived link to the credit note's PDF copy (see `Invoice.imageUrl`).
    async fn image_url(&self, ctx: &Context<'_>) -> Result<String> {
        super::documents::credit_note_link(ctx, &self.0)
    }
}

/// An invoice in a connection.
#[derive(SimpleObject)]
pub struct InvoiceEdge {
    /// Where this invoice is, for `after`.
    pub cursor: String,
    /// The invoice.
    pub node: Invoice,
}

/// A page of invoices.
#[derive(SimpleObject)]
pub struct InvoiceConnection {
    /// The invoices of this page.
    pub edges: Vec<InvoiceEdge>,
    /// Where the page is in the listing.
    pub page_info: PageInfo,
    /// How many invoices match over every region that answered; null when the search filters on
    /// `reconciliation` (that would mean checking every invoice against the inventory).
    pub total_count: Option<u64>,
    /// Your company's customer numbers left out, and why (not authorised for Invoices, ...).
    pub excluded_customers: Vec<ExcludedCustomer>,
}
