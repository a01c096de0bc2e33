//! The identifier rules against the real formats and the values they must refuse.

use super::*;

/// Every identifier in the fixtures and the demo data, by type.
#[test]
fn the_real_formats_are_accepted() {
    for n in ["244002010017", "110001010001", "210001010001", "12345678"] {
        assert!(OrderNumber::check(n).is_ok(), "{n}");
    }
    for c in ["1000101", "4400201", "4900301", "8100501", "4400301"] {
        assert!(CustomerNumber::check(c).is_ok(), "{c}");
    }
    for s in ["70101001", "0301-102", "4900301-101", "NO-SUCH-SERIAL"] {
        assert!(SerialNumber::check(s).is_ok(), "{s}");
    }
    for t in [
        "1Z4829100382716354",
        "482910038271",
        "4829100382",
        "GE 123456789 WW/01",
        "VDS-12345678",
    ] {
        assert!(TrackingNumber::check(t).is_ok(), "{t}");
    }
}

#[test]
fn every_identifier_refuses_empty_long_control_comma_and_slash() {
    let long = "1".repeat(66_000);
    type Check = fn(&str) -> Result<(), InvalidIdentifier>;
    let checks: [(&str, Check); 3] = [
        ("order", OrderNumber::check),
        ("customer", CustomerNumber::check),
        ("serial", SerialNumber::check),
    ];
    for (kind, check) in checks {
        for bad in [
            "",
            long.as_str(),
            "1000\u{0}101",
            "1000\u{1}101",
            "1000101,1000102",
            "1000/101",
            "1000 101",
            "1000101\u{7f}",
            "10001é1",
        ] {
            assert!(check(bad).is_err(), "{kind}: {bad:?}");
        }
    }
    for bad in ["", &long[..36], "GE 1\u{0}", "1Z,2", " 1Z", "1Z/"] {
        assert!(TrackingNumber::check(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn the_message_says_the_rule_and_the_problem_but_not_the_value() {
    let long = "9".repeat(66_000);
    let error = OrderNumber::check(&long).expect_err("too long");
    assert_eq!(
        error.to_string(),
        "an order number is 8 to 16 digits: it has 66000 characters"
    );
    let comma = CustomerNumber::check("1000,01").expect_err("comma");
    assert_eq!(
        comma.to_string(),
        "a customer number is 7 digits: it contains `,` at position 5"
    );
    let control = SerialNumber::check("7010\u{1}001").expect_err("control");
    assert!(
        control.to_string().contains("U+0001 at position 5"),
        "{control}"
    );
    assert!(
        SerialNumber::check("-7010100")
            .expect_err("edge")
            .to_string()
            .contains("begin and end")
    );
}

#[test]
fn identifiers_serialise_as_strings_and_refuse_invalid_ones_when_read() {
    let number: OrderNumber = "244002010017".parse().expect("valid");
    assert_eq!(
        serde_json::to_string(&number).expect("serialises"),
        "\"244002010017\""
    );
    let back: OrderNumber = serde_json::from_str("\"244002010017\"").expect("reads");
    assert_eq!(back, number);
    assert!(serde_json::from_str::<OrderNumber>("\"2440,02010017\"").is_err());
    assert_eq!(number.as_str(), "244002010017");
    assert_eq!(number.to_string(), "244002010017");
}
