//! Incident triage across every Organization (`GET /api/v1/triage`) and the compact
//! catalogue of names the command palette completes over (`GET /api/v1/catalog`).
//!
//! Owns the wire shapes of both answers and the order triage items are shown in (worst,
//! then oldest, first). Must not know about HTTP or ratatui.

use serde::{Deserialize, Serialize};

use super::Timestamp;

crate::wire_enum! {
    /// What kind of problem a triage item is.
    pub enum TriageKind {
        /// An Application whose status is `failed`.
        ApplicationFailed = "application-failed",
        /// An Application whose status is `degraded`.
        ApplicationDegraded = "application-degraded",
        /// An install or update in progress for longer than `stuck_after`.
        OperationStuck = "operation-stuck",
        /// A Sovereign provisioning run that ended `failed`.
        ProvisioningFailed = "provisioning-failed",
        /// A promotion open for longer than a day.
        PromotionWaiting = "promotion-waiting",
        /// An access request waiting for a decision.
        AccessPending = "access-pending",
    }
}

crate::wire_enum! {
    /// How bad a triage item is, worst first.
    pub enum Severity {
        Critical = "critical",
        Warning = "warning",
        Info = "info",
    }
}

/// One problem: what, how bad, since when, where, why, and the ids that open it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TriageItem {
    pub kind: TriageKind,
    pub severity: Severity,
    /// When the problem began (the status change, the operation's start, the run's
    /// start, the promotion's opening, the request).
    pub since: Timestamp,
    /// The Organization (`null` for a Sovereign provisioning run).
    #[serde(default)]
    pub org: Option<String>,
    /// The Environment, when the problem lives in one.
    #[serde(default)]
    pub environment: Option<String>,
    /// What is broken: an Application's name, a run's Sovereign FQDN, a promotion's
    /// Application, a requester.
    pub target: String,
    /// One line saying why it is listed.
    pub why: String,
    /// The Application to open (in `environment`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application: Option<String>,
    /// The operation moving the Application (its log).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation_id: Option<String>,
    /// The provisioning run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment_id: Option<String>,
    /// The promotion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promotion_id: Option<String>,
    /// The access request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_request_id: Option<String>,
}

impl TriageItem {
    /// The order of the listing: worst first, then oldest, then by place and name so the
    /// order is total and stable across pages.
    pub fn sort_key(&self) -> (Severity, Timestamp, &str, &str, &str, TriageKind) {
        (
            self.severity,
            self.since,
            self.org.as_deref().unwrap_or(""),
            self.environment.as_deref().unwrap_or(""),
            self.target.as_str(),
            self.kind,
        )
    }
}

/// `GET /api/v1/triage?stuck_after=&limit=&cursor=`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TriageQuery {
    /// Minutes an install or update may run before it counts as stuck (default 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stuck_after: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
}

/// Minutes an install or update runs before triage calls it stuck, by default.
pub const DEFAULT_STUCK_AFTER_MINUTES: u32 = 30;

/// One Application in the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogApp {
    pub environment: String,
    pub name: String,
}

/// `GET /api/v1/catalog`: every name the identity may see, sorted, in one answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogNames {
    #[serde(default)]
    pub orgs: Vec<String>,
    #[serde(default)]
    pub environments: Vec<String>,
    #[serde(default)]
    pub applications: Vec<CatalogApp>,
    #[serde(default)]
    pub blueprints: Vec<String>,
}
