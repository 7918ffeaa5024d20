//! Blueprints (the installable catalogue) and where they are used.

use super::{AppStatus, Timestamp};
use serde::{Deserialize, Serialize};

crate::wire_enum! {
    /// Who may see a Blueprint in the catalogue.
    pub enum Visibility { Listed = "listed", Unlisted = "unlisted", Private = "private" }
}

/// `GET /api/v1/blueprints` item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Blueprint {
    pub name: String,
    pub display_name: String,
    pub summary: String,
    pub category: String,
    pub owner: String,
    pub visibility: Visibility,
    pub latest_version: String,
    pub versions: Vec<String>,
}

/// `GET /api/v1/blueprints/{bp}/versions/{v}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlueprintVersion {
    pub name: String,
    pub display_name: String,
    pub version: String,
    #[serde(default)]
    pub released_at: Option<Timestamp>,
    #[serde(default)]
    pub changelog: String,
    /// JSON Schema of the values.
    pub config_schema: serde_json::Value,
    /// Blueprints this one needs (`bp-postgres`, …).
    #[serde(default)]
    pub depends: Vec<String>,
}

/// One Application using a Blueprint, in `…/blueprints/{bp}/usage`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlueprintUse {
    pub environment: String,
    pub application: String,
    pub version: String,
    pub status: AppStatus,
}

/// `GET /api/v1/orgs/{org}/blueprints/{bp}/usage`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlueprintUsage {
    pub org: String,
    pub blueprint: String,
    pub latest_version: String,
    pub usages: Vec<BlueprintUse>,
}
