//! Logging: structured `tracing` output on stderr, filtered by `RUST_LOG` (default `info`), so
//! stdout stays free for what the CLI prints (the banner, a token, the SDL).

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber; `json` switches to one JSON object per line.
pub fn init(json: bool) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,tower_http=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let result = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
    if result.is_err() {
        tracing::debug!("a tracing subscriber was already installed");
    }
}
