//! Start-up options of the sandbox: which Sovereign, scale, token lifetime, simulation
//! speed and fault injection. Parsed from flags (`catalyst-tui sandbox …`) and, for
//! faults, optionally from a TOML file.

use std::net::SocketAddr;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// Flags of `catalyst-tui sandbox`.
#[derive(Debug, Clone, clap::Args)]
pub struct SandboxArgs {
    /// Address to listen on; port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:8787")]
    pub listen: SocketAddr,
    /// Which seeded Sovereign to serve: `bankdhofar` (corporate) or `omantel` (SME).
    #[arg(long, default_value = "bankdhofar")]
    pub sovereign: SovereignSeed,
    /// Generate ORGSxENVSxAPPS extra Applications deterministically, e.g. `100x4x25`.
    #[arg(long)]
    pub scale: Option<Scale>,
    /// Seed of the deterministic generator and of the simulation's randomness.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Lifetime of access tokens, in seconds.
    #[arg(long, default_value_t = 300)]
    pub token_lifetime: u64,
    /// Speed of the simulation: 2.0 runs twice as fast, 0 freezes it.
    #[arg(long, default_value_t = 1.0)]
    pub speed: f64,
    /// Serve operation `op-flood`, whose log streams RATE lines a second for as long as it
    /// is followed (any signed-in persona may read it).
    #[arg(long, value_name = "RATE", value_parser = parse_flood_rate)]
    pub flood_log: Option<u32>,
    /// Answer `GET /sovereign/api/v1/deployments` with 405, as the real provisioning
    /// service does (runs are then opened by id).
    #[arg(long)]
    pub no_deployment_list: bool,
    /// Which API to serve under `/api/v1`: the console API, or catalyst-api's surface
    /// (`/whoami`, `/organizations`, `/sovereigns/{id}/…`, `/catalog`) over the same world.
    #[arg(long, value_enum, default_value_t = ApiMode::Console)]
    pub api: ApiMode,
    #[command(flatten)]
    pub faults: FaultArgs,
}

/// The HTTP surface a sandbox serves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ApiMode {
    /// The console API (CONTRACT Part B).
    #[default]
    Console,
    /// catalyst-api's routes and shapes; the console-API routes answer 404.
    Catalyst,
}

/// The most lines a second `--flood-log` offers.
pub const MAX_FLOOD_RATE: u32 = 1_000_000;

/// Parses `--flood-log RATE`: 1 to [`MAX_FLOOD_RATE`] lines a second.
pub fn parse_flood_rate(s: &str) -> Result<u32, String> {
    match s.trim().parse::<u32>() {
        Ok(n) if (1..=MAX_FLOOD_RATE).contains(&n) => Ok(n),
        _ => Err(format!(
            "the flood rate is lines a second, 1 to {MAX_FLOOD_RATE}, got {s:?}"
        )),
    }
}

/// Fault injection flags; `--faults FILE` reads the same fields from TOML and flags win.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct FaultArgs {
    /// A TOML file of fault settings (the field names of the flags, with `_`).
    #[arg(long = "faults")]
    pub file: Option<PathBuf>,
    /// Added latency per request, in milliseconds.
    #[arg(long)]
    pub latency_ms: Option<u64>,
    /// Answer 429 to every Nth request (bursts of `--rate-limit-burst`).
    #[arg(long)]
    pub rate_limit_every: Option<u32>,
    /// Length of each 429 burst.
    #[arg(long)]
    pub rate_limit_burst: Option<u32>,
    /// How a 429 says when to retry: `header`, `body` (the real gateway), or `both`.
    #[arg(long)]
    pub rate_limit_form: Option<RetryAfterForm>,
    /// Fraction of requests (0.0–1.0) answered with a 5xx.
    #[arg(long)]
    pub error_ratio: Option<f64>,
    /// Cut every event stream after this many events.
    #[arg(long)]
    pub drop_after_events: Option<u32>,
    /// Cut every event stream after this many seconds.
    #[arg(long)]
    pub drop_after_secs: Option<u64>,
    /// Make event streams go silent (no bytes, connection held open) after this many events.
    #[arg(long)]
    pub idle_after_events: Option<u32>,
    /// Repeat some already-sent events after a reconnect on provisioning streams.
    #[arg(long)]
    pub duplicate_on_reconnect: Option<bool>,
    /// Drop every Nth live event of a provisioning stream (the service's live channel
    /// drops when full); the run's history and `/events` keep it.
    #[arg(long, value_name = "N")]
    pub drop_live_every: Option<u32>,
}

/// Fault settings after merging the file and the flags.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Faults {
    pub latency_ms: u64,
    pub rate_limit_every: Option<u32>,
    pub rate_limit_burst: u32,
    pub rate_limit_form: RetryAfterForm,
    pub error_ratio: f64,
    pub drop_after_events: Option<u32>,
    pub drop_after_secs: Option<u64>,
    pub idle_after_events: Option<u32>,
    pub duplicate_on_reconnect: bool,
    pub drop_live_every: Option<u32>,
}

impl Faults {
    /// True when no fault is configured.
    pub fn is_none(&self) -> bool {
        *self == Faults::default()
    }
}

/// How a 429 carries its retry delay.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum RetryAfterForm {
    /// `Retry-After` header only.
    Header,
    /// `retry_after` body field only (what the real Catalyst gateway sends).
    #[default]
    Body,
    /// Both.
    Both,
}

/// The seeded Sovereigns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum SovereignSeed {
    /// Bank Dhofar: a corporate Sovereign with four Orgs.
    #[default]
    Bankdhofar,
    /// Omantel: an SME Sovereign with Muscat Pharmacy.
    Omantel,
}

/// `ORGSxENVSxAPPS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    pub orgs: u32,
    pub envs: u32,
    pub apps: u32,
}

impl std::str::FromStr for Scale {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = s.split(['x', 'X']).collect();
        let bad = || {
            format!("scale must look like 100x4x25 (orgs x environments x applications), got {s:?}")
        };
        if parts.len() != 3 {
            return Err(bad());
        }
        let n = |p: &str| p.trim().parse::<u32>().map_err(|_| bad());
        let scale = Scale {
            orgs: n(parts[0])?,
            envs: n(parts[1])?,
            apps: n(parts[2])?,
        };
        if scale.envs == 0 || scale.envs > 5 {
            return Err(
                "scale: environments per org must be 1 to 5 (poc, dev, uat, stg, prod)".into(),
            );
        }
        Ok(scale)
    }
}

/// Everything the sandbox needs to start, independent of the command line (tests build
/// this directly).
#[derive(Debug, Clone)]
pub struct SandboxOptions {
    pub listen: SocketAddr,
    pub sovereign: SovereignSeed,
    pub scale: Option<Scale>,
    pub seed: u64,
    pub token_lifetime_secs: u64,
    pub speed: f64,
    pub faults: Faults,
    /// Lines a second of the `op-flood` operation's log (`None`: no such operation).
    pub flood_log: Option<u32>,
    /// `GET /deployments` answers 405, as on the real provisioning service.
    pub no_deployment_list: bool,
    /// Which API is served under `/api/v1`.
    pub api: ApiMode,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            sovereign: SovereignSeed::Bankdhofar,
            scale: None,
            seed: 42,
            token_lifetime_secs: 300,
            speed: 1.0,
            faults: Faults::default(),
            flood_log: None,
            no_deployment_list: false,
            api: ApiMode::Console,
        }
    }
}
