//! The values most likely to break a decoder: numbers at and past every limit, and strings that
//! look like numbers, dates and codes but are not quite, or are odd text.

use proptest::prelude::*;
use proptest::sample::select;

/// Number literals (valid JSON) at and past the limits of `u32`, `i64`, `u64`, `f64` and
/// `rust_decimal::Decimal`, negative and fractional ones, and any `i64`, `u64` or finite `f64`.
pub fn odd_number() -> impl Strategy<Value = String> {
    let edges = [
        "0",
        "-0",
        "1",
        "-1",
        "2",
        "0.5",
        "-0.5",
        "1.0",
        "1E+2",
        "4294967295",
        "4294967296",
        "-2147483649",
        "9223372036854775807",
        "-9223372036854775808",
        "-9223372036854775809",
        "18446744073709551615",
        "18446744073709551616",
        "100000000000000000000",
        "79228162514264337593543950335",
        "79228162514264337593543950336",
        "-79228162514264337593543950335",
        "0.0000000000000000000000000001",
        "1e400",
        "-1e400",
        "1e-400",
        "1.7976931348623157e308",
    ];
    prop_oneof![
        3 => select(edges.to_vec()).prop_map(str::to_owned),
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => any::<u64>().prop_map(|n| n.to_string()),
        1 => any::<f64>()
            .prop_filter("JSON has no NaN or infinity", |f| f.is_finite())
            .prop_map(|f| format!("{f:?}")),
    ]
}

/// Values for a number or a numeric string, weighted towards the limits of
/// `rust_decimal::Decimal` (about 7.9 × 10²⁸, 28 fractional digits) that prices and amounts hit
/// when multiplied or summed.
pub fn odd_amount() -> impl Strategy<Value = String> {
    let edges = [
        "79228162514264337593543950335",
        "-79228162514264337593543950335",
        "39614081257132168796771975168",
        "7922816251426433759354395033.5",
        "0.0000000000000000000000000001",
        "4294967295",
        "100000000000000000000",
        "-1",
        "0",
        "0.5",
    ];
    prop_oneof![
        2 => select(edges.to_vec()).prop_map(str::to_owned),
        1 => "-?[1-9][0-9]{0,29}(\\.[0-9]{1,30})?",
        1 => odd_number(),
    ]
}

/// Strings that are almost amounts, dates, timestamps or codes, plus odd and arbitrary text.
pub fn odd_text() -> impl Strategy<Value = String> {
    let edges = [
        "",
        " ",
        "0",
        "-1",
        "1.5",
        "79228162514264337593543950335",
        "-79228162514264337593543950335",
        "79228162514264337593543950336",
        "7922816251426433759354395033.5",
        "0.0000000000000000000000000001",
        "0.00000000000000000000000000001",
        "99999999999999999999999999999999999999",
        "1e28",
        "NaN",
        "Infinity",
        "2026-02-30",
        "2026-13-01",
        "+262143-12-31",
        "-262144-01-01",
        "9999-12-31",
        "02/30/2026",
        "12/31/99999",
        "1/1/2026",
        "00/00/0000",
        "30.02.2026",
        "31.12.99999",
        "1.1.2026",
        "2026-10-02T25:61:00Z",
        "+262143-12-31T23:59:59Z",
        "9999-12-31T23:59:59.999999999+23:59",
        "RCV",
        "DLV",
        "HW",
        "SW",
        "HARDWARE",
        "SOFTWARE",
        "EUR",
        "euro",
        "DE",
        "AUTHORIZED",
        "PENDING",
        "ORDER_STATUS",
        "INVOICES",
        "MOVE",
        "RELOCATE",
        "4400201",
        "1000101",
        "4900301",
        "70101001",
        "globex-avery",
        "\u{0}",
        "\u{202e}evil",
        "\u{feff}",
        "é",
        "€",
        "👩\u{200d}👩\u{200d}👧",
        "日本語",
    ];
    prop_oneof![
        4 => select(edges.to_vec()).prop_map(str::to_owned),
        2 => "[0-9./:+TZ-]{0,14}",
        1 => any::<String>(),
        1 => "x{1000,3000}",
    ]
}

/// Whether XML 1.0 allows the character in a document.
pub fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
        || c >= '\u{10000}'
}

/// [`odd_text`] without the characters XML forbids, so the document stays well-formed.
pub fn odd_xml_text() -> impl Strategy<Value = String> {
    odd_text().prop_map(|s| s.chars().filter(|c| xml_char(*c)).collect())
}
