//! One definition of an invoice search — its filters, its sort and its keyset — shared by the
//! simulator (which answers it), the adapter (which checks every answer against it) and the
//! gateway (which merges the regions' answers in its order).
//!
//! The sort is total: ties on the sorted field are broken by invoice number (unique worldwide,
//! since each region's numbers start with the region's digit), in the same direction, so keyset
//! paging neither skips nor repeats an invoice, across regions too. Amounts sort by their number,
//! whatever the currency (the billing systems do not convert): sort by amount within a currency.

use std::cmp::Ordering;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Invoice, InvoiceStatus, SortDirection};

/// The field invoices are sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum InvoiceSortField {
    /// Day of issue.
    InvoiceDate,
    /// Day payment is due.
    DueDate,
    /// The invoice's total (currencies are not converted).
    Total,
}

/// An invoice listing's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct InvoiceSort {
    /// The field.
    pub field: InvoiceSortField,
    /// The direction.
    pub direction: SortDirection,
}

impl Default for InvoiceSort {
    /// Newest first.
    fn default() -> Self {
        Self {
            field: InvoiceSortField::InvoiceDate,
            direction: SortDirection::Descending,
        }
    }
}

/// An invoice's value in a sorted field.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum InvoiceSortValue {
    /// A day.
    Date(NaiveDate),
    /// An amount.
    Amount(Decimal),
}

impl InvoiceSortValue {
    fn natural(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Self::Date(a), Self::Date(b)) => a.cmp(b),
            (Self::Amount(a), Self::Amount(b)) => a.cmp(b),
            // Keys of one sort always hold one kind of value.
            (Self::Date(_), Self::Amount(_)) => Ordering::Less,
            (Self::Amount(_), Self::Date(_)) => Ordering::Greater,
        }
    }
}

/// The position of an invoice in a sorted listing, for keyset paging.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct InvoiceSortKey {
    /// The listing's sort.
    pub sort: InvoiceSort,
    /// The invoice's value in the sorted field.
    pub value: InvoiceSortValue,
    /// The invoice number.
    pub invoice_number: String,
}

impl Ord for InvoiceSortKey {
    /// `Less` means "listed earlier".
    fn cmp(&self, other: &Self) -> Ordering {
        let flip = |ordering: Ordering| match self.sort.direction {
            SortDirection::Ascending => ordering,
            SortDirection::Descending => ordering.reverse(),
        };
        self.sort
            .cmp(&other.sort)
            .then_with(|| flip(self.value.natural(&other.value)))
            .then_with(|| flip(self.invoice_number.cmp(&other.invoice_number)))
    }
}

impl PartialOrd for InvoiceSortKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Invoice {
    /// Its position in a listing sorted by `sort`.
    pub fn sort_key(&self, sort: InvoiceSort) -> InvoiceSortKey {
        let value = match sort.field {
            InvoiceSortField::InvoiceDate => InvoiceSortValue::Date(self.invoice_date),
            InvoiceSortField::DueDate => InvoiceSortValue::Date(self.due_date),
            InvoiceSortField::Total => InvoiceSortValue::Amount(self.total),
        };
        InvoiceSortKey {
            sort,
            value,
            invoice_number: self.invoice_number.clone(),
        }
    }
}

/// Which invoices to list, besides whose: every condition that is set must hold.
#[derive(Debug, Clone, PartialEq, Eq, Default, Hash, Serialize, Deserialize)]
pub struct InvoiceFilters {
    /// This invoice number exactly.
    pub invoice_number: Option<String>,
    /// Issued on or after this day.
    pub invoice_date_from: Option<NaiveDate>,
    /// Issued on or before this day.
    pub invoice_date_to: Option<NaiveDate>,
    /// Due on or after this day.
    pub due_date_from: Option<NaiveDate>,
    /// Due on or before this day.
    pub due_date_to: Option<NaiveDate>,
    /// In one of these statuses (any, when empty).
    pub statuses: Vec<InvoiceStatus>,
    /// A total of at least this.
    pub total_min: Option<Decimal>,
    /// A total of at most this.
    pub total_max: Option<Decimal>,
    /// This purchase-order number exactly.
    pub po_number: Option<String>,
    /// For this order number.
    pub order_number: Option<String>,
}

impl InvoiceFilters {
    /// Whether `invoice` meets every condition: the one definition the simulator answers with
    /// and the adapter checks answers against.
    pub fn matches(&self, invoice: &Invoice) -> bool {
        let within = |day: NaiveDate, from: Option<NaiveDate>, to: Option<NaiveDate>| {
            from.is_none_or(|f| day >= f) && to.is_none_or(|t| day <= t)
        };
        self.invoice_number
            .as_ref()
            .is_none_or(|n| *n == invoice.invoice_number)
            && within(
                invoice.invoice_date,
                self.invoice_date_from,
                self.invoice_date_to,
            )
            && within(invoice.due_date, self.due_date_from, self.due_date_to)
            && (self.statuses.is_empty() || self.statuses.contains(&invoice.status))
            && self.total_min.is_none_or(|m| invoice.total >= m)
            && self.total_max.is_none_or(|m| invoice.total <= m)
            && self
                .po_number
                .as_ref()
                .is_none_or(|p| invoice.po_number.as_ref() == Some(p))
            && self
                .order_number
                .as_ref()
                .is_none_or(|o| invoice.order_number.as_ref() == Some(o))
    }
}

/// One search of one billing instance.
#[derive(Debug, Clone, PartialEq, Eq, Default, Hash, Serialize, Deserialize)]
pub struct InvoiceQuery {
    /// Whose invoices: the customer numbers (at least one).
    pub customer_numbers: Vec<String>,
    /// Which.
    pub filters: InvoiceFilters,
    /// In which order.
    pub sort: InvoiceSort,
    /// Continue after this key (of the same sort).
    pub after: Option<InvoiceSortKey>,
    /// The most invoices wanted.
    pub limit: u32,
}

/// One billing instance's page of invoices.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct InvoicePage {
    /// The invoices, in the query's order.
    pub invoices: Vec<Invoice>,
    /// How many invoices match the query's filters, ignoring `after` and `limit`.
    pub total_count: u64,
}
