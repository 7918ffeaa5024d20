//! `catalyst-tui access`: just-in-time Kubernetes access from a script, as `tsh` and
//! `aws-vault` do it.
//!
//! - `access request ENV --reason TEXT --minutes N [--access view|debug] [--wait]` asks for
//!   access; prints `ID STATE` (and, once granted, until when); with `--wait` it follows the
//!   request live and exits 0 once granted, 1 if denied, expired or revoked.
//! - `access exec ENV [-- COMMAND ARGS…]` runs the command (default `$SHELL`) with
//!   `KUBECONFIG` pointing at a file for the caller's live grant on ENV (0600, in the
//!   per-user runtime directory), passes its exit status through and removes the file
//!   afterwards; exits 2 with the reason when there is no live grant.
//!
//! Both take the connection flags of the console and `--persona` on a sandbox on this
//! machine. Exit 2 for anything that keeps them from doing their job (not signed in, the
//! server's refusal, no grant). Must not print a token.

mod exec;
mod request;

use clap::{Args, Subcommand};

use crate::api::{ApiClient, TokenSource};
use crate::config::{self, Dirs, Overrides};
use crate::follow_cli::connect;
use crate::model::AccessLevel;

/// Flags of `catalyst-tui access`.
#[derive(Debug, Clone, Args)]
pub struct AccessArgs {
    #[command(subcommand)]
    pub command: AccessCommand,
}

/// Where to connect, and as whom on a sandbox.
#[derive(Debug, Clone, Args)]
pub struct Connection {
    /// Sign in to a sandbox on this machine as this demo persona (layla, admin, …).
    #[arg(long)]
    pub persona: Option<String>,
    #[command(flatten)]
    pub flags: Overrides,
}

/// The two things `access` does.
#[derive(Debug, Clone, Subcommand)]
pub enum AccessCommand {
    /// Ask for access to an Environment's Kubernetes namespace.
    Request {
        /// The Environment (`digital-channels-stg`).
        env: String,
        /// Why (recorded with the request and in the audit trail).
        #[arg(long)]
        reason: String,
        /// How long the grant lasts, in minutes.
        #[arg(long, default_value_t = 30)]
        minutes: u32,
        /// view (read) or debug.
        #[arg(long, value_enum, default_value_t = Level::Debug)]
        access: Level,
        /// Follow the request until it is decided: exit 0 granted, 1 denied or expired.
        #[arg(long)]
        wait: bool,
        #[command(flatten)]
        connection: Connection,
    },
    /// Run a command (default `$SHELL`) with `KUBECONFIG` for your live grant on ENV.
    Exec {
        /// The Environment.
        env: String,
        /// The command and its arguments (after `--`).
        #[arg(last = true)]
        command: Vec<String>,
        #[command(flatten)]
        connection: Connection,
    },
}

/// The access levels, as flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Level {
    View,
    Debug,
}

impl From<Level> for AccessLevel {
    fn from(l: Level) -> Self {
        match l {
            Level::View => AccessLevel::View,
            Level::Debug => AccessLevel::Debug,
        }
    }
}

/// Exit codes.
pub const EXIT_GRANTED: i32 = 0;
pub const EXIT_REFUSED: i32 = 1;
pub const EXIT_CANNOT: i32 = 2;

/// Runs `access`; answers the exit code.
pub async fn run(args: AccessArgs) -> i32 {
    let connection = match &args.command {
        AccessCommand::Request { connection, .. } | AccessCommand::Exec { connection, .. } => {
            connection
        }
    };
    let client = match connect_client(connection).await {
        Ok(c) => c,
        Err(why) => {
            eprintln!("catalyst-tui access: {why}");
            return EXIT_CANNOT;
        }
    };
    match args.command {
        AccessCommand::Request {
            env,
            reason,
            minutes,
            access,
            wait,
            ..
        } => request::run(&client, &env, reason, minutes, access.into(), wait).await,
        AccessCommand::Exec { env, command, .. } => exec::run(&client, &env, command).await,
    }
}

/// A signed-in client of the console API, as `follow` makes one.
async fn connect_client(connection: &Connection) -> Result<ApiClient, String> {
    let dirs = Dirs::from_env();
    let (file, warnings) = config::load(&dirs.config_file());
    for w in warnings {
        eprintln!("catalyst-tui access: {w}");
    }
    let endpoints = connect::endpoints(&file, &connection.flags, |k| std::env::var(k).ok())?;
    let token_env = TokenSource::from_env(crate::api::auth::TOKEN_ENV);
    connect::console_client(&endpoints, connection.persona.as_deref(), &dirs, token_env).await
}
