//! The error envelope of the console API and of the provisioning API's JSON errors.

use serde::{Deserialize, Serialize};

/// `{"error":"<kebab-code>","detail":"…","request_id":"…", …}`.
///
/// Optional members appear with specific codes: `required`/`reason` with 403,
/// `state`/`revision` with 409, `fields` with 422, `retry_after` with 429,
/// `dependents` with 409 `has-dependents`, `teams` with 403 `not-an-approver`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: String,
    #[serde(default)]
    pub detail: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<u64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
    /// Seconds; the real Catalyst gateway sends only this, without a `Retry-After` header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependents: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub teams: Vec<String>,
}

/// One invalid field of a 422 answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub path: String,
    pub message: String,
}

impl ErrorBody {
    pub fn new(code: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            error: code.into(),
            detail: detail.into(),
            ..Self::default()
        }
    }
}
