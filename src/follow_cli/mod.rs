//! `catalyst-tui follow`: the console's streams without the console. Prints one
//! de-duplicated stream on stdout (a provisioning run, an operation's log, or the live
//! events), one line per event, as text or JSON, and ends with an exit code scripts can
//! act on: 0 ready or succeeded (or live events stopped by SIGINT/SIGTERM), 1 a failed
//! run or operation, 2 when the stream cannot be followed. What happens to the connection
//! goes to stderr, so stdout has exactly the server's events.
//!
//! - [`render`]: the text and JSON lines.
//! - [`connect`]: configuration, URLs and credentials.
//! - [`drive`]: following to the end and the exit code.
//! - [`output`]: stdout, stderr and the signals that stop a follow.
//!
//! Must not: print a token, or anything but the server's events on stdout.

pub mod connect;
pub mod drive;
pub mod output;
pub mod render;

use std::io::{IsTerminal as _, Write};
use std::time::Duration;

use clap::Args;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::api::TokenSource;
use crate::api::follow::{follow_deployment, follow_events, follow_operation};
use crate::api::sse::{IdlePolicy, StreamOptions};
use crate::config::{self, Dirs, Overrides};
use drive::{Drive, Exit, Watch};
use output::{Interrupts, Printer};
use render::{Colour, Format};

/// Flags of `catalyst-tui follow`.
#[derive(Debug, Clone, Args)]
pub struct FollowArgs {
    /// What to follow: deployment/ID (a provisioning run), operation/ID (an install,
    /// update or action's log) or events (the live events of the console API).
    pub target: FollowTarget,
    /// text: one line per event; json: one JSON object per line (the wire event).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub output: Format,
    /// events: only this Organization's events.
    #[arg(long)]
    pub org: Option<String>,
    /// events: only this Environment's events.
    #[arg(long = "env", value_name = "ENV")]
    pub environment: Option<String>,
    /// Sign in to a sandbox on this machine as this demo persona (admin, layla, …).
    #[arg(long)]
    pub persona: Option<String>,
    #[command(flatten)]
    pub connection: Overrides,
    /// Reconnect after this many seconds without a byte (default: 310 for a provisioning
    /// run, 45 for the console API's streams).
    #[arg(long, value_name = "SECS")]
    pub idle_timeout: Option<u64>,
    /// Exit 2 after this many failed connection attempts in a row (0: never).
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub give_up_after: u32,
    /// Tell nothing about reconnects on stderr (the outcome and errors still are).
    #[arg(long, short)]
    pub quiet: bool,
}

/// The stream to follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FollowTarget {
    Deployment(String),
    Operation(String),
    Events,
}

impl std::str::FromStr for FollowTarget {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("{s:?}: expected deployment/ID, operation/ID or events");
        let id = |rest: &str| {
            let ok = !rest.is_empty()
                && rest
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.:".contains(c));
            ok.then(|| rest.to_string()).ok_or_else(bad)
        };
        match s.split_once('/') {
            Some(("deployment" | "deployments", rest)) => id(rest).map(FollowTarget::Deployment),
            Some(("operation" | "operations", rest)) => id(rest).map(FollowTarget::Operation),
            None if s == "events" => Ok(FollowTarget::Events),
            _ => Err(bad()),
        }
    }
}

impl std::fmt::Display for FollowTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FollowTarget::Deployment(id) => write!(f, "deployment/{id}"),
            FollowTarget::Operation(id) => write!(f, "operation/{id}"),
            FollowTarget::Events => f.write_str("events"),
        }
    }
}

/// The stream options for a follow, with `--idle-timeout` applied.
pub fn stream_options(target: &FollowTarget, idle_timeout: Option<u64>) -> StreamOptions {
    let base = match target {
        FollowTarget::Deployment(_) => StreamOptions::provisioning(),
        FollowTarget::Operation(_) | FollowTarget::Events => StreamOptions::console(),
    };
    match idle_timeout {
        Some(secs) => StreamOptions {
            idle: IdlePolicy::Silence {
                after: Duration::from_secs(secs.max(1)),
            },
            ..base
        },
        None => base,
    }
}

/// Runs `follow` and returns the process exit code.
pub async fn run(args: FollowArgs) -> i32 {
    let colour = Colour::choose(
        std::io::stdout().is_terminal(),
        std::env::var_os("NO_COLOR").as_deref(),
    );
    let out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout());
    let mut printer = Printer::new(out, std::io::stderr(), args.output, colour, args.quiet);
    // Registered before anything else, so an early Ctrl-C is handled, not fatal.
    let mut interrupts = Interrupts::new();
    let exit = follow(&args, &mut printer, &mut interrupts).await;
    if let Exit::CannotFollow(why) = &exit {
        printer.say(&format!("cannot follow {}: {why}", args.target));
    }
    let _ = printer.flush();
    exit.code()
}

async fn follow<O: Write, E: Write>(
    args: &FollowArgs,
    printer: &mut Printer<O, E>,
    interrupts: &mut Interrupts,
) -> Exit {
    let dirs = Dirs::from_env();
    let (file, warnings) = config::load(&dirs.config_file());
    for w in warnings {
        printer.say(&w);
    }
    let flags = args.connection.clone();
    let endpoints = match connect::endpoints(&file, &flags, |k| std::env::var(k).ok()) {
        Ok(e) => e,
        Err(why) => return Exit::CannotFollow(why),
    };
    let options = stream_options(&args.target, args.idle_timeout);
    let cancel = CancellationToken::new();
    let mut drive = Drive {
        printer,
        interrupts,
        cancel: cancel.clone(),
        watch: Watch::new(args.give_up_after),
    };
    match &args.target {
        FollowTarget::Deployment(id) => {
            let token_env = TokenSource::from_env(crate::api::auth::TOKEN_ENV);
            let prov = match connect::provisioning_client(&endpoints, &dirs, token_env) {
                Ok(p) => p,
                Err(why) => return Exit::CannotFollow(why),
            };
            let (tx, rx) = mpsc::channel(1024);
            follow_deployment(prov, id.clone(), options, tx, cancel);
            drive.deployment(rx).await
        }
        target => {
            let token_env = TokenSource::from_env(crate::api::auth::TOKEN_ENV);
            let client = match connect::console_client(
                &endpoints,
                args.persona.as_deref(),
                &dirs,
                token_env,
            )
            .await
            {
                Ok(c) => c,
                Err(why) => return Exit::CannotFollow(why),
            };
            if let FollowTarget::Operation(id) = target {
                let (tx, rx) = mpsc::channel(1024);
                follow_operation(client, id.clone(), options, tx, cancel);
                drive.operation(rx).await
            } else {
                let (tx, rx) = mpsc::channel(1024);
                let (org, env) = (args.org.clone(), args.environment.clone());
                follow_events(client, org, env, options, tx, cancel);
                drive.events(rx).await
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_and_explain() {
        assert_eq!(
            "deployment/0123456789abcdef".parse(),
            Ok(FollowTarget::Deployment("0123456789abcdef".into()))
        );
        assert_eq!(
            "operation/op-42".parse(),
            Ok(FollowTarget::Operation("op-42".into()))
        );
        assert_eq!("events".parse(), Ok(FollowTarget::Events));
        for bad in [
            "deployment/",
            "deployment/a/b",
            "pods/x",
            "event",
            "operation/a?b",
        ] {
            let err = bad.parse::<FollowTarget>().unwrap_err();
            assert!(err.contains("deployment/ID"), "{bad}: {err}");
        }
        assert_eq!(FollowTarget::Events.to_string(), "events");
    }

    #[test]
    fn idle_timeout_overrides_the_streams_silence_rule() {
        let d = FollowTarget::Deployment("x".into());
        assert_eq!(
            stream_options(&d, None).idle.timeout(),
            Duration::from_secs(310)
        );
        assert_eq!(
            stream_options(&d, Some(2)).idle.timeout(),
            Duration::from_secs(2)
        );
        assert_eq!(
            stream_options(&FollowTarget::Events, None).idle.timeout(),
            Duration::from_secs(45)
        );
        assert_eq!(
            stream_options(&d, None).terminal_event.as_deref(),
            Some("done")
        );
    }
}
