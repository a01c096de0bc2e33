//! What sets a reload off: SIGHUP, and a change to any reloaded file.
//!
//! Files are watched through their directories, not by themselves: editors replace a file by
//! renaming a new one over it, and Kubernetes updates a mounted ConfigMap by swapping a symbolic
//! link in the directory, and a watch on the old file would see neither. Events come in bursts
//! (a write is several), so a reload runs once the directory has been quiet for
//! [`SETTLE`]; a reload of unchanged files does nothing ([`super::reload`] compares contents).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use notify::{RecursiveMode, Watcher};
use tokio::sync::mpsc;

use crate::app::App;

/// How long the watched directories must be quiet before a reload runs.
const SETTLE: Duration = Duration::from_millis(200);

/// Reloads on SIGHUP and on file changes for as long as the returned guard lives.
pub fn start(app: &Arc<App>) -> ReloadTriggers {
    super::remember_startup(app);
    let (tx, rx) = mpsc::unbounded_channel::<()>();
    let watcher = watch_files(app, tx.clone());
    let signal = tokio::spawn(on_sighup(tx));
    let reloader = tokio::spawn(run(app.clone(), rx));
    ReloadTriggers {
        _watcher: watcher,
        signal,
        reloader,
    }
}

/// Stops the triggers when dropped.
pub struct ReloadTriggers {
    _watcher: Option<notify::RecommendedWatcher>,
    signal: tokio::task::JoinHandle<()>,
    reloader: tokio::task::JoinHandle<()>,
}

impl Drop for ReloadTriggers {
    fn drop(&mut self) {
        self.signal.abort();
        self.reloader.abort();
    }
}

/// Runs a reload per settled burst of triggers, off the async threads (it reads files).
async fn run(app: Arc<App>, mut triggers: mpsc::UnboundedReceiver<()>) {
    while triggers.recv().await.is_some() {
        // Let the burst settle, then take everything it held.
        loop {
            match tokio::time::timeout(SETTLE, triggers.recv()).await {
                Ok(Some(())) => continue,
                Ok(None) => return,
                Err(_) => break,
            }
        }
        let app = app.clone();
        if let Err(error) = tokio::task::spawn_blocking(move || super::reload(&app)).await {
            tracing::error!(%error, "a configuration reload did not finish");
        }
    }
}

#[cfg(unix)]
async fn on_sighup(tx: mpsc::UnboundedSender<()>) {
    use tokio::signal::unix::{SignalKind, signal};
    let mut hangups = match signal(SignalKind::hangup()) {
        Ok(hangups) => hangups,
        Err(error) => {
            tracing::error!(%error, "cannot listen for SIGHUP: reload on file changes only");
            return;
        }
    };
    while hangups.recv().await.is_some() {
        tracing::info!("SIGHUP: reloading the configuration");
        if tx.send(()).is_err() {
            return;
        }
    }
}

#[cfg(not(unix))]
async fn on_sighup(_tx: mpsc::UnboundedSender<()>) {}

/// Watches the directories of every reloaded file; `None` (logged) when the platform refuses,
/// in which case SIGHUP still reloads.
fn watch_files(app: &App, tx: mpsc::UnboundedSender<()>) -> Option<notify::RecommendedWatcher> {
    if !app.settings.reload.watch_files {
        return None;
    }
    let mut files: Vec<PathBuf> = vec![
        app.settings.countries_file.clone(),
        app.settings.carriers_file.clone(),
    ];
    files.extend(app.settings.source.file.clone());
    files.extend(app.persisted.safelist().path().map(Path::to_path_buf));
    let directories: BTreeSet<PathBuf> = files
        .iter()
        .map(|file| match file.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        })
        .collect();
    let handler = move |event: notify::Result<notify::Event>| {
        if event.is_ok_and(|event| !event.kind.is_access()) {
            let _ = tx.send(());
        }
    };
    let mut watcher = match notify::recommended_watcher(handler) {
        Ok(watcher) => watcher,
        Err(error) => {
            tracing::warn!(%error, "cannot watch the configuration files: reload on SIGHUP only");
            return None;
        }
    };
    for directory in directories {
        if let Err(error) = watcher.watch(&directory, RecursiveMode::NonRecursive) {
            tracing::warn!(
                %error,
                directory = %directory.display(),
                "cannot watch a configuration directory: reload on SIGHUP only"
            );
        }
    }
    Some(watcher)
}
