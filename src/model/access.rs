//! Just-in-time access requests to an Environment's Kubernetes, and their credentials.

use super::Timestamp;
use serde::{Deserialize, Serialize};

crate::wire_enum! {
    pub enum AccessLevel { View = "view", Debug = "debug" }
}

crate::wire_enum! {
    pub enum AccessState { Pending = "pending", Granted = "granted", Denied = "denied", Expired = "expired", Revoked = "revoked" }
}

crate::wire_enum! {
    pub enum AccessDecisionKind { Grant = "grant", Deny = "deny" }
}

/// `POST /api/v1/environments/{env}/access-requests` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateAccessRequest {
    pub reason: String,
    pub duration_minutes: u32,
    pub access: AccessLevel,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccessRequest {
    pub id: String,
    pub environment: String,
    pub requester: String,
    pub access: AccessLevel,
    pub reason: String,
    pub duration_minutes: u32,
    pub state: AccessState,
    pub requested_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub granted_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision_comment: Option<String>,
}

/// `POST /api/v1/access-requests/{id}/decision` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessDecision {
    pub decision: AccessDecisionKind,
    #[serde(default)]
    pub comment: String,
}

/// `GET /api/v1/access-requests/{id}/credentials`: a bearer token scoped to one
/// namespace that lives no longer than the grant.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct AccessCredentials {
    pub server: String,
    pub certificate_authority_data: String,
    pub context: String,
    pub namespace: String,
    pub token: String,
    pub expires_at: Timestamp,
}

impl std::fmt::Debug for AccessCredentials {
    // The kube token never reaches a log (QUALITY S1).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessCredentials")
            .field("server", &self.server)
            .field("context", &self.context)
            .field("namespace", &self.namespace)
            .field("token", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}
