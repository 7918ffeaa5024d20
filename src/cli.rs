//! The command line: subcommands and their flags. Owns argument parsing and process
//! start-up (error reporting, TLS provider, runtime); the work itself is in the library.
//!
//! With no subcommand, the console starts: on the embedded sandbox unless a profile, a
//! flag or the environment names a Sovereign (see `config`).

use clap::{Args, Parser, Subcommand};
use color_eyre::eyre::{WrapErr, eyre};

use crate::api::{ApiClient, ClientConfig, TokenSource};
use crate::app::oidc::RedirectChoice;
use crate::app::startup::SignInMethod;
use crate::app::{FirstSignIn, Launch};
use crate::config::{self, Dirs, Overrides};
use crate::keymap::{Keymap, Preset};
use crate::sandbox::{FaultArgs, SandboxArgs, SandboxOptions, Scale, SovereignSeed};
use crate::state::Session;
use crate::theme::{Environment, Theme};
use crate::ui::Ui;
use crate::views::Target;

/// Terminal operations console for Catalyst Sovereigns.
#[derive(Debug, Parser)]
#[command(name = "catalyst-tui", version, about, long_about = None, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub console: ConsoleArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the embedded sandbox Sovereign (console API, provisioning API, live events).
    Sandbox(SandboxArgs),
    /// Print one stream to stdout without the console: deployment/ID, operation/ID or
    /// events (exit 0 ready/succeeded, 1 failed, 2 cannot follow).
    Follow(crate::follow_cli::FollowArgs),
    /// Sign in to a Sovereign through its Keycloak realm (OpenID Connect) and cache the
    /// tokens for the profile: in the browser (loopback redirect, the default), by pasting
    /// a code (--oob), or with --username and --password-stdin for automation.
    Login(crate::login_cli::LoginArgs),
    /// Just-in-time Kubernetes access from a script: `request ENV --reason … [--wait]`
    /// (exit 0 granted, 1 denied or expired) and `exec ENV [-- COMMAND…]` (runs it with
    /// `KUBECONFIG` for your live grant, passing its exit status through).
    Access(crate::access_cli::AccessArgs),
}

/// Flags of the console.
#[derive(Debug, Clone, Args)]
pub struct ConsoleArgs {
    /// Sign in to the sandbox as this demo persona (admin, layla, omar, salim, huda, khalid,
    /// fatma, support); Ctrl-P switches later.
    #[arg(long, default_value = "admin")]
    pub persona: String,
    /// Open at org/NAME, env/NAME, app/ENV/NAME, blueprint/[ORG/]NAME, deployments,
    /// deployment/ID, operation/ID, inbox, promotion/ID, kube/ENV[/APP] or triage.
    #[arg(long)]
    pub open: Option<String>,
    /// How many lines each log view holds before the oldest are dropped (default
    /// 100000; `log_lines` in config.toml).
    #[arg(long, value_name = "N")]
    pub log_lines: Option<usize>,
    /// Reconnect a provisioning run's stream after this many seconds without a byte
    /// (default 310: the hosted proxy cuts a silent stream at 300).
    #[arg(long, value_name = "SECS")]
    pub idle_timeout: Option<u64>,
    #[command(flatten)]
    pub connection: Overrides,
    /// Theme: dark, light, high-contrast, mono (NO_COLOR forces mono).
    #[arg(long)]
    pub theme: Option<String>,
    /// Keymap: default or vim (keymap.toml in the config directory is merged over it).
    #[arg(long)]
    pub keymap: Option<String>,
    /// Sandbox: which Sovereign to simulate.
    #[arg(long, default_value = "bankdhofar")]
    pub sovereign: SovereignSeed,
    /// Sandbox: add generated Organizations × Environments × Applications (e.g. 100x4x25).
    #[arg(long)]
    pub scale: Option<Scale>,
    /// Sandbox: simulation speed (1 is real time, 0 frozen).
    #[arg(long, default_value_t = 1.0)]
    pub speed: f64,
    /// Sandbox: serve operation `op-flood`, whose log streams RATE lines a second for as
    /// long as it is followed (`--open operation/op-flood`).
    #[arg(long, value_name = "RATE", value_parser = crate::sandbox::options::parse_flood_rate)]
    pub flood_log: Option<u32>,
    /// Sandbox: answer the list of provisioning runs with 405, as the real service does
    /// (runs are then opened by id and remembered).
    #[arg(long)]
    pub no_deployment_list: bool,
    #[command(flatten)]
    pub faults: FaultArgs,
}

/// Parses the command line and runs the chosen subcommand.
pub fn run() -> color_eyre::Result<()> {
    color_eyre::install()?;
    install_tls_provider();
    let cli = Cli::parse();
    let rt = tokio::runtime::Runtime::new().wrap_err("starting the async runtime")?;
    match cli.command {
        Some(Command::Sandbox(args)) => rt.block_on(crate::sandbox::serve_cli(args)),
        Some(Command::Login(args)) => {
            let code = rt.block_on(crate::login_cli::run(args));
            rt.shutdown_timeout(std::time::Duration::from_millis(200));
            std::process::exit(code)
        }
        Some(Command::Access(args)) => {
            let code = rt.block_on(crate::access_cli::run(args));
            rt.shutdown_timeout(std::time::Duration::from_millis(200));
            std::process::exit(code)
        }
        Some(Command::Follow(args)) => {
            let code = rt.block_on(crate::follow_cli::run(args));
            rt.shutdown_timeout(std::time::Duration::from_millis(200));
            std::process::exit(code)
        }
        None => {
            let launch = launch(&cli.console)?;
            let result = rt.block_on(crate::app::run(launch));
            // Background tasks (streams, the sandbox) end with the runtime, at once.
            rt.shutdown_timeout(std::time::Duration::from_millis(200));
            result
        }
    }
}

/// Builds what the console starts with from flags, environment and config files.
fn launch(args: &ConsoleArgs) -> color_eyre::Result<Launch> {
    let dirs = Dirs::from_env();
    let (file, mut warnings) = config::load(&dirs.config_file());
    let env = Environment::from_env();
    let requested_theme = args.theme.clone().or(file.theme.clone());
    let theme_path = dirs.theme_file();
    let (theme, theme_warnings) = Theme::from_env(requested_theme.as_deref(), Some(&theme_path));
    warnings.extend(theme_warnings.iter().map(ToString::to_string));
    let preset_name = args.keymap.clone().or(file.keymap.clone());
    let preset = match preset_name.as_deref() {
        None => Preset::Default,
        Some(name) => Preset::from_name(name)
            .ok_or_else(|| eyre!("--keymap {name:?}: the shipped keymaps are default and vim"))?,
    };
    let keymap_path = dirs.keymap_file();
    let (keymap, keymap_warnings) = Keymap::load(
        preset,
        keymap_path.exists().then_some(keymap_path.as_path()),
    );
    warnings.extend(keymap_warnings.iter().map(ToString::to_string));
    let open = match &args.open {
        Some(link) => Target::parse_link(link).map_err(|e| eyre!(e))?,
        None => Target::Home,
    };
    let ui = Ui {
        theme,
        glyphs: env.glyphs(),
    };
    let flags = args.connection.clone();
    let target = config::resolve(&file, &flags, |k| std::env::var(k).ok()).map_err(|e| eyre!(e))?;
    let remember_as = match &target {
        config::Target::Sandbox { .. } => "sandbox".to_string(),
        config::Target::Sovereign { name, .. } => name.clone(),
    };
    let (session, method, first) = match target {
        config::Target::Sandbox { support_ticket } => {
            let faults = crate::sandbox::launch::faults_from(&args.faults).map_err(|e| eyre!(e))?;
            let options = SandboxOptions {
                sovereign: args.sovereign,
                scale: args.scale,
                speed: args.speed,
                faults,
                flood_log: args.flood_log,
                no_deployment_list: args.no_deployment_list,
                ..SandboxOptions::default()
            };
            (
                Session {
                    sandbox: true,
                    persona: Some(args.persona.clone()),
                    signing_in: true,
                    support_ticket,
                    ..Session::default()
                },
                SignInMethod::Sandbox {
                    base_url: String::new(),
                    provisioning_url: None,
                },
                FirstSignIn::Sandbox {
                    options: Box::new(options),
                    persona: args.persona.clone(),
                    provisioning_url: args.connection.provisioning_url.clone(),
                },
            )
        }
        config::Target::Sovereign { name, profile } => {
            let api_url = profile.api_url.clone().unwrap_or_default();
            let mut config = ClientConfig::parse(&api_url).map_err(|e| eyre!("{e}"))?;
            // A Sovereign on loopback is most likely a sandbox served by `catalyst-tui
            // sandbox`: it gets the badge, the persona switch and its own provisioning API.
            let sandbox = config.api_url.host_str().is_some_and(is_loopback);
            let own = format!("{}/sovereign", api_url.trim().trim_end_matches('/'));
            match (&profile.provisioning_url, sandbox) {
                (Some(p), _) => {
                    config = config.with_provisioning_url(p).map_err(|e| eyre!("{e}"))?;
                }
                (None, true) => {
                    config = config
                        .with_provisioning_url(&own)
                        .map_err(|e| eyre!("{e}"))?;
                }
                (None, false) => {}
            }
            config.ca_file = profile.ca_file.clone();
            config.api = profile.api;
            if let Some(issuer) = &profile.oidc_issuer {
                config = config
                    .with_oidc(issuer, profile.oidc_client_id.as_deref())
                    .map_err(|e| eyre!("{e}"))?;
            }
            let source = match (
                &profile.token_file,
                TokenSource::from_env(crate::api::auth::TOKEN_ENV),
            ) {
                (Some(path), _) => TokenSource::file(path),
                (None, Some(env)) => env,
                (None, None) => TokenSource::cache(dirs.token_cache(&name)),
            };
            // A profile naming an issuer signs in through its realm, even on loopback.
            let method = match (&config.oidc, sandbox) {
                (Some(_), _) => SignInMethod::Oidc {
                    redirect: RedirectChoice::from_env(|k| std::env::var(k).ok())
                        .map_err(|e| eyre!(e))?,
                },
                (None, true) => SignInMethod::Sandbox {
                    base_url: api_url,
                    provisioning_url: None,
                },
                (None, false) => SignInMethod::Device,
            };
            let support_ticket = profile.support_ticket.clone();
            config.support_ticket = support_ticket.clone();
            let client = ApiClient::new(config, source).map_err(|e| eyre!("{e}"))?;
            (
                Session {
                    sandbox,
                    signing_in: true,
                    support_ticket,
                    ..Session::default()
                },
                method,
                FirstSignIn::Client(client),
            )
        }
    };
    let log_lines = args
        .log_lines
        .or(file.log_lines)
        .unwrap_or(crate::views::logs::DEFAULT_CAPACITY)
        .max(1);
    Ok(Launch {
        ui,
        keymap,
        session,
        method,
        first,
        open,
        warnings,
        log_lines,
        provisioning_idle: args
            .idle_timeout
            .map(|secs| std::time::Duration::from_secs(secs.max(1))),
        remembered: Some(dirs.remembered_deployments(&remember_as)),
        pace: crate::app::pace::PaceConfig::with_limits(
            file.stream_fps,
            file.stream_kib_per_second,
        ),
    })
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Installs ring as the one rustls crypto provider of the process (kube and reqwest both
/// use rustls; with no provider chosen, the first TLS connection would fail).
pub fn install_tls_provider() {
    // Fails only when a provider is already installed, which is what we want anyway.
    let _ = rustls::crypto::ring::default_provider().install_default();
}
