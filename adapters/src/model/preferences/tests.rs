//! The rules of preference documents: kinds, IDs, names, bodies, user IDs and refusal codes.

use super::*;

#[test]
fn a_kind_is_written_in_kebab_case_on_the_wire() {
    assert_eq!(
        serde_json::to_value(PreferenceKind::OrderReport).expect("serialises"),
        "order-report"
    );
    assert_eq!("order-report".parse(), Ok(PreferenceKind::OrderReport));
    assert_eq!(
        "ORDER_REPORT".parse::<PreferenceKind>(),
        Err(UnknownPreferenceKind)
    );
}

#[test]
fn a_preference_id_is_a_canonical_uuid() {
    assert!(check_preference_id("0f8c5a3e-6d1b-4c2a-9e57-3b8d2f1a7c40").is_ok());
    for bad in [
        "",
        "0F8C5A3E-6D1B-4C2A-9E57-3B8D2F1A7C40",
        "0f8c5a3e6d1b4c2a9e573b8d2f1a7c40",
        "0f8c5a3e-6d1b-4c2a-9e57-3b8d2f1a7c4",
        "0f8c5a3e-6d1b-4c2a-9e57-3b8d2f1a7c400",
        "0f8c5a3e-6d1b-4c2a-9e57_3b8d2f1a7c40",
        "0f8c5a3g-6d1b-4c2a-9e57-3b8d2f1a7c40",
        "../../../../../../../../../../../..",
        "0f8c5a3e-6d1b-4c2a-9e57-3b8d2f1a7cé",
    ] {
        assert_eq!(
            check_preference_id(bad),
            Err(InvalidPreference::Id),
            "{bad:?}"
        );
    }
}

#[test]
fn a_name_is_one_to_80_characters_on_one_line_without_padding() {
    assert!(check_preference_name("Late EMEA hardware").is_ok());
    assert!(check_preference_name("x").is_ok());
    assert!(check_preference_name(&"é".repeat(MAX_PREFERENCE_NAME)).is_ok());
    for (bad, problem) in [
        ("", NameProblem::Empty),
        (&*"é".repeat(MAX_PREFERENCE_NAME + 1), NameProblem::TooLong),
        ("two\nlines", NameProblem::ControlCharacter),
        ("tab\there", NameProblem::ControlCharacter),
        ("non\u{FFFF}char", NameProblem::ControlCharacter),
        (" leading", NameProblem::Padded),
        ("trailing\u{3000}", NameProblem::Padded),
        ("   ", NameProblem::Padded),
    ] {
        assert_eq!(
            check_preference_name(bad),
            Err(InvalidPreference::Name(problem)),
            "{bad:?}"
        );
    }
}

#[test]
fn names_collide_ignoring_case() {
    assert_eq!(
        preference_name_key("Late Orders"),
        preference_name_key("LATE ORDERS")
    );
    assert_ne!(preference_name_key("Late"), preference_name_key("Later"));
}

#[test]
fn a_body_is_at_most_16_kib_of_compact_json() {
    let with_text = |len: usize| {
        let mut body = PreferenceBody::new();
        body.insert("t".into(), serde_json::Value::String("x".repeat(len)));
        body
    };
    // `{"t":"…"}` is 8 bytes around the text.
    assert!(check_preference_body(&with_text(MAX_PREFERENCE_BODY_BYTES - 8)).is_ok());
    assert_eq!(
        check_preference_body(&with_text(MAX_PREFERENCE_BODY_BYTES - 7)),
        Err(InvalidPreference::BodyTooLarge)
    );
    assert!(check_preference_body(&PreferenceBody::new()).is_ok());
}

#[test]
fn a_user_id_is_what_the_token_verifier_accepts() {
    assert!(check_user_id("globex-avery").is_ok());
    assert!(check_user_id("auth0|5f7c8ec7c33c6c004bbafe82").is_ok());
    for bad in [
        "",
        ".",
        "..",
        "a\u{0}b",
        &*"x".repeat(MAX_USER_ID_BYTES + 1),
    ] {
        assert_eq!(
            check_user_id(bad),
            Err(InvalidPreference::UserId),
            "{bad:?}"
        );
    }
}

#[test]
fn a_write_checks_its_id_name_body_and_version() {
    let write = PreferenceWrite {
        id: "0f8c5a3e-6d1b-4c2a-9e57-3b8d2f1a7c40".into(),
        kind: PreferenceKind::OrderReport,
        name: "Late".into(),
        body: PreferenceBody::new(),
        expected_version: None,
    };
    assert!(write.check().is_ok());
    let zero = PreferenceWrite {
        expected_version: Some(0),
        ..write.clone()
    };
    assert_eq!(zero.check(), Err(InvalidPreference::Version));
    let unnamed = PreferenceWrite {
        name: String::new(),
        ..write
    };
    assert_eq!(
        unnamed.check(),
        Err(InvalidPreference::Name(NameProblem::Empty))
    );
}

#[test]
fn every_refusal_has_its_code() {
    for refusal in PreferenceRefusal::ALL {
        assert_eq!(PreferenceRefusal::from_code(refusal.code()), Some(refusal));
    }
    assert_eq!(PreferenceRefusal::from_code("NOPE"), None);
}
