//! The machines the demo invoices name: the hardware installed for each customer number in the
//! region's online inventory (US Inventory OnLine for the US, the Services Assistant for EMEA),
//! read from those simulators' own demo data with the same seed, and serial numbers that match
//! nothing installed, for the invoices a customer should question.
//!
//! A customer number without an online inventory (Japan's) gets made-up serial numbers: nothing
//! can match them or not.

use std::collections::HashMap;

use crate::model::{ProductKind, Region};
use crate::sandbox::SeededRng;
use crate::{eu_services, us_inventory};

/// One installed machine.
#[derive(Debug, Clone)]
pub(super) struct Machine {
    /// Its serial number.
    pub serial: String,
    /// Its machine type, e.g. `9105`.
    pub machine_type: String,
    /// Its model, e.g. `22A`.
    pub model: String,
    /// What it is.
    pub description: String,
}

/// The hardware installed for each customer number of `region`'s online inventory, in the
/// inventory's order; customer numbers without one are absent.
pub(super) fn installed(seed: u64, region: Region) -> HashMap<String, Vec<Machine>> {
    let mut machines: HashMap<String, Vec<Machine>> = HashMap::new();
    match region {
        Region::Americas => {
            for item in us_inventory::sandbox::generate(seed)
                .into_iter()
                .filter_map(|record| record.into_model().ok())
                .filter(|item| item.kind == ProductKind::Hardware)
            {
                machines
                    .entry(item.customer_number)
                    .or_default()
                    .push(Machine {
                        serial: item.serial_number,
                        machine_type: item.machine_type,
                        model: item.model,
                        description: item.description,
                    });
            }
        }
        Region::Emea => {
            for location in eu_services::sandbox::generate(seed) {
                let found = machines.entry(location.customer.clone()).or_default();
                for machine in location.machines {
                    // The Services Assistant writes its kinds `HW` and `SW`.
                    let kind = serde_json::to_value(machine.kind).ok();
                    if kind.as_ref().and_then(|k| k.as_str()) != Some("HW") {
                        continue;
                    }
                    found.push(Machine {
                        serial: machine.serial,
                        machine_type: machine.machine_type,
                        model: machine.model,
                        description: machine.description,
                    });
                }
            }
        }
        Region::Ap => {}
    }
    machines
}

/// A serial number in the format of `customer_number`'s inventory that no machine has: US
/// Inventory OnLine's serials are `7` and the customer number's last four digits (which start
/// with `0` in the demo cast), so `79…` is nobody's; the Services Assistant's are the customer
/// number, `-`, the location (1 or 2) and a sequence, so `-9…` is nowhere.
pub(super) fn unmatched(rng: &mut SeededRng, customer_number: &str, country: &str) -> String {
    match country {
        "US" => format!("79{}", rng.digits(6)),
        _ => format!("{customer_number}-9{}", rng.digits(2)),
    }
}

/// A made-up serial number for a machine of `product_code` (`9105-22A` → `9105-` and five
/// digits), for a country without an online inventory.
pub(super) fn made_up(rng: &mut SeededRng, product_code: &str) -> String {
    let machine_type = product_code.split('-').next().unwrap_or("M");
    format!("{machine_type}-{}", rng.digits(5))
}

/// A machine of `machines` for a line of `product_code`: one of the same type and model when
/// the customer has one, else any.
pub(super) fn pick<'a>(
    rng: &mut SeededRng,
    machines: &'a [Machine],
    product_code: &str,
) -> Option<&'a Machine> {
    let same: Vec<&Machine> = machines
        .iter()
        .filter(|m| format!("{}-{}", m.machine_type, m.model) == product_code)
        .collect();
    if same.is_empty() {
        (!machines.is_empty()).then(|| rng.pick(machines))
    } else {
        Some(*rng.pick(&same))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SerialNumber;

    #[test]
    fn unmatched_and_made_up_serials_are_valid_serial_numbers() {
        let mut rng = SeededRng::new(1, "serials");
        for _ in 0..50 {
            for serial in [
                unmatched(&mut rng, "1000101", "US"),
                unmatched(&mut rng, "4400201", "ES"),
                made_up(&mut rng, "9105-22A"),
                made_up(&mut rng, "EN1A-FC32"),
            ] {
                assert!(SerialNumber::check(&serial).is_ok(), "{serial}");
            }
        }
    }

    #[test]
    fn unmatched_serials_match_nothing_installed() {
        let mut rng = SeededRng::new(1, "serials");
        for region in [Region::Americas, Region::Emea] {
            let installed = installed(7, region);
            assert!(!installed.is_empty(), "{region}");
            for (customer, machines) in &installed {
                let country = if region == Region::Americas {
                    "US"
                } else {
                    "DE"
                };
                let serial = unmatched(&mut rng, customer, country);
                assert!(
                    installed.values().flatten().all(|m| m.serial != serial),
                    "{serial} of {customer} among {} machines",
                    machines.len()
                );
            }
        }
    }
}
