use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use super::*;
use crate::settings::SecretString;

const KEY_B64: &str = "c3VwcG9ydGdyYXBoLXRlc3Qta2V5LXRoaXJ0eS10d28tYnl0ZXMhIQ==";
const PATH: &str = "/exports/orders";

fn signer_with(key: &str) -> LinkSigner {
    let key = LinkKey::decode(key).expect("a valid test key");
    LinkSigner::new(&key, Duration::from_secs(300), None)
}

fn signer() -> LinkSigner {
    signer_with(KEY_B64)
}

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_795_000_000, 123_000_000).expect("a valid instant")
}

/// Signs the standard test link and splits it into the path and the raw query.
fn signed(params: &[(&str, &str)], user: &str) -> (String, String) {
    let link = signer().sign(PATH, params, user, now()).expect("signs");
    let (path, query) = link.path_and_query.split_once('?').expect("has a query");
    (path.to_owned(), query.to_owned())
}

fn standard() -> (String, String) {
    signed(
        &[("format", "csv"), ("customer", "1234567")],
        "globex-avery",
    )
}

#[test]
fn a_signed_link_verifies_and_grants_its_user_params_and_expiry() {
    let link = signer()
        .sign(
            PATH,
            &[("format", "csv"), ("customer", "1234567")],
            "globex-avery",
            now(),
        )
        .expect("signs");
    assert_eq!(link.expires_at.timestamp(), now().timestamp() + 300);
    assert!(
        link.path_and_query
            .starts_with("/exports/orders?customer=1234567&format=csv&expires=1795000300&user=globex-avery&signature="),
        "{}",
        link.path_and_query
    );
    let (path, query) = link.path_and_query.split_once('?').expect("a query");
    let grant = signer().verify(path, query, now()).expect("verifies");
    assert_eq!(grant.user, "globex-avery");
    assert_eq!(grant.expires_at, link.expires_at);
    assert_eq!(
        grant.params,
        [
            ("customer".to_owned(), "1234567".to_owned()),
            ("format".to_owned(), "csv".to_owned())
        ]
    );
}

#[test]
fn every_change_to_path_param_user_or_expiry_is_tampered() {
    let (path, query) = standard();
    let signer = signer();
    let cases = [
        ("/exports/invoices".to_owned(), query.clone()),
        (format!("{path}/"), query.clone()),
        (path.clone(), query.replace("format=csv", "format=xlsx")),
        (
            path.clone(),
            query.replace("customer=1234567", "customer=7654321"),
        ),
        (path.clone(), query.replace("customer=1234567&", "")),
        (
            path.clone(),
            query.replace("user=globex-avery", "user=initech-bob"),
        ),
        (
            path.clone(),
            query.replace("expires=1795000300", "expires=1795999999"),
        ),
        (path.clone(), format!("{query}&admin=true")),
    ];
    for (path, query) in cases {
        assert_eq!(
            signer.verify(&path, &query, now()),
            Err(LinkError::Tampered),
            "{path}?{query}"
        );
    }
}

#[test]
fn an_altered_signature_is_tampered_and_an_unreadable_one_malformed() {
    let (path, query) = standard();
    let (rest, signature) = query.split_once("signature=").expect("a signature");
    let mut flipped = signature.to_owned().into_bytes();
    flipped[0] = if flipped[0] == b'A' { b'B' } else { b'A' };
    let flipped = format!(
        "{rest}signature={}",
        String::from_utf8(flipped).expect("ascii")
    );
    assert_eq!(
        signer().verify(&path, &flipped, now()),
        Err(LinkError::Tampered)
    );
    let truncated = format!("{rest}signature={}", &signature[..8]);
    assert_eq!(
        signer().verify(&path, &truncated, now()),
        Err(LinkError::Tampered)
    );
    let unreadable = format!("{rest}signature=not*base64!");
    assert_eq!(
        signer().verify(&path, &unreadable, now()),
        Err(LinkError::Malformed)
    );
}

#[test]
fn a_link_is_expired_from_its_expiry_on_but_tampering_is_reported_first() {
    let (path, query) = standard();
    let signer = signer();
    let just_before = now() + TimeDelta::seconds(299);
    assert!(signer.verify(&path, &query, just_before).is_ok());
    let at_expiry = DateTime::from_timestamp(1_795_000_300, 0).expect("an instant");
    assert_eq!(
        signer.verify(&path, &query, at_expiry),
        Err(LinkError::Expired)
    );
    let tampered = query.replace("format=csv", "format=html");
    assert_eq!(
        signer.verify(&path, &tampered, at_expiry),
        Err(LinkError::Tampered)
    );
}

#[test]
fn a_link_signed_with_another_key_is_tampered() {
    let (path, query) = standard();
    let other = signer_with("b3RoZXIta2V5LW90aGVyLWtleS1vdGhlci1rZXktb3RoZXIta2V5");
    assert_eq!(other.verify(&path, &query, now()), Err(LinkError::Tampered));
}

#[test]
fn duplicated_or_extra_params_are_refused() {
    let (path, query) = standard();
    let signer = signer();
    for query in [
        format!("{query}&format=csv"),
        format!("{query}&format=xlsx"),
        format!("{query}&utm_source=mail"),
        format!("{query}&user=initech-bob"),
        format!("{query}&expires=1795000300"),
        format!("{query}&signature=AAAA"),
    ] {
        assert_eq!(
            signer.verify(&path, &query, now()),
            Err(LinkError::Tampered),
            "{query}"
        );
    }
}

#[test]
fn a_name_signed_twice_is_part_of_the_link() {
    let (path, query) = signed(&[("id", "b"), ("id", "a")], "globex-avery");
    let grant = signer().verify(&path, &query, now()).expect("verifies");
    assert_eq!(
        grant.params,
        [
            ("id".to_owned(), "a".to_owned()),
            ("id".to_owned(), "b".to_owned())
        ]
    );
    let dropped = query.replacen("id=a&", "", 1);
    assert_eq!(
        signer().verify(&path, &dropped, now()),
        Err(LinkError::Tampered)
    );
}

#[test]
fn a_unicode_user_and_values_round_trip_percent_encoded() {
    let user = "josé.müller+ops@例え.jp";
    let (path, query) = signed(&[("title", "Año fiscal & más = 100%")], user);
    assert!(
        query.contains("user=jos%C3%A9.m%C3%BCller%2Bops%40"),
        "{query}"
    );
    let grant = signer().verify(&path, &query, now()).expect("verifies");
    assert_eq!(grant.user, user);
    assert_eq!(grant.params[0].1, "Año fiscal & más = 100%");
}

#[test]
fn a_path_with_odd_characters_is_signed_as_the_browser_sends_it() {
    let link = signer()
        .sign("/exports/informe año?.csv", &[], "u", now())
        .expect("signs");
    let (path, query) = link.path_and_query.split_once('?').expect("a query");
    assert_eq!(path, "/exports/informe%20a%C3%B1o%3F.csv");
    assert!(signer().verify(path, query, now()).is_ok());
}

#[test]
fn an_unsigned_or_incomplete_query_is_missing_or_malformed() {
    let signer = signer();
    assert_eq!(signer.verify(PATH, "", now()), Err(LinkError::Missing));
    assert_eq!(
        signer.verify(PATH, "format=csv&expires=1&user=u", now()),
        Err(LinkError::Missing)
    );
    assert_eq!(
        signer.verify(PATH, "format=csv&signature=AAAA&user=u", now()),
        Err(LinkError::Malformed)
    );
    let (path, query) = standard();
    let bad_expiry = query.replace("expires=1795000300", "expires=soon");
    assert_eq!(
        signer.verify(&path, &bad_expiry, now()),
        Err(LinkError::Malformed)
    );
    let bad_utf8 = format!("{query}&x=%FF");
    assert_eq!(
        signer.verify(&path, &bad_utf8, now()),
        Err(LinkError::Malformed)
    );
}

#[test]
fn reserved_names_cannot_be_signed_as_params() {
    assert_eq!(
        signer().sign(PATH, &[("user", "x")], "u", now()),
        Err(SignError::ReservedName("user".to_owned()))
    );
}

#[test]
fn keys_are_base64_of_at_least_32_bytes_with_or_without_padding() {
    assert!(LinkKey::decode(KEY_B64).is_ok());
    assert!(LinkKey::decode(KEY_B64.trim_end_matches('=')).is_ok());
    assert!(matches!(
        LinkKey::decode("c2hvcnQ="),
        Err(LinkKeyError::TooShort { found: 5 })
    ));
    assert!(matches!(
        LinkKey::decode("not base64!"),
        Err(LinkKeyError::NotBase64)
    ));
    assert!(!format!("{:?}", signer()).contains(KEY_B64));
}

#[test]
fn without_a_key_the_sandbox_gets_a_random_one_and_production_is_refused() {
    let mut settings = LinksSettings {
        signing_key: None,
        lifetime_seconds: 60,
        public_base_url: None,
    };
    assert!(matches!(
        LinkSigner::from_settings(&settings, Profile::Production),
        Err(LinkKeyError::Missing)
    ));
    let first = LinkSigner::from_settings(&settings, Profile::Sandbox).expect("a random key");
    let second = LinkSigner::from_settings(&settings, Profile::Sandbox).expect("a random key");
    let link = first.sign(PATH, &[], "u", now()).expect("signs");
    let (path, query) = link.path_and_query.split_once('?').expect("a query");
    assert!(first.verify(path, query, now()).is_ok());
    assert_eq!(second.verify(path, query, now()), Err(LinkError::Tampered));
    assert_eq!(first.lifetime(), TimeDelta::seconds(60));

    settings.signing_key = Some(SecretString::new(KEY_B64));
    let configured = LinkSigner::from_settings(&settings, Profile::Production).expect("a key");
    let again = LinkSigner::from_settings(&settings, Profile::Production).expect("a key");
    let link = configured.sign(PATH, &[], "u", now()).expect("signs");
    let (path, query) = link.path_and_query.split_once('?').expect("a query");
    assert!(
        again.verify(path, query, now()).is_ok(),
        "one key, every instance"
    );
}

#[test]
fn an_absolute_link_joins_the_base_without_a_double_slash() {
    let link = signer().sign(PATH, &[], "u", now()).expect("signs");
    let base = Url::parse("https://api.example.com/").expect("a url");
    assert!(
        link.absolute(&base)
            .starts_with("https://api.example.com/exports/orders?expires=")
    );
}

mod settings {
    use std::io::Write;

    use crate::settings::Settings;

    fn load(text: &str) -> Result<Settings, String> {
        let mut file = tempfile::NamedTempFile::new().expect("a temp file");
        file.write_all(text.as_bytes()).expect("writes");
        Settings::load_without_env(Some(file.path())).map_err(|e| e.to_string())
    }

    /// The example production file, which sets everything else production needs.
    fn production() -> String {
        std::fs::read_to_string("config/production.toml").expect("the example production file")
    }

    #[test]
    fn production_refuses_to_start_without_a_signing_key() {
        let message = load(&production()).expect_err("refused");
        assert!(
            message.contains("links.signing_key") && message.contains("production"),
            "{message}"
        );
        let key = format!("signing_key = \"{}\"\n", super::KEY_B64);
        let production = production();
        let with_key = match production.split_once("\n[links]\n") {
            Some((before, after)) => format!("{before}\n[links]\n{key}{after}"),
            None => format!("{production}\n[links]\n{key}"),
        };
        assert!(load(&with_key).is_ok(), "{:?}", load(&with_key).err());
    }

    #[test]
    fn a_short_key_or_an_odd_lifetime_or_base_is_refused_naming_the_key() {
        let message = load("[links]\nsigning_key = \"c2hvcnQ=\"\n").expect_err("refused");
        assert!(
            message.contains("links.signing_key") && message.contains("32"),
            "{message}"
        );
        for lifetime in [0, 9, 86_401] {
            let message =
                load(&format!("[links]\nlifetime_seconds = {lifetime}\n")).expect_err("refused");
            assert!(message.contains("links.lifetime_seconds"), "{message}");
        }
        let message =
            load("[links]\npublic_base_url = \"ftp://files.example.com\"\n").expect_err("refused");
        assert!(message.contains("links.public_base_url"), "{message}");
    }

    #[test]
    fn the_sandbox_defaults_have_no_key_and_five_minute_links() {
        let settings = Settings::load_without_env(None).expect("the defaults load");
        assert!(settings.links.signing_key.is_none());
        assert_eq!(settings.links.lifetime_seconds, 300);
    }
}
