//! Invoices and credit notes from the wire into the model, refusing any that does not add up:
//! a line whose total is not `qty × unitPrice + tax`, an invoice whose subtotal, tax total or total
//! is not the sum it names, an amount with more decimals than its currency, a negative amount, an
//! identifier that fails its type. The message says what is wrong, for the `Decode` error.

use rust_decimal::Decimal;

use super::{WireCreditNote, WireInvoice, WireInvoiceLine, WireStatus};
use crate::billing::amounts::{fits_currency, is_country, is_currency, line_total, net, sum};
use crate::model::{
    CreditNote, CustomerNumber, DocumentNumber, Invoice, InvoiceLine, OrderNumber, Region,
    SerialNumber,
};

/// `what`'s `amount` if it is not negative and fits `currency`, else why not.
pub(super) fn amount(
    what: &str,
    amount: Decimal,
    currency: &str,
    may_be_negative: bool,
) -> Result<Decimal, String> {
    if !may_be_negative && amount < Decimal::ZERO {
        return Err(format!("{what} {amount} is negative"));
    }
    if !fits_currency(amount, currency) {
        return Err(format!(
            "{what} {amount} has more decimals than {currency} has ({})",
            crate::billing::amounts::minor_digits(currency)
        ));
    }
    Ok(amount)
}

/// Checks the country and currency every document carries.
pub(super) fn country_and_currency(
    document: &str,
    country: &str,
    currency: &str,
) -> Result<(), String> {
    if !is_country(country) {
        return Err(format!("{document}: country {country:?} is not ISO 3166"));
    }
    if !is_currency(currency) {
        return Err(format!("{document}: currency {currency:?} is not ISO 4217"));
    }
    Ok(())
}

impl WireInvoiceLine {
    fn into_model(self, invoice: &str, currency: &str) -> Result<InvoiceLine, String> {
        let at = format!("invoice {invoice} line {}", self.line_no);
        if let Some(serial) = &self.serial_no {
            SerialNumber::check(serial).map_err(|e| format!("{at}: serialNo: {e}"))?;
        }
        let unit_price = amount(
            &format!("{at}: unitPrice"),
            self.unit_price,
            currency,
            false,
        )?;
        let tax = amount(&format!("{at}: tax"), self.tax, currency, false)?;
        let total = amount(
            &format!("{at}: lineTotal"),
            self.line_total,
            currency,
            false,
        )?;
        let expected = line_total(self.qty, unit_price, tax)
            .ok_or_else(|| format!("{at}: qty × unitPrice + tax does not fit in a decimal"))?;
        if expected != total {
            return Err(format!(
                "{at}: lineTotal {total} is not qty × unitPrice + tax = {expected}"
            ));
        }
        Ok(InvoiceLine {
            line_number: self.line_no,
            product_code: self.part_no,
            description: self.description,
            serial_number: self.serial_no,
            quantity: self.qty,
            unit_price,
            tax,
            total,
        })
    }
}

impl WireInvoice {
    /// Translates the invoice of `region`'s instance into the model, checking its identifiers and
    /// that every sum on it adds up exactly.
    pub fn into_model(self, region: Region) -> Result<Invoice, String> {
        DocumentNumber::check(&self.invoice_no).map_err(|e| format!("invoiceNo: {e}"))?;
        let at = format!("invoice {}", self.invoice_no);
        CustomerNumber::check(&self.cust_no).map_err(|e| format!("{at}: custNo: {e}"))?;
        if let Some(order) = &self.order_no {
            OrderNumber::check(order).map_err(|e| format!("{at}: orderNo: {e}"))?;
        }
        country_and_currency(&at, &self.ctry, &self.currency)?;
        if self.due < self.issued {
            return Err(format!(
                "{at}: due {} before it was issued {}",
                self.due, self.issued
            ));
        }
        if self.status == WireStatus::Disputed
            && self
                .dispute_reason
                .as_deref()
                .is_none_or(|r| r.trim().is_empty())
        {
            return Err(format!("{at}: disputed without a reason"));
        }
        if self.lines.is_empty() {
            return Err(format!("{at}: no lines"));
        }
        let currency = self.currency;
        let mut lines: Vec<InvoiceLine> = Vec::with_capacity(self.lines.len());
        for line in self.lines {
            if lines
                .last()
                .is_some_and(|before| before.line_number >= line.line_no)
            {
                return Err(format!(
                    "{at}: line {} comes after line {}",
                    line.line_no,
                    lines.last().map_or(0, |l| l.line_number)
                ));
            }
            lines.push(line.into_model(&self.invoice_no, &currency)?);
        }
        let too_big = || format!("{at}: the lines' sums do not fit in a decimal");
        let nets = lines
            .iter()
            .map(|l| net(l.quantity, l.unit_price))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(too_big)?;
        let expected_subtotal = sum(nets).ok_or_else(too_big)?;
        let expected_tax = sum(lines.iter().map(|l| l.tax)).ok_or_else(too_big)?;
        let subtotal = amount(&format!("{at}: subtotal"), self.subtotal, &currency, false)?;
        let tax_total = amount(&format!("{at}: taxTotal"), self.tax_total, &currency, false)?;
        let total = amount(&format!("{at}: total"), self.total, &currency, false)?;
        if subtotal != expected_subtotal {
            return Err(format!(
                "{at}: subtotal {subtotal} is not the sum of qty × unitPrice over the lines, \
                 {expected_subtotal}"
            ));
        }
        if tax_total != expected_tax {
            return Err(format!(
                "{at}: taxTotal {tax_total} is not the sum of the lines' tax, {expected_tax}"
            ));
        }
        let expected_total = subtotal.checked_add(tax_total).ok_or_else(too_big)?;
        if total != expected_total {
            return Err(format!(
                "{at}: total {total} is not subtotal + taxTotal = {expected_total}"
            ));
        }
        Ok(Invoice {
            invoice_number: self.invoice_no,
            customer_number: self.cust_no,
            country: self.ctry,
            region,
            order_number: self.order_no,
            po_number: self.po_no,
            invoice_date: self.issued,
            due_date: self.due,
            currency,
            status: self.status.into(),
            dispute_reason: self.dispute_reason,
            lines,
            subtotal,
            tax_total,
            total,
            updated_at: self.updated_at,
        })
    }
}

impl WireCreditNote {
    /// Translates the credit note of `region`'s instance into the model, checking its identifiers
    /// and its amount (positive, in its currency's decimals).
    pub fn into_model(self, region: Region) -> Result<CreditNote, String> {
        DocumentNumber::check(&self.credit_note_no).map_err(|e| format!("creditNoteNo: {e}"))?;
        let at = format!("credit note {}", self.credit_note_no);
        CustomerNumber::check(&self.cust_no).map_err(|e| format!("{at}: custNo: {e}"))?;
        DocumentNumber::check(&self.invoice_no).map_err(|e| format!("{at}: invoiceNo: {e}"))?;
        country_and_currency(&at, &self.ctry, &self.currency)?;
        let amount = amount(&format!("{at}: amount"), self.amount, &self.currency, false)?;
        if amount.is_zero() {
            return Err(format!("{at}: amount is zero"));
        }
        Ok(CreditNote {
            credit_note_number: self.credit_note_no,
            customer_number: self.cust_no,
            country: self.ctry,
            region,
            invoice_number: self.invoice_no,
            issue_date: self.issued,
            currency: self.currency,
            amount,
            reason: self.reason,
        })
    }
}
