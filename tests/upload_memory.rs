//! A 10 MiB attachment passes through the gateway without the gateway holding it: submitting it
//! raises the heap's peak by under 4 MiB (about 1.5 to 2 MiB, as for a 1 MiB file), not by the
//! size of the file.
//!
//! Its own test binary, so the allocator's peak counts this process alone; and the simulated
//! backends run in a child process (`supportgraph sandbox`), because the support simulator keeps
//! every uploaded file in memory and would otherwise be measured with the gateway. The client
//! does not hold the file either: the multipart body is generated a chunk at a time as it is
//! sent. A second, control submission of the same file from a body held whole shows that the
//! measurement sees a 10 MiB copy when there is one.

// Tests drive real HTTP clients and the sandbox's identity provider directly; the boundary
// lint is for the gateway.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::Duration;

use bytes::Bytes;
use futures::stream;
use peak_alloc::PeakAlloc;
use reqwest::header::{ACCEPT, CONTENT_LENGTH, CONTENT_TYPE};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use supportgraph::settings::Settings;
use supportgraph::startup::{Application, sandbox_identity};
use supportgraph_adapters::model::Region;
use supportgraph_adapters::sandbox::identity::SandboxIdentityProvider;
use supportgraph_adapters::{
    billing, contracts, eu_services, mail, order_status, registration, support, us_inventory,
};

#[global_allocator]
static ALLOCATOR: PeakAlloc = PeakAlloc;

const MIB: usize = 1024 * 1024;
/// The attachment: exactly the default `inquiries.max_file_bytes` (the limits are inclusive).
const FILE_BYTES: usize = 10 * MIB;
/// How much of the file one piece of the request body carries.
const CHUNK: usize = 64 * 1024;
/// The most the heap's peak may rise during the submission.
const BOUND: usize = 4 * MIB;
// A copy of the file alone breaks the bound.
const _: () = assert!(BOUND < FILE_BYTES);
/// The demo user, and a customer number of theirs authorised for Inquiries.
const USER: &str = "globex-avery";
const CUSTOMER_NUMBER: &str = "1000101";
const BOUNDARY: &str = "upload-memory-test-boundary-Vb52";
const SUBMIT: &str = "mutation($input: SubmitInquiryInput!) { submitInquiry(input: $input) {
  inquiry { trackingNumber attachments { fileName contentType size sha256 } }
  userErrors { field code message } } }";

/// The file's byte at `at`: a PDF header, then lines of letters (never the boundary).
fn file_byte(at: usize) -> u8 {
    const HEADER: &[u8] = b"%PDF-1.4\n";
    match HEADER.get(at) {
        Some(byte) => *byte,
        None if at % 64 == 63 => b'\n',
        None => b'a' + ((at / 64) % 26) as u8,
    }
}

/// The file's bytes from `start`, `len` of them.
fn file_piece(start: usize, len: usize) -> Vec<u8> {
    (start..start + len).map(file_byte).collect()
}

/// The SHA-256 of a file of `size` bytes, hexadecimal, computed a piece at a time.
fn file_sha256(size: usize) -> String {
    let mut hasher = Sha256::new();
    for start in (0..size).step_by(CHUNK) {
        hasher.update(file_piece(start, CHUNK.min(size - start)));
    }
    supportgraph::hashing::hex(&hasher.finalize())
}

/// A multipart body (the GraphQL multipart request spec) submitting an inquiry with one file of
/// `size` bytes: what comes before the file's bytes, and what comes after.
fn multipart_frame(size: usize) -> (Bytes, Bytes) {
    let operations = json!({
        "query": SUBMIT,
        "variables": { "input": {
            "category": "INVOICES",
            "subject": "Copy of a delivery note",
            "description": "The signed delivery note is attached.",
            "customerNumber": CUSTOMER_NUMBER,
            "attachments": [null],
        }},
    });
    let map = json!({ "0": ["variables.input.attachments.0"] });
    let name = format!("delivery-note-{size}.pdf");
    let before = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{operations}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n{map}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"0\"; filename=\"{name}\"\r\n\
         Content-Type: application/pdf\r\n\r\n"
    );
    let after = format!("\r\n--{BOUNDARY}--\r\n");
    (Bytes::from(before), Bytes::from(after))
}

/// How the client sends the body.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ClientBody {
    /// Generated a piece at a time as it is sent: the client never holds the file.
    Streamed,
    /// Built whole first, as a naive client would: a copy of the file on the heap.
    Whole,
}

/// The request body and its length.
fn upload_body(size: usize, how: ClientBody) -> (reqwest::Body, usize) {
    let (before, after) = multipart_frame(size);
    let length = before.len() + size + after.len();
    let body = match how {
        ClientBody::Streamed => {
            let pieces = (0..size)
                .step_by(CHUNK)
                .map(move |start| Bytes::from(file_piece(start, CHUNK.min(size - start))));
            let all = std::iter::once(before)
                .chain(pieces)
                .chain(std::iter::once(after))
                .map(Ok::<_, std::io::Error>);
            reqwest::Body::wrap_stream(stream::iter(all))
        }
        ClientBody::Whole => {
            let mut whole = Vec::with_capacity(length);
            whole.extend_from_slice(&before);
            whole.extend((0..size).map(file_byte));
            whole.extend_from_slice(&after);
            reqwest::Body::from(whole)
        }
    };
    (body, length)
}

/// `supportgraph sandbox` in a child process, killed when this is dropped (a failing test
/// included).
struct ChildSandbox {
    child: Child,
    /// Kept open so that the child never writes to a closed pipe.
    _stdout: BufReader<ChildStdout>,
    /// `127.0.0.1:PORT`.
    addr: String,
}

impl ChildSandbox {
    /// Starts the simulators on a port of their choosing, read from their banner. The child
    /// loads the shipped defaults, as the gateway here does: no `SUPPORTGRAPH_*` variable, so
    /// its identity provider signs with the key the test mints with.
    fn start() -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_supportgraph"));
        command
            .args(["sandbox", "--port", "0", "--bind", "127.0.0.1"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("SUPPORTGRAPH_") {
                command.env_remove(name);
            }
        }
        let mut child = command.spawn().expect("`supportgraph sandbox` starts");
        let stdout = child.stdout.take().expect("a piped stdout");
        // Dropped, and so killed, if the banner never comes.
        let mut sandbox = Self {
            child,
            _stdout: BufReader::new(stdout),
            addr: String::new(),
        };
        let mut line = String::new();
        sandbox
            ._stdout
            .read_line(&mut line)
            .expect("the sandbox's banner reads");
        sandbox.addr = line
            .trim()
            .strip_prefix("supportgraph sandbox backends on http://")
            .unwrap_or_else(|| panic!("not the sandbox's banner: {line:?}"))
            .to_owned();
        sandbox
    }

    /// The base URL of one backend instance.
    fn url(&self, instance: &str) -> String {
        format!("http://{}/{instance}/", self.addr)
    }
}

impl Drop for ChildSandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The gateway's settings: the shipped defaults with no embedded sandbox, every backend and the
/// key set at the child's, through a configuration file so that the settings' own validation
/// checks that none is left to the (absent) embedded sandbox.
fn gateway_settings(sandbox: &ChildSandbox, dir: &Path) -> Settings {
    let url = |instance: &str| sandbox.url(instance);
    let regional = |name: fn(Region) -> &'static str| {
        format!(
            "americas = \"{}\"\nemea = \"{}\"\nap = \"{}\"\n",
            url(name(Region::Americas)),
            url(name(Region::Emea)),
            url(name(Region::Ap))
        )
    };
    let toml = format!(
        "[server]\nport = 0\n\n\
         [sandbox]\nembedded = false\n\n\
         [auth]\njwks_url = \"{jwks}\"\n\n\
         [inquiries]\n# Read the change feed rarely: no poll lands in the measurement.\nfeed_poll_ms = 60000\n\n\
         [backends.order_status]\n{orders}\n\
         [backends.billing]\n{billing}\n\
         [backends.registration]\nbase_url = \"{registration}\"\n\n\
         [backends.us_inventory]\nbase_url = \"{us_inventory}\"\n\n\
         [backends.eu_services_assistant]\nbase_url = \"{eu_services}\"\n\n\
         [backends.mail]\nbase_url = \"{mail}\"\n\n\
         [backends.support]\nbase_url = \"{support}\"\n\n\
         [backends.contracts]\nbase_url = \"{contracts}\"\n",
        jwks = format_args!("{}.well-known/jwks.json", url("identity")),
        orders = regional(order_status::instance_name),
        billing = regional(billing::instance_name),
        registration = url(registration::INSTANCE),
        us_inventory = url(us_inventory::INSTANCE),
        eu_services = url(eu_services::INSTANCE),
        mail = url(mail::INSTANCE),
        support = url(support::INSTANCE),
        contracts = url(contracts::INSTANCE),
    );
    let file = dir.join("upload-memory.toml");
    std::fs::write(&file, toml).expect("the configuration file writes");
    Settings::load_without_env(Some(&file)).expect("the settings load and validate")
}

/// Waits until the child serves its key set.
async fn wait_until_ready(http: &reqwest::Client, jwks: &str) {
    for _ in 0..200 {
        if let Ok(response) = http.get(jwks).send().await
            && response.status().is_success()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the child sandbox never served {jwks}");
}

/// Submits an inquiry with one generated file of `size` bytes; the `submitInquiry` payload.
async fn submit(
    http: &reqwest::Client,
    address: &str,
    token: &str,
    size: usize,
    how: ClientBody,
) -> Value {
    let (body, length) = upload_body(size, how);
    let response = http
        .post(format!("{address}/graphql"))
        .bearer_auth(token)
        .header("apollo-require-preflight", "true")
        .header(
            CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header(CONTENT_LENGTH, length)
        .header(ACCEPT, "application/graphql-response+json")
        .body(body)
        .send()
        .await
        .expect("the gateway answers");
    let status = response.status();
    let answer: Value = response.json().await.expect("a JSON answer");
    assert_eq!(status, 200, "{answer}");
    assert!(answer.get("errors").is_none(), "{answer}");
    answer["data"]["submitInquiry"].clone()
}

/// Panics unless the payload recorded one attachment of `size` bytes with this SHA-256.
fn assert_stored(payload: &Value, size: usize, sha256: &str) {
    assert_eq!(payload["userErrors"], json!([]), "{payload}");
    let attachment = &payload["inquiry"]["attachments"][0];
    assert_eq!(attachment["size"], size, "{payload}");
    assert_eq!(attachment["sha256"], sha256, "{payload}");
    assert_eq!(attachment["contentType"], "application/pdf", "{payload}");
}

/// How far the heap's peak rose above its level at the start while `work` ran, in bytes.
async fn peak_growth<T>(work: impl Future<Output = T>) -> (T, usize) {
    ALLOCATOR.reset_peak_usage();
    let baseline = ALLOCATOR.current_usage();
    let output = work.await;
    (output, ALLOCATOR.peak_usage().saturating_sub(baseline))
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / MIB as f64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_10_mib_upload_raises_the_peak_heap_by_less_than_4_mib() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let sandbox = ChildSandbox::start();
    let settings = gateway_settings(&sandbox, dir.path());
    let http = reqwest::Client::new();
    let jwks = settings.auth.jwks_url.clone().expect("a key set URL");
    wait_until_ready(&http, jwks.as_str()).await;

    let identity = sandbox_identity(&settings).expect("the sandbox key reads");
    let token = SandboxIdentityProvider::new(&identity)
        .and_then(|provider| provider.mint(USER))
        .expect("a sandbox token mints");
    let application = Application::build(settings)
        .await
        .expect("the gateway builds");
    assert!(application.sandbox().is_none(), "no sandbox in-process");
    let address = format!("http://127.0.0.1:{}", application.port());
    tokio::spawn(application.run_until_stopped());

    // Warm up: the key set, the profile cache, the schema, the connection pools, the temporary
    // file machinery all allocated once, by a small submission on the same path.
    let small = 100 * 1024;
    let payload = submit(&http, &address, &token, small, ClientBody::Streamed).await;
    assert_stored(&payload, small, &file_sha256(small));

    // For comparison: a tenth of the size. A gateway that streams needs about as much for
    // either; one that buffers, ten times as much for the larger.
    let (payload, one_mib_growth) =
        peak_growth(submit(&http, &address, &token, MIB, ClientBody::Streamed)).await;
    println!(
        "streamed 1 MiB upload: peak heap growth {:.2} MiB ({one_mib_growth} bytes)",
        mib(one_mib_growth)
    );
    assert_stored(&payload, MIB, &file_sha256(MIB));

    let sha256 = file_sha256(FILE_BYTES);
    let (payload, growth) = peak_growth(submit(
        &http,
        &address,
        &token,
        FILE_BYTES,
        ClientBody::Streamed,
    ))
    .await;
    println!(
        "streamed 10 MiB upload: peak heap growth {:.2} MiB ({growth} bytes); bound {:.0} MiB",
        mib(growth),
        mib(BOUND)
    );
    assert_stored(&payload, FILE_BYTES, &sha256);

    // The control: the same submission from a body the client holds whole. Its one extra copy
    // of the file must show, or the bound above proves nothing.
    let (payload, control) = peak_growth(submit(
        &http,
        &address,
        &token,
        FILE_BYTES,
        ClientBody::Whole,
    ))
    .await;
    println!(
        "control, body held whole by the client: peak heap growth {:.2} MiB ({control} bytes)",
        mib(control)
    );
    assert_stored(&payload, FILE_BYTES, &sha256);
    assert!(
        control >= FILE_BYTES,
        "the measurement missed a 10 MiB buffer: {:.2} MiB",
        mib(control)
    );

    assert!(
        growth < BOUND,
        "a 10 MiB upload raised the peak heap by {:.2} MiB (bound {:.0} MiB)",
        mib(growth),
        mib(BOUND)
    );
    drop(sandbox);
}
