//! Discovery (`/meta`), the signed-in identity (`/me`), roles, and the OAuth 2.0 device
//! authorization grant (RFC 8628) shapes.

use serde::{Deserialize, Serialize};

crate::wire_enum! {
    /// What kind of Sovereign this is; drives console defaults (SME hides promotions
    /// while an Org has a single Environment).
    pub enum SovereignType { Sme = "sme", Corporate = "corporate" }
}

crate::wire_enum! {
    /// Roles of the Catalyst design.
    pub enum RoleName {
        SovereignAdmin = "sovereign-admin",
        OrgAdmin = "org-admin",
        OrgDeveloper = "org-developer",
        OrgViewer = "org-viewer",
        SecurityOfficer = "security-officer",
        BillingAdmin = "billing-admin",
        SupportAgent = "support-agent",
    }
}

/// `GET /api/v1/meta` (no auth).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    pub sovereign: SovereignInfo,
    pub api_version: String,
    pub auth: AuthInfo,
    #[serde(default)]
    pub defaults: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SovereignInfo {
    pub name: String,
    pub domain: String,
    #[serde(rename = "type")]
    pub kind: SovereignType,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuthInfo {
    pub issuer: String,
    pub device_authorization_endpoint: String,
    pub token_endpoint: String,
    pub client_id: String,
    #[serde(default)]
    pub scopes: Vec<String>,
}

/// `GET /api/v1/me`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Me {
    pub sub: String,
    pub name: String,
    pub email: String,
    #[serde(default)]
    pub roles: Vec<RoleBinding>,
    #[serde(default)]
    pub teams: Vec<String>,
    #[serde(default)]
    pub support_agent: bool,
}

/// A role, sovereign-wide when `org` is absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleBinding {
    pub role: RoleName,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
}

impl Me {
    /// True when the identity holds `role` sovereign-wide, or for `org` when given.
    pub fn has_role(&self, role: RoleName, org: Option<&str>) -> bool {
        self.roles.iter().any(|b| {
            b.role == role && (b.org.is_none() || org.is_none() || b.org.as_deref() == org)
        })
    }
}

/// RFC 8628 §3.2 device authorization response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceAuthorization {
    pub device_code: String,
    pub user_code: String,
    pub verification_uri: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification_uri_complete: Option<String>,
    pub expires_in: u64,
    #[serde(default = "default_interval")]
    pub interval: u64,
}

fn default_interval() -> u64 {
    5
}

/// RFC 6749 §5.1 token response.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: String,
    pub expires_in: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

impl std::fmt::Debug for TokenResponse {
    // Tokens never reach a log, not even through `{:?}` (QUALITY S1).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenResponse")
            .field("access_token", &"<redacted>")
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// RFC 6749 §5.2 / RFC 8628 §3.5 token error (`authorization_pending`, `slow_down`,
/// `access_denied`, `expired_token`, `invalid_grant`, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthError {
    pub error: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
}

/// A demo identity of the sandbox Sovereign (`GET /device/personas`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoPersona {
    /// The login name (`admin`, `layla`, …).
    pub id: String,
    pub name: String,
    /// What the persona is for, in one line.
    pub blurb: String,
}
