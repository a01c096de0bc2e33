//! The `supportgraph` command: `serve` (default), `sandbox`, `schema`, `token`.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use supportgraph::auth::SandboxIdentityProvider;
use supportgraph::settings::{Profile, Settings};
use supportgraph::startup::Application;
use supportgraph_adapters::sandbox::{self, SandboxConfig, demo};

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
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the gateway (the default).
    Serve {
        /// Port to listen on (0 picks a free one); overrides server.port.
        #[arg(long)]
        port: Option<u16>,
        /// Address to listen on; overrides server.bind.
        #[arg(long)]
        bind: Option<IpAddr>,
    },
    /// Run the simulated backends alone.
    Sandbox {
        /// Port to listen on (0 picks a free one).
        #[arg(long, default_value_t = 4100)]
        port: u16,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1")]
        bind: IpAddr,
    },
    /// Print the schema (SDL).
    Schema,
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
    if matches!(cli.command, Some(Command::Schema)) {
        print!("{}", supportgraph::graphql::sdl());
        return ExitCode::SUCCESS;
    }
    let settings = match Settings::load(cli.config.as_deref()) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("supportgraph: configuration error: {error}");
            return ExitCode::from(CONFIG_ERROR);
        }
    };
    match cli.command.unwrap_or(Command::Serve {
        port: None,
        bind: None,
    }) {
        Command::Token { list, user } => token(&settings, list, user),
        command => {
            supportgraph::telemetry::init(cli.log_json);
            let runtime = match tokio::runtime::Runtime::new() {
                Ok(runtime) => runtime,
                Err(error) => {
                    eprintln!("supportgraph: cannot start the async runtime: {error}");
                    return ExitCode::FAILURE;
                }
            };
            runtime.block_on(async move {
                match command {
                    Command::Sandbox { port, bind } => run_sandbox(&settings, bind, port).await,
                    Command::Serve { port, bind } => serve(settings, bind, port).await,
                    Command::Schema | Command::Token { .. } => ExitCode::SUCCESS,
                }
            })
        }
    }
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
    match SandboxIdentityProvider::new(&settings.auth).and_then(|idp| idp.mint(user.user_id)) {
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
    let config = SandboxConfig {
        seed: settings.sandbox.seed,
        faults: settings.sandbox.faults.clone(),
    };
    match sandbox::start(config, SocketAddr::new(bind, port)).await {
        Ok(handle) => {
            println!("supportgraph sandbox backends on http://{}", handle.addr());
            for instance in sandbox::INSTANCES {
                println!("  {:<24} {}", instance, handle.base_url(instance));
            }
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
    let demo_token = match settings.profile {
        Profile::Sandbox => SandboxIdentityProvider::new(&settings.auth)
            .and_then(|idp| idp.mint(demo::users()[0].0.user_id))
            .ok(),
        Profile::Production => None,
    };
    let graphiql = settings.server.graphiql;
    let application = match Application::build(settings).await {
        Ok(application) => application,
        Err(error) => {
            eprintln!("supportgraph: cannot start: {error}");
            return ExitCode::FAILURE;
        }
    };
    let addr = application.local_addr();
    let host = if addr.ip().is_unspecified() {
        "127.0.0.1".to_owned()
    } else {
        addr.ip().to_string()
    };
    let base = format!("http://{host}:{}", addr.port());
    println!("supportgraph listening on {base} (port {})", addr.port());
    println!("  GraphQL endpoint: {base}/graphql");
    if graphiql {
        println!("  GraphiQL:         {base}/graphiql");
    }
    if let Some(sandbox) = application.sandbox() {
        println!(
            "  Sandbox backends: http://{} (embedded, demo data)",
            sandbox.addr()
        );
    }
    if let Some(token) = demo_token {
        let (user, company) = &demo::users()[0];
        println!();
        println!(
            "Demo token for {} ({}, {}); paste into GraphiQL's Headers tab:",
            user.name, user.user_id, company.name
        );
        println!("{{\"Authorization\": \"Bearer {token}\"}}");
        println!();
        println!("Other demo users: supportgraph token --list; supportgraph token --user ID");
    }
    match application.run_until_stopped().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("supportgraph: server error: {error}");
            ExitCode::FAILURE
        }
    }
}
