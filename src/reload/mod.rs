//! Hot reload: what an operator changes without a restart — the country directory (a country's
//! tools), the carrier directory, the limits and rate limits, the CORS origins, and the
//! persisted-documents manifest — taken while the gateway serves, on SIGHUP and whenever one of
//! the files changes ([`watch`]).
//!
//! Every source is read whole and checked exactly as at start-up before anything is replaced: a
//! broken file is refused, the version in use stays, the reason is logged, and the
//! `supportgraph_config_reload_failed{source}` gauge says so until a good version arrives
//! (`supportgraph_config_reloads_total{source, outcome}` counts every attempt). A reload swaps
//! values readers take as snapshots ([`Reloadable`]), so no request waits for it or fails
//! because of it; a request that started before keeps what it started with.
//!
//! The settings file is read again with the same layers as at start-up (defaults, the file, the
//! environment when start-up read it). Only the sections above take effect; a change to anything
//! else (ports, backends, Redis, keys) is logged as needing a restart and otherwise ignored.

mod reloadable;
mod watch;

use std::path::PathBuf;
use std::sync::Mutex;

pub use reloadable::Reloadable;
pub use watch::start;

use crate::app::App;
use crate::carriers::CarrierDirectory;
use crate::countries::CountryDirectory;
use crate::graphql::limits::DocumentLimits;
use crate::hashing::sha256_hex;
use crate::http::safelist::Manifest;
use crate::settings::Settings;

/// One file the gateway reloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// The settings file (`--config` / `SUPPORTGRAPH_CONFIG`).
    Settings,
    /// `countries_file`.
    Countries,
    /// `carriers_file`.
    Carriers,
    /// `persisted_documents.manifest`.
    Manifest,
}

impl Source {
    /// The metric label.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Settings => "settings",
            Self::Countries => "countries",
            Self::Carriers => "carriers",
            Self::Manifest => "persisted_documents",
        }
    }
}

/// What one reload did with one source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The file is as it was when last taken: nothing to do.
    Unchanged,
    /// The new version is in use.
    Applied,
    /// The new version was refused (the reason); the one in use stays.
    Refused(String),
}

/// The outcome of a reload, per source that is configured.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// In the order the sources were read.
    pub outcomes: Vec<(Source, Outcome)>,
}

impl Report {
    /// The outcome for `source`, if it was read.
    pub fn of(&self, source: Source) -> Option<&Outcome> {
        self.outcomes
            .iter()
            .find(|(s, _)| *s == source)
            .map(|(_, o)| o)
    }
}

/// What the gateway last took from each file (by content hash), so a reload that finds the
/// same bytes does nothing and says nothing. One reload runs at a time.
#[derive(Default)]
pub struct ReloadState {
    taken: Mutex<Vec<(PathBuf, String)>>,
}

impl ReloadState {
    fn is_new(&self, path: &std::path::Path, hash: &str) -> bool {
        let taken = self.taken.lock().unwrap_or_else(|e| e.into_inner());
        !taken.iter().any(|(p, h)| p == path && h == hash)
    }

    fn remember(&self, path: &std::path::Path, hash: String) {
        let mut taken = self.taken.lock().unwrap_or_else(|e| e.into_inner());
        taken.retain(|(p, _)| p != path);
        taken.push((path.to_path_buf(), hash));
    }
}

/// Reads every configured source again and applies what changed and checks out.
pub fn reload(app: &App) -> Report {
    // Reloads from the signal and the watcher never interleave.
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let mut report = Report::default();
    if app.settings.source.file.is_some() {
        report
            .outcomes
            .push((Source::Settings, reload_settings(app)));
    }
    // Directories come from the paths start-up used: moving them needs a restart.
    let countries = &app.settings.countries_file;
    report.outcomes.push((
        Source::Countries,
        reload_file(app, countries, |text| {
            let directory = CountryDirectory::parse(text)?;
            app.countries.replace(directory);
            Ok(())
        }),
    ));
    let carriers = &app.settings.carriers_file;
    report.outcomes.push((
        Source::Carriers,
        reload_file(app, carriers, |text| {
            let directory = CarrierDirectory::parse(text)?;
            app.carriers.replace(directory);
            Ok(())
        }),
    ));
    if let Some(path) = app.persisted.safelist().path() {
        let path = path.to_path_buf();
        report.outcomes.push((
            Source::Manifest,
            reload_file(app, &path, |text| {
                let manifest = Manifest::parse(text.as_bytes()).map_err(|e| e.to_string())?;
                app.persisted.safelist().install(manifest);
                Ok(())
            }),
        ));
    }
    for (source, outcome) in &report.outcomes {
        record(*source, outcome);
    }
    report
}

/// Reads the settings file again; applies the reloadable sections when it loads and checks.
fn reload_settings(app: &App) -> Outcome {
    let Some(path) = app.settings.source.file.clone() else {
        return Outcome::Unchanged;
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) => {
            return Outcome::Refused(format!("cannot read {}: {error}", path.display()));
        }
    };
    let hash = sha256_hex(&text);
    if !app.reload_state.is_new(&path, &hash) {
        return Outcome::Unchanged;
    }
    let loaded = if app.settings.source.env {
        Settings::load(Some(&path))
    } else {
        Settings::load_without_env(Some(&path))
    };
    let new = match loaded {
        Ok(new) => new,
        Err(error) => return Outcome::Refused(error.to_string()),
    };
    if new.profile != app.settings.profile {
        // Also what a file read half-written (empty: the development defaults) looks like.
        return Outcome::Refused(format!(
            "the profile is {:?}, not the {:?} this gateway runs: a new profile needs a restart",
            new.profile, app.settings.profile
        ));
    }
    // Whether introspection is served is fixed when the schema is built: it stays as started.
    app.document_limits.replace(DocumentLimits {
        introspection: app.settings.server.introspection,
        ..DocumentLimits::from(&new)
    });
    app.rate_limits.reconfigure(&new.limits);
    app.cors_origins
        .replace(crate::http::cors::patterns(&new.cors));
    let restart_needed = needs_restart(&app.settings, &new);
    if !restart_needed.is_empty() {
        tracing::warn!(
            sections = %restart_needed.join(", "),
            "settings changed that take effect only after a restart; the rest is applied"
        );
    }
    app.reload_state.remember(&path, hash);
    Outcome::Applied
}

/// The sections of `new` that differ from `old` but are not reloaded.
fn needs_restart(old: &Settings, new: &Settings) -> Vec<&'static str> {
    let differs =
        |a: &dyn std::fmt::Debug, b: &dyn std::fmt::Debug| format!("{a:?}") != format!("{b:?}");
    let mut sections = Vec::new();
    // What the command line overrides is not in the file: compare the rest of `server`.
    let server_differs = {
        let mut new_server = new.server.clone();
        new_server.port = old.server.port;
        new_server.bind = old.server.bind;
        differs(&old.server, &new_server)
    };
    let graphql_differs = old.graphql.max_recursive_depth != new.graphql.max_recursive_depth
        || old.graphql.field_suggestions != new.graphql.field_suggestions
        || old.graphql.max_page_size != new.graphql.max_page_size
        || old.graphql.default_page_size != new.graphql.default_page_size;
    let checks: [(&'static str, bool); 20] = [
        ("server", server_differs),
        ("auth", differs(&old.auth, &new.auth)),
        ("backends", differs(&old.backends, &new.backends)),
        ("redis", differs(&old.redis, &new.redis)),
        ("cache", differs(&old.cache, &new.cache)),
        (
            "countries_file / carriers_file",
            old.countries_file != new.countries_file || old.carriers_file != new.carriers_file,
        ),
        (
            "persisted_documents",
            differs(&old.persisted_documents, &new.persisted_documents),
        ),
        ("graphiql", differs(&old.graphiql, &new.graphiql)),
        (
            "limits.max_response_bytes",
            old.limits.max_response_bytes != new.limits.max_response_bytes,
        ),
        (
            "graphql.max_recursive_depth, field_suggestions, page sizes",
            graphql_differs,
        ),
        (
            "cors.max_age_seconds",
            old.cors.max_age_seconds != new.cors.max_age_seconds,
        ),
        ("csrf", differs(&old.csrf, &new.csrf)),
        ("guest", differs(&old.guest, &new.guest)),
        ("resilience", differs(&old.resilience, &new.resilience)),
        ("links", differs(&old.links, &new.links)),
        ("live", differs(&old.live, &new.live)),
        (
            "inquiries / portal",
            differs(&old.inquiries, &new.inquiries) || differs(&old.portal, &new.portal),
        ),
        ("contracts", differs(&old.contracts, &new.contracts)),
        ("telemetry", differs(&old.telemetry, &new.telemetry)),
        (
            "sandbox / reload",
            differs(&old.sandbox, &new.sandbox) || differs(&old.reload, &new.reload),
        ),
    ];
    for (name, changed) in checks {
        if changed {
            sections.push(name);
        }
    }
    sections
}

/// Reads `path` and hands its text to `apply` when it changed since it was last taken.
fn reload_file(
    app: &App,
    path: &std::path::Path,
    apply: impl FnOnce(&str) -> Result<(), String>,
) -> Outcome {
    let text = match read_bounded(path) {
        Ok(text) => text,
        Err(reason) => return Outcome::Refused(reason),
    };
    let hash = sha256_hex(&text);
    if !app.reload_state.is_new(path, &hash) {
        return Outcome::Unchanged;
    }
    match apply(&text) {
        Ok(()) => {
            app.reload_state.remember(path, hash);
            Outcome::Applied
        }
        Err(reason) => Outcome::Refused(reason),
    }
}

/// The largest configuration file read (the manifest's own limit; directories are far smaller).
const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// A configuration file's text, refusing one larger than [`MAX_FILE_BYTES`].
fn read_bounded(path: &std::path::Path) -> Result<String, String> {
    let unreadable = |e: std::io::Error| format!("cannot read {}: {e}", path.display());
    let size = std::fs::metadata(path).map_err(unreadable)?.len();
    if size > MAX_FILE_BYTES {
        return Err(format!(
            "{} is larger than {MAX_FILE_BYTES} bytes",
            path.display()
        ));
    }
    std::fs::read_to_string(path).map_err(unreadable)
}

/// Logs and counts one source's outcome.
fn record(source: Source, outcome: &Outcome) {
    let label = source.as_str();
    match outcome {
        Outcome::Unchanged => {}
        Outcome::Applied => {
            tracing::info!(source = label, "configuration reloaded");
            metrics::counter!("supportgraph_config_reloads_total", "source" => label, "outcome" => "applied").increment(1);
            metrics::gauge!("supportgraph_config_reload_failed", "source" => label).set(0.0);
        }
        Outcome::Refused(reason) => {
            tracing::error!(
                source = label,
                %reason,
                "configuration reload refused: the version in use stays"
            );
            metrics::counter!("supportgraph_config_reloads_total", "source" => label, "outcome" => "refused").increment(1);
            metrics::gauge!("supportgraph_config_reload_failed", "source" => label).set(1.0);
        }
    }
}

/// Remembers what start-up read, so the first reload only acts on real changes.
pub fn remember_startup(app: &App) {
    let mut paths = vec![
        app.settings.countries_file.clone(),
        app.settings.carriers_file.clone(),
    ];
    paths.extend(app.settings.source.file.clone());
    paths.extend(
        app.persisted
            .safelist()
            .path()
            .map(std::path::Path::to_path_buf),
    );
    for path in paths {
        if let Ok(text) = std::fs::read_to_string(&path) {
            app.reload_state.remember(&path, sha256_hex(&text));
        }
    }
}
