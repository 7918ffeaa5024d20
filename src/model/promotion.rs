//! Promotions between Environments, their reviews, and EnvironmentPolicy rules.

use super::Timestamp;
use serde::{Deserialize, Serialize};

crate::wire_enum! {
    pub enum PromotionState { Open = "open", Merged = "merged", Rejected = "rejected", Closed = "closed" }
}

crate::wire_enum! {
    pub enum ReviewDecision { Approve = "approve", RequestChanges = "request-changes", Reject = "reject" }
}

crate::wire_enum! {
    /// EnvironmentPolicy rule kinds of the Catalyst design.
    pub enum RuleKind {
        PrRequired = "pr-required",
        Soak = "soak",
        ChangeWindow = "change-window",
        ReScoreGate = "re-score-gate",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullRequest {
    pub repo: String,
    pub number: u64,
    pub url: String,
}

/// A rule as evaluated for one promotion. Kind-specific members sit beside `detail`:
/// `approvers`/`min_approvals`/`approvals` (pr-required), `source_environment`/`duration`/
/// `remaining_seconds` (soak), `cron`/`duration`/`opens_at`/`open_now` (change-window),
/// `min_score`/`score` (re-score-gate).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleStatus {
    pub kind: RuleKind,
    pub satisfied: bool,
    /// One sentence for people: what is met, or what is still missing.
    pub detail: String,
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PromotionPolicy {
    pub rules: Vec<RuleStatus>,
    pub required_approvals: u32,
    pub approver_teams: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Review {
    pub actor: String,
    #[serde(default)]
    pub teams: Vec<String>,
    pub decision: ReviewDecision,
    #[serde(default)]
    pub comment: String,
    pub at: Timestamp,
}

/// `GET /api/v1/promotions/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Promotion {
    pub id: String,
    pub org: String,
    pub application: String,
    pub source_environment: String,
    pub target_environment: String,
    pub from_version: String,
    pub to_version: String,
    pub state: PromotionState,
    pub created_by: String,
    pub created_at: Timestamp,
    pub pr: PullRequest,
    /// Unified diff of values and manifests.
    pub diff: String,
    pub policy: PromotionPolicy,
    #[serde(default)]
    pub reviews: Vec<Review>,
    pub revision: u64,
}

/// `POST …/applications/{app}/promotions` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatePromotion {
    pub target_environment: String,
}

/// `POST /api/v1/promotions/{id}/reviews` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateReview {
    pub decision: ReviewDecision,
    #[serde(default)]
    pub comment: String,
    pub revision: u64,
}

/// Filters of `GET /api/v1/promotions`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromotionQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<PromotionState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub awaiting_me: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
}

/// A rule of an EnvironmentPolicy as configured (tagged by `kind`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum PolicyRule {
    PrRequired {
        approvers: Vec<String>,
        min_approvals: u32,
    },
    /// `duration` like `24h`, `30m`.
    Soak {
        source_environment: String,
        duration: String,
    },
    /// Five-field cron of when the window opens; `duration` like `4h`.
    ChangeWindow {
        cron: String,
        duration: String,
    },
    ReScoreGate {
        min_score: u32,
    },
    /// A rule kind this console does not know.
    #[serde(other)]
    Unknown,
}

/// Who may be granted kube access without an approver.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccessPolicy {
    /// Roles whose requests are granted at once (e.g. `org-developer` on dev).
    #[serde(default)]
    pub auto_grant_roles: Vec<super::RoleName>,
    pub max_duration_minutes: u32,
}

/// `GET /api/v1/environments/{env}/policy`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnvironmentPolicy {
    pub environment: String,
    pub rules: Vec<PolicyRule>,
    pub access: AccessPolicy,
}
