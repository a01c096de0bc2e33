//! One client script running under a test: its output read line by line as it comes, so the test
//! can act when the script reaches a step (a line it prints, such as `READY order-subscribed`),
//! and its end, which fails the test with the whole output unless the script exits 0 — all
//! within [`SCRIPT_TIMEOUT`] from its start.

use std::path::PathBuf;
use std::process::{ExitStatus, Stdio};

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::{SCRIPT_TIMEOUT, clients_dir, python};

/// A script started from `tests/clients/` (with Python for `.py`, else Node); killed if the test
/// ends first.
pub(super) struct Script {
    name: String,
    child: Child,
    deadline: Instant,
    /// Its stdout lines, as they come; closed when it closes stdout.
    lines: mpsc::UnboundedReceiver<String>,
    /// Its whole stdout and stderr, once it closes them.
    stdout: JoinHandle<String>,
    stderr: JoinHandle<String>,
}

impl Script {
    /// Starts `tests/clients/<script>` with `env`.
    pub(super) fn start(script: &str, env: &[(&str, &str)]) -> Script {
        let program = if script.ends_with(".py") {
            python()
        } else {
            PathBuf::from("node")
        };
        let mut command = Command::new(program);
        command
            .arg(script)
            .current_dir(clients_dir())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("the script starts");
        let (sender, lines) = mpsc::unbounded_channel();
        let stdout = child.stdout.take().expect("stdout is piped");
        let stdout = tokio::spawn(async move {
            let mut all = String::new();
            let mut reader = BufReader::new(stdout).lines();
            while let Ok(Some(line)) = reader.next_line().await {
                all.push_str(&line);
                all.push('\n');
                let _ = sender.send(line);
            }
            all
        });
        let stderr = tokio::spawn(read_all(child.stderr.take().expect("stderr is piped")));
        Script {
            name: script.to_owned(),
            child,
            deadline: Instant::now() + SCRIPT_TIMEOUT,
            lines,
            stdout,
            stderr,
        }
    }

    /// Waits until the script prints `line` (the whole line); panics with its output if it ends
    /// first or runs out of time.
    pub(super) async fn wait_for_line(&mut self, line: &str) {
        let seen = tokio::time::timeout_at(self.deadline, async {
            while let Some(printed) = self.lines.recv().await {
                if printed == line {
                    return true;
                }
            }
            false
        });
        match seen.await {
            Ok(true) => {}
            Ok(false) => self.fail(&format!("ended before printing {line:?}")).await,
            Err(_) => self.fail(&format!("did not print {line:?} in time")).await,
        }
    }

    /// Panics with the script's output when what the test observed of the gateway meanwhile
    /// (`observed`) is not what the script's step should have made it.
    pub(super) async fn fail_unless(&mut self, observed: Result<(), String>) {
        if let Err(why) = observed {
            self.fail(&format!("ran, but {why}")).await;
        }
    }

    /// Waits for the script to end; panics with its output unless it exits 0 in time.
    pub(super) async fn finish(mut self) {
        let (status, stdout, stderr) = self.output().await;
        // Shown by the test harness when the test fails, or with `--nocapture`.
        println!("--- {} stdout ---\n{stdout}", self.name);
        if !stderr.trim().is_empty() {
            println!("--- {} stderr ---\n{stderr}", self.name);
        }
        let ended = status.map_or_else(|| "killed: out of time".to_owned(), |s| s.to_string());
        assert!(
            status.is_some_and(|s| s.success()),
            "{} failed ({ended}):\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}",
            self.name
        );
    }

    /// Panics with `why` and the script's output (killing it if it still runs).
    async fn fail(&mut self, why: &str) {
        let _ = self.child.start_kill();
        let (_, stdout, stderr) = self.output().await;
        panic!(
            "{} {why}:\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}",
            self.name
        )
    }

    /// Its exit status (`None`: killed at the deadline) and whole output.
    async fn output(&mut self) -> (Option<ExitStatus>, String, String) {
        let status = match tokio::time::timeout_at(self.deadline, self.child.wait()).await {
            Ok(status) => Some(status.expect("the script's status is readable")),
            Err(_) => {
                let _ = self.child.kill().await;
                None
            }
        };
        let stdout = (&mut self.stdout).await.unwrap_or_default();
        let stderr = (&mut self.stderr).await.unwrap_or_default();
        (status, stdout, stderr)
    }
}

/// Everything `stream` gives until it closes (lossy UTF-8).
async fn read_all(mut stream: impl AsyncRead + Unpin) -> String {
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes).await;
    String::from_utf8_lossy(&bytes).into_owned()
}
