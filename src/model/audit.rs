//! Audit records.

use super::{RoleName, Timestamp};
use serde::{Deserialize, Serialize};

crate::wire_enum! {
    pub enum AuditOutcome { Success = "success", Denied = "denied", Error = "error" }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub id: String,
    pub at: Timestamp,
    pub actor: String,
    #[serde(default)]
    pub roles: Vec<RoleName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_ticket: Option<String>,
    /// Dotted verb, e.g. `promotion.review`, `application.action`, `support.read`.
    pub action: String,
    /// What was acted on, e.g. `digital-channels-prod/payment-rail`.
    pub target: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub outcome: AuditOutcome,
    pub request_id: String,
}

/// Filters of `GET /api/v1/audit`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// A page of the audit trail as the console shows it, whichever API answered.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditTrail {
    /// Newest first.
    pub items: Vec<AuditRecord>,
    /// Where the next (older) page starts, if there is one.
    pub next_cursor: Option<String>,
    /// The Sovereign speaks catalyst-api, whose audit holds only RBAC changes.
    pub rbac_only: bool,
}
