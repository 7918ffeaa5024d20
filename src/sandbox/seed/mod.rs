//! Seed data: the Blueprint catalogue and the two seeded Sovereigns (`assets/seed/*.yaml`,
//! embedded in the binary), parsed at start-up into a [`World`]. Times in the files are
//! relative to start-up (`2h` ago), so the demo always looks recent.
//!
//! The seed is checked as it loads: unknown fields, unknown Blueprints or versions,
//! dangling dependencies and values that fail their Blueprint's schema stop the start
//! with a message naming the file and item.

mod build;
mod envs;
mod files;
mod history;

use chrono::TimeDelta;

pub use envs::{PLATFORM_TEAM, default_endpoint, default_policy, new_environment, regions_for};
pub use history::{placeholder_policy, pull_request};

use super::options::SovereignSeed;
use super::store::World;
use crate::model::Timestamp;

const BLUEPRINTS: &str = include_str!("../../../assets/seed/blueprints.yaml");
const BANKDHOFAR: &str = include_str!("../../../assets/seed/bankdhofar.yaml");
const OMANTEL: &str = include_str!("../../../assets/seed/omantel.yaml");

/// The first id number the running sandbox hands out; seeded ids stay below it.
pub const FIRST_RUNTIME_ID: u64 = 1000;

/// A seed that does not load.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("seed file {file} is not valid YAML of the expected shape: {message}")]
    Parse { file: &'static str, message: String },
    #[error("seed file {file}: {message}")]
    Invalid { file: &'static str, message: String },
}

/// Builds the world of a seeded Sovereign as of `now`.
pub fn build_world(sovereign: SovereignSeed, now: Timestamp) -> Result<World, SeedError> {
    let catalogue: Vec<files::BlueprintSeed> =
        serde_saphyr::from_str(BLUEPRINTS).map_err(|e| SeedError::Parse {
            file: "blueprints.yaml",
            message: e.to_string(),
        })?;
    let (file, text) = match sovereign {
        SovereignSeed::Bankdhofar => ("bankdhofar.yaml", BANKDHOFAR),
        SovereignSeed::Omantel => ("omantel.yaml", OMANTEL),
    };
    let seed: files::SovereignFile =
        serde_saphyr::from_str(text).map_err(|e| SeedError::Parse {
            file,
            message: e.to_string(),
        })?;
    build::world(file, &catalogue, &seed, now)
}

/// Parses a relative time such as `45s`, `15m`, `2h`, `3d`.
pub fn parse_ago(s: &str) -> Result<TimeDelta, String> {
    let s = s.trim();
    let (num, unit) = s.split_at(s.len().saturating_sub(1));
    let n: i64 = num
        .parse()
        .map_err(|_| format!("{s:?} is not a duration like 45s, 15m, 2h or 3d"))?;
    match unit {
        "s" => Ok(TimeDelta::seconds(n)),
        "m" => Ok(TimeDelta::minutes(n)),
        "h" => Ok(TimeDelta::hours(n)),
        "d" => Ok(TimeDelta::days(n)),
        _ => Err(format!("{s:?} is not a duration like 45s, 15m, 2h or 3d")),
    }
}

#[cfg(test)]
mod tests;
