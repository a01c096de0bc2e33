//! The `supportgraph` command: `serve` (default), `sandbox`, `schema`, `token`.

// `supportgraph sandbox` runs the simulators alone (see clippy.toml).
#![allow(clippy::disallowed_methods)]

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use supportgraph::settings::{Profile, Settings};
use supportgraph::startup::{Application, StartupError, sandbox_config, sandbox_identity};
use supportgraph_adapters::sandbox::identity::SandboxIdentityProvider;
use supportgraph_adapters::sandbox::{self, demo};

/// jemalloc rather than the system allocator: a request allocates and frees many small values
/// (wire JSON, model, GraphQL values), and with glibc's allocator that was about a quarter of
/// the gateway's CPU under load (benches/README.md has the before and after; its build-time
/// options are in .cargo/config.toml).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// One GraphQL API over the vendor's regional customer-administration systems.
#[derive(Parser)]
#[command(name = "supportgraph", version)]
struct Cli {
    /// A configuration file layered over config/default.toml (also SUPPORTGRAPH_CONFIG).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Log one JSON object per line.
    #[arg(long, global = true)]
    log_json: bool,
    /// Port to listen on (0 picks a free one); overrides server.port (serve) or 4100 (sandbox).
    #[arg(long, global = true)]
    port: Option<u16>,
    /// Address to listen on; overrides server.bind (serve) or 127.0.0.1 (sandbox).
    #[arg(long, global = true)]
    bind: Option<IpAddr>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the gateway (the default).
    Serve,
    /// Run the simulated backends alone.
    Sandbox,
    /// Print the schema (SDL).
    Schema {
        /// As a Federation v2 subgraph (what `_service { sdl }` answers): with `@link` and `@key`.
        #[arg(long)]
        federation: bool,
    },
    /// Print a sandbox token for a demo user.
    Token {
        /// List the demo users instead.
        #[arg(long)]
        list: bool,
        /// The demo user (default: the first in --list).
        #[arg(long)]
        user: Option<String>,
    },
}

/// Exit code for configuration and usage errors.
const CONFIG_ERROR: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(Command::Schema { federation }) = cli.command {
        if federation {
            print!("{}", supportgraph::graphql::subgraph_sdl());
        } else {
            print!("{}", supportgraph::graphql::sdl());
        }
        return ExitCode::SUCCESS;
    }
    let settings = match Settings::load(cli.config.as_deref()) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("supportgraph: configuration error: {error}");
            return ExitCode::from(CONFIG_ERROR);
        }
    };
    let (port, bind) = (cli.port, cli.bind);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Token { list, user } => token(&settings, list, user),
        command => {
            // Kept to the end: dropping it sends the spans still queued.
            let _telemetry = supportgraph::telemetry::init_with(cli.log_json, &settings.telemetry);
            let runtime = match tokio::runtime::Runtime::new() {
                Ok(runtime) => runtime,
                Err(error) => {
                    eprintln!("supportgraph: cannot start the async runtime: {error}");
                    return ExitCode::FAILURE;
                }
            };
            runtime.block_on(async move {
                match command {
                    Command::Sandbox => {
                        let bind = bind.unwrap_or(IpAddr::from([127, 0, 0, 1]));
                        run_sandbox(&settings, bind, port.unwrap_or(4100)).await
                    }
                    Command::Serve => serve(settings, bind, port).await,
                    Command::Schema { .. } | Command::Token { .. } => ExitCode::SUCCESS,
                }
            })
        }
    }
}

/// A sandbox token for `user_id`, signed with the development key the sandbox's JWKS publishes.
/// Refused in the production profile, whose tokens come only from the identity provider.
fn mint(settings: &Settings, user_id: &str) -> Result<String, String> {
    if settings.profile == Profile::Production {
        return Err(
            "the production profile has no sandbox tokens: sign in with the identity provider"
                .to_owned(),
        );
    }
    let config = sandbox_identity(settings).map_err(|e| e.to_string())?;
    SandboxIdentityProvider::new(&config)
        .and_then(|idp| idp.mint(user_id))
        .map_err(|e| e.to_string())
}

fn token(settings: &Settings, list: bool, user: Option<String>) -> ExitCode {
    let users = demo::users();
    if list {
        for (user, company) in &users {
            println!(
                "{:<18} {:<18} {} ({})",
                user.user_id, user.name, company.name, user.country
            );
        }
        return ExitCode::SUCCESS;
    }
    let chosen = match &user {
        None => users.first(),
        Some(id) => users.iter().find(|(u, _)| u.user_id == id),
    };
    let Some((user, _)) = chosen else {
        eprintln!(
            "supportgraph: no demo user {:?}; `supportgraph token --list` shows them",
            user.unwrap_or_default()
        );
        return ExitCode::from(CONFIG_ERROR);
    };
    match mint(settings, user.user_id) {
        Ok(token) => {
            println!("{token}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("supportgraph: {error}");
            ExitCode::from(CONFIG_ERROR)
        }
    }
}

async fn run_sandbox(settings: &Settings, bind: IpAddr, port: u16) -> ExitCode {
    let config = match sandbox_config(settings) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("supportgraph: {error}");
            return ExitCode::from(CONFIG_ERROR);
        }
    };
    match sandbox::start(config, SocketAddr::new(bind, port)).await {
        Ok(handle) => {
            let mut banner = format!(
                "supportgraph sandbox backends on http://{}\n",
                handle.addr()
            );
            for instance in sandbox::INSTANCES {
                banner += &format!("  {:<24} {}\n", instance, handle.base_url(instance));
            }
            say(&banner);
            if let Err(error) = tokio::signal::ctrl_c().await {
                eprintln!("supportgraph: cannot wait for Ctrl-C: {error}");
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("supportgraph: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(mut settings: Settings, bind: Option<IpAddr>, port: Option<u16>) -> ExitCode {
    if let Some(port) = port {
        settings.server.port = port;
    }
    if let Some(bind) = bind {
        settings.server.bind = bind;
    }
    let first_user = demo::users()
        .into_iter()
        .next()
        .expect("the demo cast has a first user");
    let demo_token = match settings.profile {
        Profile::Sandbox => mint(&settings, first_user.0.user_id).ok(),
        Profile::Production => None,
    };
    let graphiql = settings.graphiql.enabled;
    let application = match Application::build(settings).await {
        Ok(application) => application,
        Err(error) => {
            eprintln!("supportgraph: cannot start: {error}");
            return exit_code(&error);
        }
    };
    let addr = application.local_addr();
    let host = if addr.ip().is_unspecified() {
        "127.0.0.1".to_owned()
    } else {
        addr.ip().to_string()
    };
    let base = format!("http://{host}:{}", addr.port());
    let mut banner = format!("supportgraph listening on {base} (port {})\n", addr.port());
    banner += &format!("  GraphQL endpoint: {base}/graphql\n");
    if graphiql {
        let prefilled = if application.app().demo_identity.is_some() {
            " (a demo token is pre-filled)"
        } else {
            ""
        };
        banner += &format!("  GraphiQL:         {base}/graphiql{prefilled}\n");
    }
    if let Some(sandbox) = application.sandbox() {
        banner += &format!(
            "  Sandbox backends: http://{} (embedded, demo data)\n",
            sandbox.addr()
        );
    }
    if let Some(token) = demo_token {
        let (user, company) = &first_user;
        banner += &format!(
            "\nDemo token for {} ({}, {}), for curl or another client:\n",
            user.name, user.user_id, company.name
        );
        banner += &format!("{{\"Authorization\": \"Bearer {token}\"}}\n\n");
        banner += "Other demo users: supportgraph token --list; supportgraph token --user ID\n";
    }
    say(&banner);
    match application.run_until_stopped().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("supportgraph: server error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn exit_code(error: &StartupError) -> ExitCode {
    if error.is_configuration() {
        ExitCode::from(CONFIG_ERROR)
    } else {
        ExitCode::FAILURE
    }
}

/// Prints to stdout, flushing at once; a closed stdout (the reader went away) must not stop a
/// running server, so write errors are ignored.
fn say(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}
