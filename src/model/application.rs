//! Applications (and backing services) in an Environment, with their detail tabs and
//! the requests that act on them.

use super::Timestamp;
use serde::{Deserialize, Serialize};

crate::wire_enum! {
    /// Application status, with the design documents' glyphs.
    pub enum AppStatus {
        Running = "running",
        Installing = "installing",
        Updating = "updating",
        Degraded = "degraded",
        Failed = "failed",
        Paused = "paused",
        PendingApproval = "pending-approval",
    }
}

impl AppStatus {
    /// The design documents' glyph.
    pub fn glyph(self) -> &'static str {
        match self {
            AppStatus::Running => "●",
            AppStatus::Installing => "◐",
            AppStatus::Updating => "◑",
            AppStatus::Degraded => "◒",
            AppStatus::Failed => "◓",
            AppStatus::Paused => "○",
            AppStatus::PendingApproval => "◔",
            AppStatus::Unknown => "?",
        }
    }
    /// An ASCII stand-in for terminals without UTF-8.
    pub fn ascii_glyph(self) -> &'static str {
        match self {
            AppStatus::Running => "*",
            AppStatus::Installing => "+",
            AppStatus::Updating => "~",
            AppStatus::Degraded => "!",
            AppStatus::Failed => "x",
            AppStatus::Paused => "-",
            AppStatus::PendingApproval => "?",
            AppStatus::Unknown => ".",
        }
    }
    /// The word shown beside the glyph ("Pending approval").
    pub fn label(self) -> &'static str {
        match self {
            AppStatus::Running => "Running",
            AppStatus::Installing => "Installing",
            AppStatus::Updating => "Updating",
            AppStatus::Degraded => "Degraded",
            AppStatus::Failed => "Failed",
            AppStatus::Paused => "Paused",
            AppStatus::PendingApproval => "Pending approval",
            AppStatus::Unknown => "Unknown",
        }
    }
    /// True while an operation moves the Application (progress may be shown).
    pub fn in_progress(self) -> bool {
        matches!(self, AppStatus::Installing | AppStatus::Updating)
    }
}

crate::wire_enum! {
    /// An Application proper, or a backing service (Postgres, Redis, Kafka, object store).
    pub enum AppKind { Application = "application", BackingService = "backing-service" }
}

crate::wire_enum! {
    /// Where an Application runs.
    pub enum PlacementMode {
        SingleRegion = "single-region",
        ActiveActive = "active-active",
        ActiveHotstandby = "active-hotstandby",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlueprintRef {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placement {
    pub mode: PlacementMode,
    #[serde(default)]
    pub regions: Vec<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pods {
    pub ready: u32,
    pub total: u32,
    /// Whether the Sovereign counts pods at all (catalyst-api does not): without, the
    /// views say nothing about them rather than "0/0".
    #[serde(skip, default = "counted")]
    pub counted: bool,
}

fn counted() -> bool {
    true
}

impl Pods {
    /// `ready` of `total` pods, counted.
    pub fn counted(ready: u32, total: u32) -> Self {
        Pods {
            ready,
            total,
            counted: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dependency {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LastDeploy {
    pub at: Timestamp,
    pub actor: String,
    pub version: String,
    pub commit: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    pub percent: u8,
    pub step: String,
}

/// Summary of an open promotion targeting this Application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingPromotion {
    pub id: String,
    pub source_environment: String,
    pub to_version: String,
}

/// `GET /api/v1/environments/{env}/applications` item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Application {
    pub name: String,
    pub environment: String,
    pub org: String,
    pub kind: AppKind,
    pub blueprint: BlueprintRef,
    pub status: AppStatus,
    #[serde(default)]
    pub status_detail: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    pub placement: Placement,
    #[serde(default)]
    pub pods: Pods,
    #[serde(default)]
    pub dependencies: Vec<Dependency>,
    #[serde(default)]
    pub used_by: Vec<String>,
    pub last_deploy: LastDeploy,
    #[serde(default)]
    pub owner_team: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_promotion: Option<PendingPromotion>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress: Option<Progress>,
    pub revision: u64,
    /// The operation currently moving this Application, when any (its log is
    /// `/api/v1/operations/{id}/logs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation_id: Option<String>,
}

/// `GET …/applications/{app}/settings`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppSettings {
    /// The values as YAML text.
    pub values_yaml: String,
    pub blueprint: BlueprintRef,
    /// The Blueprint version's JSON Schema.
    pub config_schema: serde_json::Value,
}

/// `GET …/applications/{app}/topology`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppTopology {
    pub placement: Placement,
    #[serde(default)]
    pub dependencies: Vec<Dependency>,
    #[serde(default)]
    pub used_by: Vec<String>,
    #[serde(default)]
    pub regions: Vec<RegionTopology>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionTopology {
    pub region: String,
    pub role: String,
    pub pods: Pods,
}

/// `GET …/applications/{app}/secrets` item: never a value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecretInfo {
    pub name: String,
    pub keys: Vec<SecretKeyInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_rotated_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretKeyInfo {
    pub key: String,
    pub size_bytes: u64,
}

/// `GET …/applications/{app}/secrets`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppSecrets {
    pub secrets: Vec<SecretInfo>,
}

crate::wire_enum! {
    /// Kubernetes pod phase.
    pub enum PodPhase { Pending = "Pending", Running = "Running", Succeeded = "Succeeded", Failed = "Failed" }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PodInfo {
    pub name: String,
    pub phase: PodPhase,
    pub ready: bool,
    pub restarts: u32,
    #[serde(default)]
    pub region: String,
    pub started_at: Timestamp,
}

/// `GET …/applications/{app}/observability`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppObservability {
    pub pods: Vec<PodInfo>,
}

crate::wire_enum! {
    /// Outcome of a deploy.
    pub enum DeployOutcome { Succeeded = "succeeded", Failed = "failed", RolledBack = "rolled-back", InProgress = "in-progress" }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeployRecord {
    pub at: Timestamp,
    pub actor: String,
    pub version: String,
    pub commit: String,
    pub outcome: DeployOutcome,
}

/// `GET …/applications/{app}/history`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppHistory {
    pub deploys: Vec<DeployRecord>,
}

/// `GET …/applications/{app}/manifests`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppManifests {
    /// Rendered multi-document YAML.
    pub yaml: String,
}

crate::wire_enum! {
    /// Actions on an Application.
    pub enum AppAction { Pause = "pause", Resume = "resume", Retry = "retry", Restart = "restart" }
}

/// `POST …/applications/{app}/actions` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionRequest {
    pub action: AppAction,
    #[serde(default)]
    pub reason: String,
}

/// `POST /api/v1/environments/{env}/applications` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstallRequest {
    pub name: String,
    pub blueprint: String,
    pub version: String,
    #[serde(default)]
    pub values: serde_json::Value,
}

/// 202 answer of actions, installs and uninstalls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperationAccepted {
    pub operation_id: String,
}
