//! The support system's change feed as the gateway reads it: support's answer e-mailed to the
//! inquiry's contact once, in their language, even when the mail service fails for a while;
//! `inquiryUpdated` over `/graphql/ws` for the inquiry's own company only, and not held back by
//! answer e-mails that cannot go (on the same page of the feed or pages later); and one reading
//! of the feed per round however many subscribe.
//!
//! Nothing here waits on the clock: a test waits for the feed's rounds, its subscriber count, a
//! message on the socket or a message in the outbox; [`PATIENCE`] only bounds how long a missing
//! one may take to fail a test.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use supportgraph::app::App;
use supportgraph::inquiry_feed::FeedProgress;
use supportgraph::settings::Settings;
use supportgraph_adapters::model::MAX_FEED_CHANGES;
use supportgraph_adapters::sandbox::{FaultSpec, OutboxMessage};

use crate::helpers::gateway_process::standalone_sandbox;
use crate::helpers::{GLOBEX_USER, IBERIA_USER, TestApp, spawn_keeping_state};
use crate::live::socket::{PATIENCE, Socket};

/// Avery's newest inquiry (SUBMITTED, written in English, en-US).
const AVERYS: &str = "INQ-10000017";
/// Another of Avery's (ANSWERED once already).
const AVERYS_OTHER: &str = "INQ-10000014";
/// Lucía's newest inquiry (SUBMITTED, written in Spanish, es-ES): another company's.
const LUCIAS: &str = "INQ-10000018";

const SUBSCRIPTION: &str = r#"
subscription($tracking: String!) {
  inquiryUpdated(trackingNumber: $tracking) {
    trackingNumber status at
    message { id author authorName body }
    inquiry { trackingNumber status messages { id body } }
  }
}"#;

/// A gateway reading the feed every 50 ms, and its state.
struct FeedApp {
    test: TestApp,
    app: Arc<App>,
}

async fn spawn_feed(configure: impl FnOnce(&mut Settings)) -> FeedApp {
    let (test, app) = spawn_keeping_state(|settings| {
        settings.inquiries.feed_poll_ms = 50;
        configure(settings);
    })
    .await;
    FeedApp { test, app }
}

impl FeedApp {
    /// The rounds the feed has finished so far.
    fn rounds(&self) -> u64 {
        self.app.inquiry_feed.watch_progress().borrow().rounds
    }

    /// Waits until the feed's progress is `what`.
    async fn wait_for_progress(&self, what: &str, until: impl FnMut(&FeedProgress) -> bool) {
        let mut progress = self.app.inquiry_feed.watch_progress();
        let waited = tokio::time::timeout(PATIENCE * 4, progress.wait_for(until));
        assert!(waited.await.is_ok_and(|r| r.is_ok()), "{what}");
    }

    /// Waits until the feed has finished `n` rounds.
    async fn wait_for_rounds(&self, n: u64) {
        self.wait_for_progress(&format!("{n} feed rounds"), |p| p.rounds >= n)
            .await;
    }

    /// Waits until `n` answer e-mails wait to go.
    async fn wait_for_pending_mails(&self, n: usize) {
        self.wait_for_progress(&format!("{n} answer e-mails waiting"), |p| {
            p.pending_mails == n
        })
        .await;
    }

    /// Waits for one more round: the feed then holds its position, so a change made now is read.
    async fn wait_until_reading(&self) {
        self.wait_for_rounds(self.rounds() + 1).await;
    }

    /// Waits until `n` subscriptions listen to the feed.
    async fn wait_for_subscribers(&self, n: usize) {
        let listening = async {
            while self.app.inquiry_feed.subscribers() != n {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        };
        assert!(
            tokio::time::timeout(PATIENCE, listening).await.is_ok(),
            "{n} subscribers"
        );
    }

    /// Support answers `tracking` through the sandbox's admin endpoint: the inquiry afterwards,
    /// as the support system's JSON.
    async fn answer(&self, tracking: &str, message: &str) -> Value {
        let url = self
            .test
            .sandbox
            .base_url("support")
            .join(&format!("admin/inquiries/{tracking}/answer"))
            .expect("a URL");
        let response = self
            .test
            .http
            .post(url)
            .json(&json!({ "message": message }))
            .send()
            .await
            .expect("the sandbox answers");
        assert_eq!(response.status(), 200, "{tracking} is answered");
        response.json().await.expect("the inquiry as JSON")
    }

    /// Support moves `tracking` to `status` through the sandbox's admin endpoint (a change in the
    /// feed, unless it already was there).
    async fn set_status(&self, tracking: &str, status: &str) {
        let url = self
            .test
            .sandbox
            .base_url("support")
            .join(&format!("admin/inquiries/{tracking}/status"))
            .expect("a URL");
        let response = self
            .test
            .http
            .post(url)
            .json(&json!({ "status": status }))
            .send()
            .await
            .expect("the sandbox answers");
        assert_eq!(response.status(), 200, "{tracking} is {status}");
    }

    /// Makes the mail service fail every call, or (`false`) work again.
    fn fail_mail(&self, failing: bool) {
        let spec = FaultSpec {
            error_rate: if failing { 1.0 } else { 0.0 },
            ..FaultSpec::default()
        };
        self.test
            .sandbox
            .set_fault("mail", spec)
            .expect("a known instance");
    }

    /// Waits until the mail service has failed `n` calls.
    async fn wait_for_mail_failures(&self, n: u64) {
        let failed = async {
            while self.mail_calls().1 < n {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        };
        assert!(
            tokio::time::timeout(PATIENCE * 2, failed).await.is_ok(),
            "the mail service failed {n} calls"
        );
    }

    /// The messages in the outbox sent with the idempotency key of `inquiry`'s last message (the
    /// answer), waiting for the first within the patience.
    async fn answer_mails(&self, inquiry: &Value) -> Vec<OutboxMessage> {
        let key = answer_key(inquiry);
        let mails = || -> Vec<OutboxMessage> {
            self.test
                .sandbox
                .outbox()
                .into_iter()
                .filter(|m| m.idempotency_key.as_deref() == Some(key.as_str()))
                .collect()
        };
        let arrived = async {
            while mails().is_empty() {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        };
        assert!(
            tokio::time::timeout(PATIENCE * 2, arrived).await.is_ok(),
            "the answer e-mail {key} is sent"
        );
        mails()
    }

    /// A socket signed in as `user`.
    async fn socket(&self, user: &str) -> Socket {
        Socket::signed_in(&self.test.address, &self.test.token(user)).await
    }

    /// Calls to the support system so far.
    fn support_calls(&self) -> u64 {
        self.test.sandbox.stats().instances["support"].calls
    }

    /// Calls to the mail service so far, and those answered with an injected failure.
    fn mail_calls(&self) -> (u64, u64) {
        let stats = self.test.sandbox.stats().instances["mail"];
        (stats.calls, stats.injected_failures)
    }
}

/// The idempotency key the answer e-mail of `inquiry`'s last message is sent with.
fn answer_key(inquiry: &Value) -> String {
    let tracking = inquiry["trackingNo"].as_str().expect("a tracking number");
    let message = inquiry["messages"]
        .as_array()
        .and_then(|m| m.last())
        .and_then(|m| m["messageId"].as_str())
        .expect("the answer is the last message");
    format!("inquiry-answer-{tracking}-{message}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_is_emailed_once_to_the_contact_in_their_language() {
    let feed = spawn_feed(|_| {}).await;
    feed.wait_until_reading().await;
    let english_text = "The replacement toner ships today from Memphis.";
    let spanish_text = "El técnico visitará la sala de Alcobendas el lunes.";
    let averys = feed.answer(AVERYS, english_text).await;
    let lucias = feed.answer(LUCIAS, spanish_text).await;

    for (inquiry, text, subject, greeting) in [
        (
            &averys,
            english_text,
            format!("Your inquiry {AVERYS} has an answer"),
            "Hello Avery Stone",
        ),
        (
            &lucias,
            spanish_text,
            format!("Su consulta {LUCIAS} tiene respuesta"),
            "Hola, Lucía Fernández",
        ),
    ] {
        let mails = feed.answer_mails(inquiry).await;
        assert_eq!(mails.len(), 1, "one e-mail per answer");
        let mail = &mails[0].message;
        let tracking = inquiry["trackingNo"].as_str().expect("a tracking number");
        assert_eq!(
            mail.to.iter().map(|a| a.as_str()).collect::<Vec<_>>(),
            [inquiry["contact"]["email"].as_str().expect("an address")],
            "to the inquiry's contact"
        );
        assert_eq!(mail.subject, subject);
        let body = &mail.text_body;
        assert!(body.contains(greeting), "{body}");
        assert!(body.contains(text), "{body}");
        assert!(body.contains(tracking), "{body}");
        let link = feed.test.settings.portal.inquiry_link(tracking);
        assert!(link.ends_with(&format!("/inquiries/{tracking}")), "{link}");
        assert!(body.contains(&link), "{body}");
    }
    assert_eq!(
        lucias["contact"]["language"], "es-ES",
        "the demo's Spanish contact"
    );

    // Later rounds pass over the answers: nothing more is sent.
    let (sent, _) = feed.mail_calls();
    feed.wait_for_rounds(feed.rounds() + 3).await;
    assert_eq!(feed.mail_calls().0, sent, "each answer was e-mailed once");
    assert_eq!(feed.test.sandbox.outbox().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_given_while_the_mail_service_fails_is_emailed_once_it_is_back() {
    // One call per attempt, and a breaker that does not open within the test.
    let feed = spawn_feed(|s| s.resilience.max_retries = 0).await;
    feed.wait_until_reading().await;
    let failing = FaultSpec {
        error_rate: 1.0,
        ..FaultSpec::default()
    };
    feed.test
        .sandbox
        .set_fault("mail", failing)
        .expect("a known instance");
    let inquiry = feed
        .answer(AVERYS, "Your maintenance renewal is ready to sign.")
        .await;

    // The feed tries, fails, and tries again in later rounds.
    let tried_twice = async {
        while feed.mail_calls().1 < 2 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    assert!(
        tokio::time::timeout(PATIENCE * 2, tried_twice)
            .await
            .is_ok(),
        "the feed tries the e-mail again"
    );
    assert!(feed.test.sandbox.outbox().is_empty(), "nothing went out");

    feed.test
        .sandbox
        .set_fault("mail", FaultSpec::default())
        .expect("a known instance");
    let mails = feed.answer_mails(&inquiry).await;
    assert_eq!(mails.len(), 1);
    assert!(
        mails[0]
            .message
            .text_body
            .contains("Your maintenance renewal is ready to sign."),
        "{}",
        mails[0].message.text_body
    );

    // The answer is passed now: later rounds send nothing more.
    let (sent, _) = feed.mail_calls();
    feed.wait_for_rounds(feed.rounds() + 3).await;
    assert_eq!(feed.mail_calls().0, sent, "sent once, then passed");
    assert_eq!(feed.test.sandbox.outbox().len(), 1);
}

/// The `inquiryUpdated` payload of the next message on `socket`, checked to be `tracking`'s.
async fn next_update(socket: &mut Socket, tracking: &str) -> Value {
    let message = socket.next_json().await;
    assert_eq!(message["type"], "next", "{message}");
    let update = message["payload"]["data"]["inquiryUpdated"].clone();
    assert_eq!(update["trackingNumber"], tracking, "{message}");
    update
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_e_mail_that_cannot_go_holds_back_neither_subscribers_nor_other_e_mails() {
    // One call per attempt.
    let feed = spawn_feed(|s| s.resilience.max_retries = 0).await;
    let mut socket = feed.socket(GLOBEX_USER).await;
    socket
        .subscribe("1", SUBSCRIPTION, json!({ "tracking": AVERYS }))
        .await;
    feed.wait_for_subscribers(1).await;
    feed.wait_until_reading().await;

    feed.fail_mail(true);
    let first = feed
        .answer(AVERYS_OTHER, "The first answer: its e-mail has to wait.")
        .await;
    feed.wait_for_mail_failures(1).await;
    let text = "The second answer, told while the mail service fails.";
    let second = feed.answer(AVERYS, text).await;

    // The subscriber to the second inquiry hears of its answer while no e-mail can go.
    let update = next_update(&mut socket, AVERYS).await;
    assert_eq!(update["message"]["body"], text, "{update}");
    feed.wait_for_pending_mails(2).await;
    assert!(feed.test.sandbox.outbox().is_empty(), "nothing went out");

    // Back: each e-mail goes out once.
    feed.fail_mail(false);
    for inquiry in [&first, &second] {
        assert_eq!(feed.answer_mails(inquiry).await.len(), 1);
    }
    feed.wait_for_pending_mails(0).await;
    feed.wait_for_rounds(feed.rounds() + 3).await;
    let (calls, failed) = feed.mail_calls();
    assert_eq!(
        calls - failed,
        2,
        "each e-mail was sent once: {calls} calls, {failed} failed"
    );
    assert_eq!(feed.test.sandbox.outbox().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscriber_hears_of_a_change_pages_after_an_answer_e_mail_that_cannot_go() {
    let feed = spawn_feed(|s| s.resilience.max_retries = 0).await;
    let mut socket = feed.socket(GLOBEX_USER).await;
    socket
        .subscribe("1", SUBSCRIPTION, json!({ "tracking": AVERYS }))
        .await;
    feed.wait_for_subscribers(1).await;
    feed.wait_until_reading().await;

    feed.fail_mail(true);
    feed.answer(AVERYS_OTHER, "An answer whose e-mail cannot go.")
        .await;
    feed.wait_for_mail_failures(1).await;

    // More than a page of the feed after it: status changes of other inquiries, four at once.
    const INQUIRIES: [&str; 4] = [
        "INQ-10000001",
        "INQ-10000002",
        "INQ-10000003",
        "INQ-10000004",
    ];
    let per_inquiry = MAX_FEED_CHANGES as usize / INQUIRIES.len() + 10;
    let toggles = INQUIRIES.map(|tracking| {
        let feed = &feed;
        async move {
            // The first may change nothing (the inquiry may be in progress already).
            for n in 0..=per_inquiry {
                let status = if n % 2 == 0 {
                    "IN_PROGRESS"
                } else {
                    "ANSWERED"
                };
                feed.set_status(tracking, status).await;
            }
        }
    });
    futures::future::join_all(toggles).await;
    let text = "An answer more than a page of changes later.";
    feed.answer(AVERYS, text).await;

    let update = next_update(&mut socket, AVERYS).await;
    assert_eq!(update["message"]["body"], text, "{update}");
    assert!(
        feed.test.sandbox.outbox().is_empty(),
        "the mail service still fails"
    );
    feed.wait_for_pending_mails(2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscriber_receives_supports_answer_and_the_new_status() {
    let feed = spawn_feed(|_| {}).await;
    let mut socket = feed.socket(GLOBEX_USER).await;
    socket
        .subscribe("1", SUBSCRIPTION, json!({ "tracking": AVERYS }))
        .await;
    feed.wait_for_subscribers(1).await;
    feed.wait_until_reading().await;

    // Another of Avery's inquiries first: not the one subscribed to.
    feed.answer(AVERYS_OTHER, "Not this one.").await;
    let text = "We will call you tomorrow at 10:00 about the renewal.";
    let answered = feed.answer(AVERYS, text).await;

    let message = socket.next_json().await;
    assert_eq!(message["type"], "next", "{message}");
    assert_eq!(message["id"], "1");
    let update = &message["payload"]["data"]["inquiryUpdated"];
    assert_eq!(update["trackingNumber"], AVERYS, "{message}");
    assert_eq!(update["status"], "ANSWERED");
    assert!(update["at"].is_string(), "{update}");
    assert_eq!(update["message"]["author"], "SUPPORT");
    assert_eq!(update["message"]["body"], text);
    let id = answered["messages"]
        .as_array()
        .and_then(|m| m.last())
        .map(|m| m["messageId"].clone());
    assert_eq!(Some(update["message"]["id"].clone()), id);
    assert_eq!(update["inquiry"]["trackingNumber"], AVERYS);
    assert_eq!(update["inquiry"]["status"], "ANSWERED");
    let thread = update["inquiry"]["messages"].as_array().expect("a thread");
    assert_eq!(thread.last().map(|m| &m["body"]), Some(&json!(text)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscription_whose_callers_profile_cannot_be_read_ends_with_an_error() {
    // Every change reads the profile from the registration system, once.
    let feed = spawn_feed(|s| {
        s.cache.profile_ttl_seconds = 0;
        s.resilience.max_retries = 0;
    })
    .await;
    let mut socket = feed.socket(GLOBEX_USER).await;
    socket
        .subscribe("1", SUBSCRIPTION, json!({ "tracking": AVERYS }))
        .await;
    feed.wait_for_subscribers(1).await;
    feed.wait_until_reading().await;

    let failing = FaultSpec {
        error_rate: 1.0,
        ..FaultSpec::default()
    };
    feed.test
        .sandbox
        .set_fault("registration", failing)
        .expect("a known instance");
    feed.answer(AVERYS, "Nobody can tell whether you may read this.")
        .await;

    // Not skipped silently: the subscription ends, saying why.
    let message = socket.next_json().await;
    assert_eq!(message["type"], "next", "{message}");
    assert_eq!(message["id"], "1");
    let error = &message["payload"]["errors"][0];
    assert_eq!(
        error["extensions"]["code"], "BACKEND_UNAVAILABLE",
        "{message}"
    );
    assert_eq!(error["extensions"]["backend"], "registration", "{message}");
    let complete = socket.next_json().await;
    assert_eq!(complete["type"], "complete", "{complete}");
    assert_eq!(complete["id"], "1");
    feed.wait_for_subscribers(0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_companys_or_a_malformed_inquiry_cannot_be_subscribed_to() {
    let feed = spawn_feed(|_| {}).await;
    let mut lucia = feed.socket(IBERIA_USER).await;
    let cases = [
        ("theirs", AVERYS, "NOT_FOUND"),
        ("unknown", "INQ-99999999", "NOT_FOUND"),
        ("malformed", "INQ-123", "BAD_USER_INPUT"),
    ];
    for (id, tracking, code) in cases {
        lucia
            .subscribe(id, SUBSCRIPTION, json!({ "tracking": tracking }))
            .await;
        let refused = lucia.next_json().await;
        assert_eq!(refused["id"], id);
        assert_eq!(
            refused["payload"]["errors"][0]["extensions"]["code"], code,
            "{tracking}: {refused}"
        );
        assert_eq!(lucia.next_json().await["type"], "complete");
    }
    assert_eq!(feed.app.inquiry_feed.subscribers(), 0, "nothing listens");

    // Her own inquiry she may follow.
    lucia
        .subscribe("own", SUBSCRIPTION, json!({ "tracking": LUCIAS }))
        .await;
    feed.wait_for_subscribers(1).await;
}

/// Calls to the support system while the feed finishes `rounds` more rounds.
async fn calls_over(feed: &FeedApp, rounds: u64) -> u64 {
    let start = feed.rounds() + 1;
    feed.wait_for_rounds(start).await;
    let before = feed.support_calls();
    feed.wait_for_rounds(start + rounds).await;
    feed.support_calls() - before
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_subscribers_cost_the_feed_no_more_calls_than_one() {
    const ROUNDS: u64 = 10;
    let feed = spawn_feed(|_| {}).await;
    let none = calls_over(&feed, ROUNDS).await;

    let mut socket = feed.socket(GLOBEX_USER).await;
    socket
        .subscribe("0", SUBSCRIPTION, json!({ "tracking": AVERYS }))
        .await;
    feed.wait_for_subscribers(1).await;
    let one = calls_over(&feed, ROUNDS).await;

    for n in 1..10 {
        socket
            .subscribe(&n.to_string(), SUBSCRIPTION, json!({ "tracking": AVERYS }))
            .await;
    }
    feed.wait_for_subscribers(10).await;
    // Each subscription looked its inquiry up once, when it subscribed: let those calls finish.
    feed.wait_for_rounds(feed.rounds() + 2).await;
    let ten = calls_over(&feed, ROUNDS).await;

    println!(
        "support calls over {ROUNDS} feed rounds: no subscriber {none}, 1 subscriber {one}, 10 subscribers {ten}"
    );
    for calls in [none, one, ten] {
        // One feed call per round; the count is read between rounds, so it may be off by one.
        assert!(
            (ROUNDS - 1..=ROUNDS + 1).contains(&calls),
            "{none} / {one} / {ten}"
        );
    }
    assert!(ten <= one + 2, "{one} vs {ten}");
}

/// A gateway (sandbox profile, no embedded sandbox) on `standalone`'s backends, its shared
/// cache tier in the Redis at `url` under `prefix`: its server's task, and its state.
async fn gateway_on(
    standalone: &supportgraph_adapters::sandbox::SandboxHandle,
    url: &str,
    prefix: &str,
) -> (tokio::task::JoinHandle<std::io::Result<()>>, Arc<App>) {
    let mut settings = Settings::load_without_env(None).expect("the defaults load");
    settings.sandbox.embedded = false;
    settings.server.port = 0;
    settings.inquiries.feed_poll_ms = 50;
    settings.redis.url = Some(url.to_owned());
    settings.redis.key_prefix = prefix.to_owned();
    crate::helpers::use_standalone_backends(&mut settings, standalone);
    let application = supportgraph::startup::Application::build(settings)
        .await
        .expect("the gateway builds");
    let app = application.app();
    (tokio::spawn(application.run_until_stopped()), app)
}

/// Waits until `app`'s feed has finished `n` rounds.
async fn rounds_of(app: &App, n: u64) {
    let mut progress = app.inquiry_feed.watch_progress();
    let read = tokio::time::timeout(PATIENCE * 2, progress.wait_for(|p| p.rounds >= n));
    assert!(read.await.is_ok_and(|r| r.is_ok()), "{n} feed rounds");
}

/// Stops the gateway `server` of `app`, waiting until `standalone`'s support system is no longer
/// called.
async fn stop_gateway(
    standalone: &supportgraph_adapters::sandbox::SandboxHandle,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    app: Arc<App>,
) {
    server.abort();
    drop(app);
    let support = || standalone.stats().instances["support"].calls;
    let stopped = async {
        loop {
            let calls = support();
            tokio::time::sleep(Duration::from_millis(200)).await;
            if support() == calls {
                return;
            }
        }
    };
    assert!(
        tokio::time::timeout(PATIENCE, stopped).await.is_ok(),
        "the feed stops with its server"
    );
}

/// Support answers `tracking` on `standalone`: the inquiry afterwards, as the support system's
/// JSON.
async fn answer_on(
    standalone: &supportgraph_adapters::sandbox::SandboxHandle,
    tracking: &str,
    message: &str,
) -> Value {
    let answer = standalone
        .base_url("support")
        .join(&format!("admin/inquiries/{tracking}/answer"))
        .expect("a URL");
    let response = reqwest::Client::new()
        .post(answer)
        .json(&json!({ "message": message }))
        .send()
        .await
        .expect("the sandbox answers");
    assert_eq!(response.status(), 200);
    response.json().await.expect("JSON")
}

/// Waits until `standalone`'s outbox holds the answer e-mail of `inquiry`'s last message.
async fn wait_for_answer_mail(
    standalone: &supportgraph_adapters::sandbox::SandboxHandle,
    inquiry: &Value,
    what: &str,
) {
    let key = answer_key(inquiry);
    let sent = async {
        while !standalone
            .outbox()
            .iter()
            .any(|m| m.idempotency_key.as_deref() == Some(key.as_str()))
        {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    assert!(
        tokio::time::timeout(PATIENCE * 2, sent).await.is_ok(),
        "{what}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_gateway_emails_the_answers_given_while_it_was_down() {
    let Some(url) = crate::helpers::redis_url().await else {
        return;
    };
    let prefix = crate::helpers::unique_prefix("inquiry-feed");
    let standalone = standalone_sandbox().await;

    // The first gateway reads the feed "from now" and stores its position; then it stops.
    let (server, app) = gateway_on(&standalone, &url, &prefix).await;
    rounds_of(&app, 2).await;
    let redis = redis::Client::open(url.as_str()).expect("a Redis URL");
    let mut connection = redis
        .get_multiplexed_async_connection()
        .await
        .expect("Redis answers");
    let key = format!("{prefix}:inquiry-feed:position");
    let stored: Option<u64> = redis::cmd("GET")
        .arg(&key)
        .query_async(&mut connection)
        .await
        .expect("a GET");
    assert!(stored.is_some(), "the position is stored under {key}");
    stop_gateway(&standalone, server, app).await;

    // Support answers meanwhile; nobody e-mails it.
    let inquiry = answer_on(&standalone, AVERYS, "Answered while the gateway was down.").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(standalone.outbox().is_empty(), "no gateway runs");

    // The next gateway goes on from the stored position, so the answer is e-mailed.
    let (_server, _app) = gateway_on(&standalone, &url, &prefix).await;
    wait_for_answer_mail(
        &standalone,
        &inquiry,
        "the answer given while no gateway ran is e-mailed",
    )
    .await;
    let _: () = redis::cmd("DEL")
        .arg(key)
        .query_async(&mut connection)
        .await
        .expect("a DEL");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_e_mail_still_waiting_when_the_gateway_stops_is_sent_by_the_next() {
    let Some(url) = crate::helpers::redis_url().await else {
        return;
    };
    let prefix = crate::helpers::unique_prefix("inquiry-feed");
    let standalone = standalone_sandbox().await;

    // The first gateway reads the answer but cannot e-mail it, and reads on past it.
    let (server, app) = gateway_on(&standalone, &url, &prefix).await;
    rounds_of(&app, 2).await;
    let failing = FaultSpec {
        error_rate: 1.0,
        ..FaultSpec::default()
    };
    standalone
        .set_fault("mail", failing)
        .expect("a known instance");
    let inquiry = answer_on(
        &standalone,
        AVERYS,
        "Answered while the mail service failed.",
    )
    .await;
    let mut progress = app.inquiry_feed.watch_progress();
    let waiting = tokio::time::timeout(PATIENCE, progress.wait_for(|p| p.pending_mails == 1));
    assert!(waiting.await.is_ok_and(|r| r.is_ok()), "the e-mail waits");
    let later = standalone
        .base_url("support")
        .join(&format!("admin/inquiries/{AVERYS_OTHER}/status"))
        .expect("a URL");
    let response = reqwest::Client::new()
        .post(later)
        .json(&json!({ "status": "IN_PROGRESS" }))
        .send()
        .await
        .expect("the sandbox answers");
    assert_eq!(response.status(), 200);
    let rounds = app.inquiry_feed.watch_progress().borrow().rounds;
    rounds_of(&app, rounds + 3).await;
    stop_gateway(&standalone, server, app).await;
    assert!(standalone.outbox().is_empty(), "nothing went out");

    // The mail service is back; the next gateway reads from before the answer and e-mails it.
    standalone
        .set_fault("mail", FaultSpec::default())
        .expect("a known instance");
    let (_server, _app) = gateway_on(&standalone, &url, &prefix).await;
    wait_for_answer_mail(
        &standalone,
        &inquiry,
        "the e-mail still waiting when the first gateway stopped is sent",
    )
    .await;
    let redis = redis::Client::open(url.as_str()).expect("a Redis URL");
    let mut connection = redis
        .get_multiplexed_async_connection()
        .await
        .expect("Redis answers");
    let _: () = redis::cmd("DEL")
        .arg(format!("{prefix}:inquiry-feed:position"))
        .query_async(&mut connection)
        .await
        .expect("a DEL");
}
