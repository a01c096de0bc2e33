//! The demo inquiries keep the script's promises: the same tracking numbers for every seed, a
//! consistent life for each, every one readable by the adapter, and only about customer numbers
//! its submitter may ask about.

use super::*;
use crate::model::Tool;
use crate::support::wire::WireInquiry;

#[test]
fn the_tracking_numbers_and_order_are_the_same_for_every_seed() {
    let (first, _, _) = generate(1);
    let (second, _, _) = generate(20261127);
    assert_eq!(first.len(), DEMO_INQUIRIES);
    let numbers = |inquiries: &[Inquiry]| {
        inquiries
            .iter()
            .map(|i| (i.tracking_number.clone(), i.subject.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(numbers(&first), numbers(&second));
    assert_eq!(first[0].tracking_number, "INQ-10000001");
    assert_eq!(first[17].tracking_number, "INQ-10000018");
    assert!(
        first
            .windows(2)
            .all(|w| w[0].submitted_at < w[1].submitted_at)
    );
    assert_eq!(generate(7).0, generate(7).0, "the same seed, the same data");
}

#[test]
fn every_inquiry_lives_consistently_in_the_demos_past() {
    let (inquiries, files, messages) = generate(20261127);
    let mut message_count = 0;
    for inquiry in &inquiries {
        let at = &inquiry.tracking_number;
        assert!(inquiry.updated_at <= present(), "{at}");
        assert!(inquiry.response_due_by > inquiry.submitted_at, "{at}");
        let mut last = inquiry.submitted_at;
        for message in &inquiry.messages {
            assert!(message.at > last, "{at}");
            last = message.at;
        }
        assert!(inquiry.updated_at >= last, "{at}");
        let last_author = inquiry.messages.last().map(|m| m.author);
        match inquiry.status {
            InquiryStatus::Submitted => assert_eq!(last_author, None, "{at}"),
            InquiryStatus::Answered => {
                assert_eq!(last_author, Some(MessageAuthor::Support), "{at}")
            }
            InquiryStatus::InProgress => assert!(last_author.is_some(), "{at}"),
            InquiryStatus::Closed => {}
        }
        for attachment in inquiry
            .attachments
            .iter()
            .chain(inquiry.messages.iter().flat_map(|m| &m.attachments))
        {
            let content = files.get(&attachment.id).expect("its content");
            assert_eq!(attachment.size, content.len() as u64);
            assert_eq!(attachment.sha256, sha256_hex(content));
        }
        message_count += inquiry.messages.len() as u64;
        let translated = WireInquiry::from(inquiry).into_model();
        assert_eq!(translated.as_ref(), Ok(inquiry), "{at}");
    }
    assert_eq!(messages, message_count);
    for status in InquiryStatus::ALL {
        assert!(inquiries.iter().any(|i| i.status == status), "{status:?}");
    }
    assert!(inquiries.iter().any(|i| i.routed_to_person));
}

#[test]
fn every_inquiry_is_about_a_customer_number_its_submitter_may_ask_about() {
    let grants = demo::initial_authorizations();
    for inquiry in generate(3).0 {
        let granted = grants.iter().any(|(user, tool, customer, status)| {
            *user == inquiry.submitted_by
                && *tool == Tool::Inquiries
                && *customer == inquiry.customer_number
                && *status == crate::model::AuthorizationStatus::Authorized
        });
        assert!(granted, "{}", inquiry.tracking_number);
    }
}
