//! The demo inquiries: a fixed script per demo user — every status, every kind of thread, the
//! "contact a representative" requests, documents both ways — written in the user's language and
//! dated back from the demo's present, with the minutes, attachment IDs and file contents drawn
//! from the seed.
//!
//! The script fixes the order of submission (no two inquiries the same hour), so the tracking
//! numbers are the same for every seed: `INQ-10000001` is the oldest, `INQ-10000018` the newest
//! (see [`DEMO_INQUIRIES`] and the tests).

use std::collections::HashMap;

use bytes::Bytes;
use chrono::{DateTime, Datelike, Duration, NaiveTime, Utc, Weekday};

use crate::model::{
    ContactChannel, Inquiry, InquiryAttachment, InquiryContact, InquiryMessage, InquiryNumber,
    InquiryStatus, MessageAuthor,
};
use crate::sandbox::SeededRng;
use crate::sandbox::demo::{self, DemoUser};
use crate::support::digest::sha256_hex;

use super::store::NUMBERS_AFTER;

mod script;

use script::{Script, Turn};

/// How many demo inquiries there are.
pub const DEMO_INQUIRIES: usize = script::SCRIPT.len();

/// The demo's present: noon (UTC) of [`demo::DEMO_TODAY`].
pub fn present() -> DateTime<Utc> {
    demo::today().and_time(NaiveTime::MIN).and_utc() + Duration::hours(12)
}

/// One business day after `at`: the next weekday, same time.
fn one_business_day(at: DateTime<Utc>) -> DateTime<Utc> {
    let mut due = at + Duration::days(1);
    while matches!(due.weekday(), Weekday::Sat | Weekday::Sun) {
        due += Duration::days(1);
    }
    due
}

/// The demo inquiries of `seed`, oldest first and numbered so, with the content of their
/// attachments by ID and the number of message IDs used.
pub fn generate(seed: u64) -> (Vec<Inquiry>, HashMap<String, Bytes>, u64) {
    let users: HashMap<&str, DemoUser> = demo::users()
        .into_iter()
        .map(|(user, _)| (user.user_id, user))
        .collect();
    let mut order: Vec<&Script> = script::SCRIPT.iter().collect();
    order.sort_by_key(|s| std::cmp::Reverse(s.hours_ago));
    let mut files = HashMap::new();
    let mut messages = 0;
    let inquiries = order
        .into_iter()
        .enumerate()
        .filter_map(|(index, script)| {
            let user = users.get(script.user)?;
            let number = InquiryNumber::from_sequence(NUMBERS_AFTER + index as u64 + 1)?;
            let mut rng = SeededRng::new(seed, &format!("support:{number}"));
            Some(inquiry(
                script,
                user,
                number.to_string(),
                &mut rng,
                (&mut files, &mut messages),
            ))
        })
        .collect();
    (inquiries, files, messages)
}

/// An attachment of the demo: its metadata and content, drawn from `rng`.
fn attachment(
    rng: &mut SeededRng,
    (file_name, content_type): (&str, &str),
    about: &str,
    files: &mut HashMap<String, Bytes>,
) -> InquiryAttachment {
    let id = format!("ATT-{:016x}{:016x}", rng.next_u64(), rng.next_u64());
    let content = if content_type == "text/csv" {
        let mut csv = String::from("serialNo,location,note\n");
        for _ in 0..rng.range(3, 12) {
            let serial = rng.digits(8);
            let rack = rng.range(1, 40);
            csv.push_str(&format!("{serial},Rack {rack},{about}\n"));
        }
        csv
    } else {
        format!("{file_name}\n\n{about}\nReference {}\n", rng.digits(10))
    };
    let bytes = Bytes::from(content);
    let meta = InquiryAttachment {
        id: id.clone(),
        file_name: file_name.to_owned(),
        content_type: content_type.to_owned(),
        size: bytes.len() as u64,
        sha256: sha256_hex(&bytes),
    };
    files.insert(id, bytes);
    meta
}

/// The inquiry `script` describes, submitted by `user`.
fn inquiry(
    script: &Script,
    user: &DemoUser,
    tracking_number: String,
    rng: &mut SeededRng,
    (files, messages): (&mut HashMap<String, Bytes>, &mut u64),
) -> Inquiry {
    let minutes = |rng: &mut SeededRng| Duration::minutes(rng.range(0, 59) as i64);
    let submitted_at = present() - Duration::hours(script.hours_ago) + minutes(rng);
    let attachments = script
        .attachment
        .map(|file| vec![attachment(rng, file, script.subject, files)])
        .unwrap_or_default();
    let thread = script
        .thread
        .iter()
        .map(|turn: &Turn| {
            *messages += 1;
            let author_name = match turn.author {
                MessageAuthor::Customer => user.name.to_owned(),
                MessageAuthor::Support => script::support_signature(user.language).to_owned(),
            };
            InquiryMessage {
                id: format!("MSG-{:08}", *messages),
                author: turn.author,
                author_name,
                body: turn.body.to_owned(),
                at: submitted_at + Duration::hours(turn.after_hours) + minutes(rng),
                attachments: turn
                    .attachment
                    .map(|file| vec![attachment(rng, file, script.subject, files)])
                    .unwrap_or_default(),
            }
        })
        .collect::<Vec<_>>();
    let last = thread.last().map_or(submitted_at, |m| m.at);
    let updated_at = match script.status {
        InquiryStatus::Closed => last + Duration::hours(2) + minutes(rng),
        _ => last,
    };
    let channel = if script.routed_to_person {
        ContactChannel::Phone
    } else {
        ContactChannel::Email
    };
    let country = demo::accounts()
        .into_iter()
        .find(|a| a.customer_number == script.customer)
        .map_or("US", |a| a.country);
    Inquiry {
        tracking_number,
        category: script.category,
        customer_number: script.customer.to_owned(),
        country: country.to_owned(),
        subject: script.subject.to_owned(),
        description: script.description.to_owned(),
        status: script.status,
        submitted_at,
        updated_at,
        response_due_by: one_business_day(submitted_at),
        submitted_by: user.user_id.to_owned(),
        contact: InquiryContact {
            name: user.name.to_owned(),
            email: user.email.parse().unwrap_or_else(|_| {
                "support-demo@example.com"
                    .parse()
                    .expect("a literal address")
            }),
            phone: Some(user.phone.to_owned()),
            preferred_channel: channel,
            language: user.language.to_owned(),
        },
        routed_to_person: script.routed_to_person,
        attachments,
        messages: thread,
    }
}

#[cfg(test)]
mod tests;
