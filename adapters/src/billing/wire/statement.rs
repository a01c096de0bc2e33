//! A statement from the wire into the model, refusing one whose balances do not follow: each
//! line's balance must be the one before it plus its amount (the opening balance before the
//! first), the closing balance the last line's (the opening one without lines), every line inside
//! the month and in order, each amount signed as its kind says.

use rust_decimal::Decimal;

use super::invoice::{amount, country_and_currency};
use super::{WireLineKind, WireStatement};
use crate::model::{
    CustomerNumber, DocumentNumber, Region, Statement, StatementLine, StatementPeriod,
};

impl WireStatement {
    /// Translates `region`'s statement into the model, checking its period, its identifiers and
    /// that every balance follows from the ones before.
    pub fn into_model(self, region: Region) -> Result<Statement, String> {
        CustomerNumber::check(&self.cust_no).map_err(|e| format!("statement custNo: {e}"))?;
        let at = format!("statement of {}", self.cust_no);
        country_and_currency(&at, &self.ctry, &self.currency)?;
        let period = StatementPeriod::parse(&self.period)
            .ok_or_else(|| format!("{at}: period {:?} is not YYYY-MM", self.period))?;
        if Some(self.from) != period.first_day() || Some(self.to) != period.last_day() {
            return Err(format!(
                "{at}: from {} to {} is not the period {period}",
                self.from, self.to
            ));
        }
        let at = format!("{at} for {period}");
        let currency = self.currency;
        let opening = amount(
            &format!("{at}: openingBalance"),
            self.opening_balance,
            &currency,
            true,
        )?;
        let mut balance = opening;
        let mut lines: Vec<StatementLine> = Vec::with_capacity(self.lines.len());
        for (n, line) in self.lines.into_iter().enumerate() {
            let here = format!("{at}: line {}", n + 1);
            DocumentNumber::check(&line.reference).map_err(|e| format!("{here}: ref: {e}"))?;
            let here = format!("{here} ({})", line.reference);
            if let Some(applies_to) = &line.applies_to {
                DocumentNumber::check(applies_to).map_err(|e| format!("{here}: appliesTo: {e}"))?;
            }
            if line.date < self.from || line.date > self.to {
                return Err(format!("{here}: dated {}, outside the period", line.date));
            }
            if let Some(before) = lines.last()
                && (before.date, before.reference.as_str()) >= (line.date, line.reference.as_str())
            {
                return Err(format!(
                    "{here}: not after line {n} ({}), by date then reference",
                    before.reference
                ));
            }
            let change = amount(&format!("{here}: amount"), line.amount, &currency, true)?;
            let signed_right = match line.kind {
                WireLineKind::Invoice => change >= Decimal::ZERO,
                WireLineKind::CreditNote | WireLineKind::Payment => change <= Decimal::ZERO,
            };
            if !signed_right {
                return Err(format!(
                    "{here}: amount {change} has the wrong sign for its kind"
                ));
            }
            let stated = amount(&format!("{here}: balance"), line.balance, &currency, true)?;
            let expected = balance
                .checked_add(change)
                .ok_or_else(|| format!("{here}: the balance does not fit in a decimal"))?;
            if stated != expected {
                return Err(format!(
                    "{here}: balance {stated} is not the balance before plus the amount, {expected}"
                ));
            }
            balance = stated;
            lines.push(StatementLine {
                kind: line.kind.into(),
                date: line.date,
                reference: line.reference,
                applies_to: line.applies_to,
                amount: change,
                balance: stated,
                due_date: line.due,
            });
        }
        let closing = amount(
            &format!("{at}: closingBalance"),
            self.closing_balance,
            &currency,
            true,
        )?;
        if closing != balance {
            return Err(format!(
                "{at}: closingBalance {closing} is not the last balance, {balance}"
            ));
        }
        Ok(Statement {
            customer_number: self.cust_no,
            country: self.ctry,
            region,
            period_start: self.from,
            period_end: self.to,
            currency,
            opening_balance: opening,
            lines,
            closing_balance: closing,
        })
    }
}
