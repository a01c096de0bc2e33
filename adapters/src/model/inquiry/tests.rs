//! The inquiry rules against values at and past their limits, the tracking number's form, the
//! life of an inquiry, and the search.

use chrono::{NaiveDate, TimeZone};

use super::*;
use crate::model::{InquiryNumber, InvalidIdentifier};

fn new_inquiry() -> NewInquiry {
    NewInquiry {
        category: InquiryCategory::Invoices,
        customer_number: "4400301".into(),
        country: "ES".into(),
        subject: "Factura duplicada".into(),
        description: "Hemos recibido la misma factura dos veces.\r\nGracias.".into(),
        response_due_by: Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap(),
        submitted_by: "iberia-lucia".into(),
        contact: InquiryContact {
            name: "Lucía Fernández".into(),
            email: "lucia.fernandez@iberia.example".parse().unwrap(),
            phone: Some("+34 91 555 0163".into()),
            preferred_channel: ContactChannel::Email,
            language: "es-ES".into(),
        },
        routed_to_person: false,
        attachment_ids: vec!["ATT-1".into(), "ATT-2".into()],
    }
}

fn with(change: impl FnOnce(&mut NewInquiry)) -> Result<(), InvalidInquiry> {
    let mut new = new_inquiry();
    change(&mut new);
    new.check()
}

#[test]
fn a_submission_within_every_limit_passes() {
    assert_eq!(new_inquiry().check(), Ok(()));
    let at_the_limits = with(|n| {
        n.subject = "s".repeat(MAX_INQUIRY_SUBJECT);
        n.description = "é".repeat(MAX_INQUIRY_TEXT);
        n.attachment_ids = (0..MAX_MESSAGE_ATTACHMENTS)
            .map(|i| format!("ATT-{i}"))
            .collect();
        n.contact.name = "n".repeat(MAX_PERSON_NAME);
        n.contact.phone = Some("1".repeat(MAX_PHONE));
        n.contact.language = "zh-Hant-TW".into();
    });
    assert_eq!(at_the_limits, Ok(()));
    assert_eq!(
        with(|n| {
            n.contact.phone = None;
            n.attachment_ids.clear();
        }),
        Ok(())
    );
}

#[test]
fn each_rule_is_refused_one_past_it() {
    use InvalidInquiry::*;
    type Change = Box<dyn FnOnce(&mut NewInquiry)>;
    type Expected = fn(&InvalidInquiry) -> bool;
    let cases: Vec<(Change, Expected)> = vec![
        (Box::new(|n| n.customer_number = "44003011".into()), |e| {
            matches!(e, CustomerNumber(_))
        }),
        (Box::new(|n| n.country = "es".into()), |e| *e == Country),
        (Box::new(|n| n.subject = " ".into()), |e| *e == Subject),
        (Box::new(|n| n.subject = "s".repeat(201)), |e| *e == Subject),
        (Box::new(|n| n.subject = "a\nb".into()), |e| *e == Subject),
        (Box::new(|n| n.description = "\n\t ".into()), |e| {
            matches!(
                e,
                BlankText {
                    what: "description"
                }
            )
        }),
        (Box::new(|n| n.description = "d".repeat(10_001)), |e| {
            *e == TextTooLong {
                what: "description",
                chars: 10_001,
            }
        }),
        (Box::new(|n| n.description = "bell\u{7}".into()), |e| {
            matches!(e, Text { .. })
        }),
        (Box::new(|n| n.submitted_by = String::new()), |e| {
            *e == UserId
        }),
        (Box::new(|n| n.contact.name = "n".repeat(201)), |e| {
            matches!(e, PersonName { .. })
        }),
        (
            Box::new(|n| n.contact.phone = Some("call me".into())),
            |e| *e == Phone,
        ),
        (Box::new(|n| n.contact.phone = Some("+()".into())), |e| {
            *e == Phone
        }),
        (
            Box::new(|n| {
                n.contact.phone = None;
                n.contact.preferred_channel = ContactChannel::Phone;
            }),
            |e| *e == PhoneRequired,
        ),
        (Box::new(|n| n.contact.language = "e".into()), |e| {
            *e == Language
        }),
        (Box::new(|n| n.contact.language = "es_ES".into()), |e| {
            *e == Language
        }),
        (
            Box::new(|n| n.attachment_ids = (0..6).map(|i| format!("A{i}")).collect()),
            |e| *e == TooManyAttachments { count: 6 },
        ),
        (Box::new(|n| n.attachment_ids[1] = "ATT,1".into()), |e| {
            matches!(e, AttachmentId { number: 2, .. })
        }),
        (Box::new(|n| n.attachment_ids[1] = "ATT-1".into()), |e| {
            *e == RepeatedAttachment { number: 2 }
        }),
    ];
    for (change, expected) in cases {
        let error = with(change).expect_err("refused");
        assert!(expected(&error), "{error:?}");
    }
}

#[test]
fn uploads_declare_a_name_a_type_and_a_size_within_the_limit() {
    assert_eq!(
        check_upload("factura año.pdf", "application/pdf", 1),
        Ok(())
    );
    assert_eq!(
        check_upload(
            "x.bin",
            "application/octet-stream",
            MAX_ATTACHMENT_FILE_BYTES
        ),
        Ok(())
    );
    for (name, media, size) in [
        ("../x", "text/plain", 1),
        ("..", "text/plain", 1),
        ("a\"b", "text/plain", 1),
        ("x", "text/plain; charset=utf-8", 1),
        ("x", "text/plain", 0),
        ("x", "text/plain", MAX_ATTACHMENT_FILE_BYTES + 1),
    ] {
        assert!(
            check_upload(name, media, size).is_err(),
            "{name} {media} {size}"
        );
    }
    assert!(check_file_name(&"f".repeat(MAX_ATTACHMENT_FILE_NAME)).is_ok());
    assert!(check_file_name(&"f".repeat(MAX_ATTACHMENT_FILE_NAME + 1)).is_err());
}

#[test]
fn a_tracking_number_is_inq_and_eight_digits() {
    assert!(InquiryNumber::check("INQ-10000001").is_ok());
    assert_eq!(
        InquiryNumber::from_sequence(42)
            .map(String::from)
            .as_deref(),
        Some("INQ-00000042")
    );
    assert_eq!(InquiryNumber::from_sequence(100_000_000), None);
    let problem = |text: &str| InquiryNumber::check(text).map_err(|e: InvalidIdentifier| e.problem);
    use crate::model::ids::Problem::*;
    assert_eq!(problem(""), Err(Empty));
    assert_eq!(problem("INQ-1000000"), Err(TooShort { chars: 11 }));
    assert_eq!(problem("INQ-100000001"), Err(TooLong { chars: 13 }));
    assert_eq!(
        problem("INQ-1000-001"),
        Err(NotAllowed {
            character: '-',
            at: 9
        })
    );
    assert_eq!(
        problem("ABC-10000001"),
        Err(NotAllowed {
            character: 'A',
            at: 1
        })
    );
    assert_eq!(
        problem("inq-10000001"),
        Err(NotAllowed {
            character: 'i',
            at: 1
        })
    );
    assert!(problem("INQ-1000,001").is_err());
    let error = InquiryNumber::check("INQ-1000-001").expect_err("refused");
    assert_eq!(
        error.to_string(),
        "an inquiry number is INQ- and 8 digits: it contains `-` at position 9"
    );
    let json = serde_json::to_string(&InquiryNumber::from_sequence(7)).expect("serialises");
    assert_eq!(json, "\"INQ-00000007\"");
    assert!(serde_json::from_str::<InquiryNumber>("\"INQ-7\"").is_err());
}

#[test]
fn a_reply_reopens_an_answered_inquiry_and_none_reaches_a_closed_one() {
    use InquiryStatus::*;
    assert_eq!(Submitted.after_customer_reply(), Some(Submitted));
    assert_eq!(InProgress.after_customer_reply(), Some(InProgress));
    assert_eq!(Answered.after_customer_reply(), Some(InProgress));
    assert_eq!(Closed.after_customer_reply(), None);
    for status in InquiryStatus::ALL {
        assert_eq!(InquiryStatus::from_code(status.code()), Some(status));
    }
    for category in InquiryCategory::ALL {
        assert_eq!(InquiryCategory::from_code(category.code()), Some(category));
    }
    for refusal in [
        InquiryRefusal::UnknownInquiry,
        InquiryRefusal::Closed,
        InquiryRefusal::UnknownAttachment,
    ] {
        assert_eq!(InquiryRefusal::from_code(refusal.code()), Some(refusal));
    }
    assert_eq!(InquiryRefusal::from_code("closed"), None);
}

fn inquiry() -> Inquiry {
    let new = new_inquiry();
    let at = Utc.with_ymd_and_hms(2026, 11, 18, 23, 30, 0).unwrap();
    Inquiry {
        tracking_number: "INQ-10000007".into(),
        category: new.category,
        customer_number: new.customer_number,
        country: new.country,
        subject: new.subject,
        description: new.description,
        status: InquiryStatus::Answered,
        submitted_at: at,
        updated_at: at,
        response_due_by: new.response_due_by,
        submitted_by: new.submitted_by,
        contact: new.contact,
        routed_to_person: false,
        attachments: Vec::new(),
        messages: vec![InquiryMessage {
            id: "MSG-1".into(),
            author: MessageAuthor::Support,
            author_name: "María López".into(),
            body: "Se ha emitido un ABONO.".into(),
            at,
            attachments: Vec::new(),
        }],
    }
}

#[test]
fn a_filter_holds_when_every_condition_does() {
    let day = |d| NaiveDate::from_ymd_opt(2026, 11, d);
    let inquiry = inquiry();
    let matches = |filter: InquiryFilter| filter.matches(&inquiry);
    assert!(matches(InquiryFilter::default()));
    assert!(matches(InquiryFilter {
        statuses: vec![InquiryStatus::Closed, InquiryStatus::Answered],
        categories: vec![InquiryCategory::Invoices],
        submitted_from: day(18),
        submitted_to: day(18),
        text: Some("abono".into()),
    }));
    for text in ["inq-10000007", "DUPLICADA", "misma factura"] {
        assert!(
            matches(InquiryFilter {
                text: Some(text.into()),
                ..InquiryFilter::default()
            }),
            "{text}"
        );
    }
    for filter in [
        InquiryFilter {
            statuses: vec![InquiryStatus::Closed],
            ..InquiryFilter::default()
        },
        InquiryFilter {
            categories: vec![InquiryCategory::Orders],
            ..InquiryFilter::default()
        },
        InquiryFilter {
            submitted_from: day(19),
            ..InquiryFilter::default()
        },
        InquiryFilter {
            submitted_to: day(17),
            ..InquiryFilter::default()
        },
        InquiryFilter {
            text: Some("pedido".into()),
            ..InquiryFilter::default()
        },
    ] {
        assert!(!matches(filter.clone()), "{filter:?}");
    }
    let blank = InquiryFilter {
        text: Some(" ".into()),
        ..InquiryFilter::default()
    };
    assert_eq!(blank.check(), Err(InvalidInquiry::SearchText));
}

#[test]
fn keys_order_by_submission_then_tracking_number() {
    let older = inquiry();
    let mut newer = inquiry();
    newer.tracking_number = "INQ-10000008".into();
    assert!(older.key() < newer.key());
    newer.tracking_number = "INQ-10000006".into();
    newer.submitted_at = older.submitted_at + chrono::Duration::milliseconds(1);
    assert!(older.key() < newer.key(), "the time decides first");
    assert_eq!(inquiry().attachment("ATT-1"), None);
}
